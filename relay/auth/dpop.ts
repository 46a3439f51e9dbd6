// Who is calling. Trusts only a DPoP proof (RFC 9449) signed by the install's own
// non-extractable P-256 key: the install id is the key's RFC 7638 thumbprint, so there is
// no bearer secret anywhere to steal. A proof is bound to the method, the URL (without
// query), a time within ±MAX_SKEW and a jti that the store remembers, across instances,
// for as long as the proof could be accepted.
import { calculateJwkThumbprint, decodeProtectedHeader, importJWK, type JWK, jwtVerify } from 'jose';
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
  const { kty, crv, x, y } = jwk;
  if (typeof x !== 'string' || typeof y !== 'string') {
    throw invalid('The DPoP proof must be an ES256 dpop+jwt carrying its P-256 public key.');
  }
  let key: PublicKeyEntry;
  try {
    key = await publicKey({ kty, crv, x, y } as JWK);
  } catch {
    throw invalid('The DPoP proof signature does not verify.');
  }
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(proof, key.verifyKey, {
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
  return { installId: key.installId, jwk: key.jwk, jti };
}

/** Until when a proof's jti is remembered: as long as the proof could be accepted. */
export const proofExpiry = (nowMs: number) => nowMs + 2 * MAX_SKEW_SECONDS * 1000;

export const replayed = () =>
  new RelayHttpError(
    401,
    'replayed_proof',
    'This DPoP proof was already used; each request needs a new one.',
    {
      'www-authenticate': 'DPoP',
    },
  );

/** Refuses proofs already seen. Call only after every other check passed. */
export async function consumeProof(store: Store, proof: VerifiedProof, nowMs: number): Promise<void> {
  if (!(await store.recordProof(proof.installId, proof.jti, proofExpiry(nowMs)))) throw replayed();
}

interface PublicKeyEntry {
  jwk: JWK;
  /** RFC 7638 thumbprint of `jwk`: the install id. */
  installId: string;
  verifyKey: Awaited<ReturnType<typeof importJWK>>;
}

/**
 * Importing a P-256 key and hashing its thumbprint cost more than checking a signature, and
 * an install sends the same key with every request: both are kept per key (public
 * coordinates only, so nothing here can go stale or leak), bounded.
 */
const publicKeys = new Map<string, Promise<PublicKeyEntry>>();
const PUBLIC_KEYS_MAX = 10_000;

function publicKey(jwk: JWK): Promise<PublicKeyEntry> {
  const id = `${jwk.x}.${jwk.y}`;
  let entry = publicKeys.get(id);
  if (!entry) {
    if (publicKeys.size >= PUBLIC_KEYS_MAX) publicKeys.clear();
    entry = (async () => {
      const verifyKey = await importJWK(jwk, 'ES256');
      return { jwk, installId: await calculateJwkThumbprint(jwk, 'sha256'), verifyKey };
    })();
    publicKeys.set(id, entry);
    entry.catch(() => publicKeys.delete(id));
  }
  return entry;
}
