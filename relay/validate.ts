// zValidator with the relay's error shape, so a bad input always reads
// { error: { code: 'invalid_request', message } } and never reaches a handler.
import { zValidator } from '@hono/zod-validator';
import type { ValidationTargets } from 'hono';
import type * as z from 'zod/mini';
import { RelayHttpError } from './errors';

export const validate = <T extends z.ZodMiniType, Target extends keyof ValidationTargets>(
  target: Target,
  schema: T,
) =>
  zValidator(target, schema, (result) => {
    if (result.success) {
      const bad = findUnsafeText(result.data);
      if (bad) {
        throw new RelayHttpError(
          400,
          'invalid_request',
          `The request ${target} is not valid (${bad.path || target}: ${bad.why}). Nothing was changed.`,
        );
      }
    }
    if (!result.success) {
      const issues = result.error.issues
        .slice(0, 5)
        .map((i) => `${i.path.join('.') || target}: ${i.message}`)
        .join('; ');
      throw new RelayHttpError(400, 'invalid_request', `The request ${target} is not valid (${issues}).`);
    }
  });

/**
 * NUL characters and unpaired UTF-16 surrogates are refused at the edge: PostgreSQL cannot
 * store NUL in text or jsonb, and a lone surrogate has no UTF-8 form, so either would fail
 * deep inside a handler (a 500) or reach Xero mangled.
 */
export function findUnsafeText(value: unknown, path = ''): { path: string; why: string } | undefined {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) return { path, why: 'contains a NUL character' };
    if (!value.isWellFormed()) return { path, why: 'contains an unpaired UTF-16 surrogate' };
    return undefined;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const bad = findUnsafeText(value[i], path ? `${path}.${i}` : String(i));
      if (bad) return bad;
    }
    return undefined;
  }
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const keyBad = findUnsafeText(k, path);
      if (keyBad) return { path: path ? `${path}.${k}` : k, why: `its name ${keyBad.why}` };
      const bad = findUnsafeText(v, path ? `${path}.${k}` : k);
      if (bad) return bad;
    }
  }
  return undefined;
}
