// Registration, without HTTP: the proof's own embedded key is what gets registered, so whoever
// holds the private key is the install. Idempotent. The route (routes/installs.ts) hands over
// the proof header and the URL it was made for, and maps the answer.
import { consumeProof, verifyProofSignature } from './auth/dpop';
import type { RelayDeps } from './deps';

export interface Registration {
  installId: string;
  /** False when this key was already registered (a re-registration). */
  isNew: boolean;
}

/** Check the registration's proof (signature, freshness, single use) and register its key. */
export async function registerInstall(
  s: RelayDeps,
  request: { proof: string | undefined; url: string },
): Promise<Registration> {
  const now = s.now();
  const proof = await verifyProofSignature({
    proof: request.proof,
    method: 'POST',
    url: request.url,
    nowMs: now,
  });
  await consumeProof(s.store, proof, now);
  const isNew = await s.store.registerInstall(proof.installId, JSON.stringify(proof.jwk), now);
  s.log.info({ installId: proof.installId, isNew }, 'install registered');
  return { installId: proof.installId, isNew };
}
