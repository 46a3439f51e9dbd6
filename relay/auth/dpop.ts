// Who is calling. Trusts only a DPoP proof (RFC 9449) signed by the install's own
// non-extractable P-256 key: the install id is the key's RFC 7638 thumbprint, so there is
// no bearer secret anywhere to steal. A proof is bound to the method, the URL (without
// query), a time within ±MAX_SKEW and a jti that the store remembers, across instances,
// for as long as the proof could be accepted.
import { calculateJwkThumbprint, decodeProtectedHeader, EmbeddedJWK, type JWK, jwtVerify } from 'jose';
import { RelayHttpError } from '../errors';
import type { Store } from '../store/queries';

export const MAX_SKEW_SECONDS = 60;

const invalid = (message: string) =>
  new RelayHttpError(401, 'invalid_proof', message, { 'www-authenticate': 'DPoP' });

export interface VerifiedProof {
  installId: string;
  jwk: JWK;
  jti: string;
}

export interface VerifyOptions {
  proof: string | undefined;
  method: string;
  /** The URL the proof must name: PUBLIC_URL + path, no query. */
  url: string;
  nowMs: number;
}

/** Signature and claims only; no store access. */
export async function verifyProofSignature({
  proof,
  method,
  url,
  nowMs,
}: VerifyOptions): Promise<VerifiedProof> {
  if (!proof) throw invalid('This request needs a DPoP header signed by the extension’s install key.');
  if (proof.length > 4096 || proof.includes(','))
    throw invalid('The DPoP header must hold exactly one proof.');
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(proof);
  } catch {
    throw invalid('The DPoP proof is not a readable JWT.');
  }
  const jwk = header.jwk as JWK | undefined;
  if (
    header.typ !== 'dpop+jwt' ||
    header.alg !== 'ES256' ||
    !jwk ||
    jwk.kty !== 'EC' ||
    jwk.crv !== 'P-256'
  ) {
    throw invalid('The DPoP proof must be an ES256 dpop+jwt carrying its P-256 public key.');
  }
  if ('d' in jwk) throw invalid('The DPoP proof must not carry a private key.');
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(proof, EmbeddedJWK, {
      typ: 'dpop+jwt',
      algorithms: ['ES256'],
      currentDate: new Date(nowMs),
    }));
  } catch {
    throw invalid('The DPoP proof signature does not verify.');
  }
  const { htm, htu, iat, jti } = payload;
  if (htm !== method) throw invalid(`The DPoP proof was made for ${String(htm)}, not ${method}.`);
  if (htu !== url) throw invalid('The DPoP proof was made for a different URL.');
  if (typeof iat !== 'number' || Math.abs(nowMs / 1000 - iat) > MAX_SKEW_SECONDS) {
    throw invalid('The DPoP proof is stale or from the future; check the computer’s clock.');
  }
  if (typeof jti !== 'string' || jti.length < 8 || jti.length > 200) {
    throw invalid('The DPoP proof needs a unique jti.');
  }
  const { kty, crv, x, y } = jwk;
  const publicJwk = { kty, crv, x, y } as JWK;
  return { installId: await calculateJwkThumbprint(publicJwk, 'sha256'), jwk: publicJwk, jti };
}

/** Refuses proofs already seen. Call only after every other check passed. */
export async function consumeProof(store: Store, proof: VerifiedProof, nowMs: number): Promise<void> {
  const fresh = await store.recordProof(proof.installId, proof.jti, nowMs + 2 * MAX_SKEW_SECONDS * 1000);
  if (!fresh) {
    throw new RelayHttpError(
      401,
      'replayed_proof',
      'This DPoP proof was already used; each request needs a new one.',
      {
        'www-authenticate': 'DPoP',
      },
    );
  }
}
