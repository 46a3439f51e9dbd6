/**
 * The identity server's signing key and token minting. The key is generated at start
 * (RS256, like Xero's) off the main thread so the server listens at once; everything
 * that signs awaits it. Published at the JWKS endpoint for openid-client to verify id_tokens.
 */
import { type CryptoKey, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export async function createSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = crypto.randomUUID().replaceAll('-', '').toUpperCase();
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  return { kid, privateKey, publicJwk };
}

export async function signJwt(
  key: SigningKey,
  claims: Record<string, unknown>,
  options: { issuer: string; audience: string; subject?: string; issuedAtMs: number; expiresAtMs: number },
): Promise<string> {
  const jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
    .setIssuer(options.issuer)
    .setAudience(options.audience)
    .setIssuedAt(Math.floor(options.issuedAtMs / 1000))
    .setExpirationTime(Math.floor(options.expiresAtMs / 1000));
  if (options.subject) jwt.setSubject(options.subject);
  return jwt.sign(key.privateKey);
}
