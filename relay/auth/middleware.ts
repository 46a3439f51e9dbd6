import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { AppEnv, RelayDeps } from '../deps';
import { RelayHttpError } from '../errors';
import type { ConnectionRow } from '../store/queries';
import { invalidProof, proofExpiry, replayed, verifyProofSignature } from './dpop';

/** The URL a proof must name: the relay's public address, whatever proxy sits in front. */
export const proofUrl = (publicUrl: string, path: string) => `${publicUrl}${path}`;

/** The connection a path names (`/v1/connections/:id/…`), so authentication can read it too. */
const CONNECTION_PATH = /^\/v1\/connections\/([^/]{1,200})(?:\/|$)/;

/**
 * Every /v1 call except registration and the browser's OAuth return. The install's
 * registration, the proof's jti (replay) and the named connection with its grants are read
 * and written by Store.authenticate: one statement on PostgreSQL, fresh on every request;
 * on PGlite, which one process owns, from memory kept exact (store/auth-cache.ts,
 * store/proof-memory.ts).
 */
export const requireInstall = (s: RelayDeps) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const now = s.now();
    const path = c.req.path;
    const proof = verifyProofSignature({
      proof: c.req.header('dpop'),
      method: c.req.method,
      url: proofUrl(s.config.PUBLIC_URL, path),
      nowMs: now,
    });
    const connectionId = CONNECTION_PATH.exec(path)?.[1];
    const auth = await s.store.authenticate({
      installId: proof.installId,
      jti: proof.jti,
      iat: proof.iat,
      nowMs: now,
      expiresAt: proofExpiry(now),
      connectionId,
    });
    if (!auth.isInstall) {
      throw new RelayHttpError(401, 'unknown_install', 'This install is not registered; register it first.');
    }
    if (auth.madeBeforeStart) {
      throw invalidProof(
        'The DPoP proof was made before the relay restarted; make a new one (and check the computer’s clock).',
      );
    }
    if (!auth.isFresh) throw replayed();
    c.set('installId', proof.installId);
    if (connectionId !== undefined) c.set('connection', { id: connectionId, found: auth.connection });
    await next();
  });

/**
 * The connection `connectionId` as stored now, with its granted accounts when known: what
 * authentication already read for this request, else a read of the store.
 */
export async function currentConnection(
  c: Context<AppEnv>,
  s: Pick<RelayDeps, 'store'>,
  connectionId: string,
): Promise<{ row: ConnectionRow; accountIds?: readonly string[] } | undefined> {
  const read = c.get('connection');
  if (read?.id === connectionId) return read.found;
  const row = await s.store.findConnection(connectionId);
  return row && { row };
}

/** Whether `accountId` holds a grant on the connection, from `currentConnection`'s answer. */
export async function isGranted(
  s: Pick<RelayDeps, 'store'>,
  conn: { row: ConnectionRow; accountIds?: readonly string[] },
  accountId: string,
): Promise<boolean> {
  return conn.accountIds ? conn.accountIds.includes(accountId) : s.store.hasGrant(conn.row.id, accountId);
}

/**
 * Per-install fixed window, in memory: each instance enforces it on the calls it serves,
 * which bounds one install's load per instance (the store stays the shared truth).
 */
export function rateLimit(s: RelayDeps) {
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
