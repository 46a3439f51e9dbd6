import { createMiddleware } from 'hono/factory';
import { RelayHttpError } from '../errors';
import type { AppEnv, Services } from '../services';
import { consumeProof, verifyProofSignature } from './dpop';

/** The URL a proof must name: the relay's public address, whatever proxy sits in front. */
export const proofUrl = (publicUrl: string, path: string) => `${publicUrl}${path}`;

/** Every /v1 call except registration and the browser's OAuth return. */
export const requireInstall = (s: Services) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const now = s.now();
    const proof = await verifyProofSignature({
      proof: c.req.header('dpop'),
      method: c.req.method,
      url: proofUrl(s.config.PUBLIC_URL, c.req.path),
      nowMs: now,
    });
    if (!(await s.store.installExists(proof.installId))) {
      throw new RelayHttpError(401, 'unknown_install', 'This install is not registered; register it first.');
    }
    await consumeProof(s.store, proof, now);
    c.set('installId', proof.installId);
    await next();
  });

/**
 * Per-install fixed window, in memory: each instance enforces it on the calls it serves,
 * which bounds one install's load per instance (the store stays the shared truth).
 */
export function rateLimit(s: Services) {
  const windows = new Map<string, { start: number; count: number }>();
  return createMiddleware<AppEnv>(async (c, next) => {
    const now = s.now();
    const id = c.get('installId');
    let w = windows.get(id);
    if (!w || now - w.start >= 60_000) {
      if (windows.size > 10_000) {
        for (const [k, v] of windows) if (now - v.start >= 60_000) windows.delete(k);
      }
      w = { start: now, count: 0 };
      windows.set(id, w);
    }
    w.count++;
    if (w.count > s.config.RATE_LIMIT_PER_MINUTE) {
      const retry = Math.max(1, Math.ceil((w.start + 60_000 - now) / 1000));
      throw new RelayHttpError(
        429,
        'rate_limited',
        `Too many requests from this install; try again in ${retry} s.`,
        {
          'retry-after': String(retry),
        },
      );
    }
    await next();
  });
}
