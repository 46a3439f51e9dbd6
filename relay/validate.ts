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
    if (!result.success) {
      const issues = result.error.issues
        .slice(0, 5)
        .map((i) => `${i.path.join('.') || target}: ${i.message}`)
        .join('; ');
      throw new RelayHttpError(400, 'invalid_request', `The request ${target} is not valid (${issues}).`);
    }
  });
