// Registration: the proof's own embedded key is what gets registered, so whoever holds the
// private key is the install. Idempotent.
import { Hono, type MiddlewareHandler } from 'hono';
import { consumeProof, verifyProofSignature } from '../auth/dpop';
import { proofUrl } from '../auth/middleware';
import type { AppEnv, RelayDeps } from '../deps';

/** Before the proof is looked at: app.ts's limits on registrations (per address, per instance) and on the body. */
export function installRoutes(
  s: RelayDeps,
  before: { limitRegistrations: MiddlewareHandler<AppEnv>; limitBody: MiddlewareHandler<AppEnv> },
) {
  return new Hono<AppEnv>().post('/', before.limitRegistrations, before.limitBody, async (c) => {
    const now = s.now();
    const proof = await verifyProofSignature({
      proof: c.req.header('dpop'),
      method: 'POST',
      url: proofUrl(s.config.PUBLIC_URL, c.req.path),
      nowMs: now,
    });
    await consumeProof(s.store, proof, now);
    const isNew = await s.store.registerInstall(proof.installId, JSON.stringify(proof.jwk), now);
    s.log.info({ installId: proof.installId, isNew }, 'install registered');
    return c.json({ installId: proof.installId, isNew }, isNew ? 201 : 200);
  });
}
