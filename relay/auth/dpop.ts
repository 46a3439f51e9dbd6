// Who is calling. Trusts only a DPoP proof (RFC 9449) signed by the install's own
// non-extractable P-256 key: the install id is the key's RFC 7638 thumbprint, so there is
// no bearer secret anywhere to steal. A proof is bound to the method, the URL (without
// query), a time within ±MAX_SKEW and a jti that the store remembers, across instances,
// for as long as the proof could be accepted.
//
// Verified synchronously with node:crypto: one ES256 check on a key object kept per install
// key, no promise, no thread-pool hop (jose's WebCrypto path cost a job and two ticks per
// request on the relay's hot path). The checks are jose's jwtVerify's for this profile:
// compact JWS, typ dpop+jwt, alg ES256 only, no `crit` extension, a JSON object payload,
// exp/nbf honoured when present.
import { createHash, createPublicKey, type JsonWebKey, type KeyObject, verify } from 'node:crypto';
import type { JWK } from 'jose';
import { RelayHttpError } from '../errors';
import type { Store } from '../store/queries';

export const MAX_SKEW_SECONDS = 60;

/** 401 invalid_proof: the request's DPoP proof cannot be accepted, and why. */
export const invalidProof = (message: string) =>
  new RelayHttpError(401, 'invalid_proof', message, { 'www-authenticate': 'DPoP' });

export interface VerifiedProof {
  installId: string;
  jwk: JWK;
  jti: string;
  /** When the client made the proof (its clock), in seconds. */
  iat: number;
}

export interface VerifyOptions {
  proof: string | undefined;
  method: string;
  /** The URL the proof must name: PUBLIC_URL + path, no query. */
  url: string;
  nowMs: number;
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** A base64url JSON object, or undefined. */
function jsonObject(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Signature and claims only; no store access. */
export function verifyProofSignature({ proof, method, url, nowMs }: VerifyOptions): VerifiedProof {
  if (!proof) throw invalidProof('This request needs a DPoP header signed by the extension’s install key.');
  if (proof.length > 4096 || proof.includes(','))
    throw invalidProof('The DPoP header must hold exactly one proof.');
  const firstDot = proof.indexOf('.');
  const lastDot = proof.lastIndexOf('.');
  const headerPart = proof.slice(0, firstDot);
  const payloadPart = proof.slice(firstDot + 1, lastDot);
  const signaturePart = proof.slice(lastDot + 1);
  const header =
    firstDot > 0 && lastDot > firstDot && BASE64URL.test(headerPart) ? jsonObject(headerPart) : undefined;
  if (!header) throw invalidProof('The DPoP proof is not a readable JWT.');
  const jwk = header.jwk as JWK | undefined;
  if (
    header.typ !== 'dpop+jwt' ||
    header.alg !== 'ES256' ||
    typeof jwk !== 'object' ||
    jwk === null ||
    jwk.kty !== 'EC' ||
    jwk.crv !== 'P-256'
  ) {
    throw invalidProof('The DPoP proof must be an ES256 dpop+jwt carrying its P-256 public key.');
  }
  if ('d' in jwk) throw invalidProof('The DPoP proof must not carry a private key.');
  const { x, y } = jwk;
  if (typeof x !== 'string' || typeof y !== 'string') {
    throw invalidProof('The DPoP proof must be an ES256 dpop+jwt carrying its P-256 public key.');
  }
  const key = publicKey(x, y);
  // No extension is understood, so one marked critical refuses the proof (RFC 7515 §4.1.11).
  if (
    !key ||
    header.crit !== undefined ||
    !BASE64URL.test(payloadPart) ||
    !BASE64URL.test(signaturePart) ||
    !verifies(key.verifyKey, proof.slice(0, lastDot), signaturePart)
  ) {
    throw invalidProof('The DPoP proof signature does not verify.');
  }
  const payload = jsonObject(payloadPart);
  const nowSeconds = nowMs / 1000;
  if (
    !payload ||
    (payload.exp !== undefined && (typeof payload.exp !== 'number' || payload.exp <= nowSeconds)) ||
    (payload.nbf !== undefined && (typeof payload.nbf !== 'number' || payload.nbf > nowSeconds))
  ) {
    throw invalidProof('The DPoP proof signature does not verify.');
  }
  const { htm, htu, iat, jti } = payload;
  if (htm !== method) throw invalidProof(`The DPoP proof was made for ${String(htm)}, not ${method}.`);
  if (htu !== url) throw invalidProof('The DPoP proof was made for a different URL.');
  if (typeof iat !== 'number' || !(Math.abs(nowSeconds - iat) <= MAX_SKEW_SECONDS)) {
    throw invalidProof('The DPoP proof is stale or from the future; check the computer’s clock.');
  }
  if (typeof jti !== 'string' || jti.length < 8 || jti.length > 200) {
    throw invalidProof('The DPoP proof needs a unique jti.');
  }
  return { installId: key.installId, jwk: key.jwk, jti, iat };
}

function verifies(key: KeyObject, signingInput: string, signature: string): boolean {
  try {
    return verify(
      'sha256',
      Buffer.from(signingInput, 'latin1'),
      { key, dsaEncoding: 'ieee-p1363' },
      Buffer.from(signature, 'base64url'),
    );
  } catch {
    return false;
  }
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
  verifyKey: KeyObject;
}

/**
 * Importing a P-256 key and hashing its thumbprint cost more than checking a signature, and
 * an install sends the same key with every request: both are kept per key (public
 * coordinates only, so nothing here can go stale or leak), bounded. A key that does not
 * import (not a point on the curve) is not kept.
 */
const publicKeys = new Map<string, PublicKeyEntry>();
const PUBLIC_KEYS_MAX = 10_000;

function publicKey(x: string, y: string): PublicKeyEntry | undefined {
  const id = `${x}.${y}`;
  let entry = publicKeys.get(id);
  if (!entry) {
    const jwk: JWK = { kty: 'EC', crv: 'P-256', x, y };
    let verifyKey: KeyObject;
    try {
      verifyKey = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
    } catch {
      return undefined;
    }
    // RFC 7638: the required members in lexicographic order, no whitespace.
    const installId = createHash('sha256')
      .update(JSON.stringify({ crv: 'P-256', kty: 'EC', x, y }))
      .digest('base64url');
    if (publicKeys.size >= PUBLIC_KEYS_MAX) publicKeys.clear();
    entry = { jwk, installId, verifyKey };
    publicKeys.set(id, entry);
  }
  return entry;
}
