/**
 * Minting and rotating tokens the way Xero's identity server does: access tokens are
 * RS256 JWTs carrying `authentication_event_id` and living 30 minutes; refresh tokens are
 * opaque, single use, and rotate on every refresh with a grace period for lost responses.
 * https://developer.xero.com/documentation/guides/oauth2/auth-flow/#refreshing-access-and-refresh-tokens
 */
import { randomBytes } from 'node:crypto';
import type { SimDeps } from './deps.ts';
import { signJwt } from './keys.ts';
import type { RefreshFamily, TokenPair } from './state.ts';

export interface Grant {
  clientId: string;
  userId: string;
  scope: string;
  authEventId: string;
  authTime: number;
  nonce?: string;
  familyId?: string;
}

const ID_TOKEN_TTL_MS = 5 * 60_000;

export function hasScope(scope: string, wanted: string): boolean {
  return scope.split(/\s+/).includes(wanted);
}

function opaqueToken(): string {
  return randomBytes(32).toString('hex');
}

/** Signs a new access token (and id_token when `openid` was granted) for `grant`. */
export async function mintTokens(
  deps: SimDeps,
  issuer: string,
  grant: Grant,
  refreshToken: string | undefined,
): Promise<TokenPair> {
  const { state } = deps;
  const key = await deps.signingKey;
  const now = state.clock.now();
  const expiresAt = now + state.config.accessTokenTtlMs;
  const user = state.user;
  const sessionId = grant.authEventId.replaceAll('-', '');
  const accessToken = await signJwt(
    key,
    {
      nbf: Math.floor(now / 1000),
      client_id: grant.clientId,
      auth_time: Math.floor(grant.authTime / 1000),
      xero_userid: user.userId,
      global_session_id: sessionId,
      sid: sessionId,
      jti: crypto.randomUUID().replaceAll('-', ''),
      authentication_event_id: grant.authEventId,
      scope: grant.scope.split(/\s+/).filter(Boolean),
    },
    {
      issuer,
      audience: `${issuer}/resources`,
      subject: user.userId.replaceAll('-', ''),
      issuedAtMs: now,
      expiresAtMs: expiresAt,
    },
  );
  state.accessTokens.set(accessToken, {
    clientId: grant.clientId,
    userId: user.userId,
    familyId: grant.familyId,
    authEventId: grant.authEventId,
    issuedAt: now,
    expiresAt,
  });
  const pair: TokenPair = {
    access_token: accessToken,
    expires_in: Math.round(state.config.accessTokenTtlMs / 1000),
    token_type: 'Bearer',
    scope: grant.scope,
  };
  if (refreshToken) pair.refresh_token = refreshToken;
  if (hasScope(grant.scope, 'openid')) {
    const [given, ...family] = user.name.split(' ');
    pair.id_token = await signJwt(
      key,
      {
        auth_time: Math.floor(grant.authTime / 1000),
        ...(grant.nonce ? { nonce: grant.nonce } : {}),
        xero_userid: user.userId,
        global_session_id: sessionId,
        sid: sessionId,
        preferred_username: user.email,
        email: user.email,
        given_name: given,
        family_name: family.join(' '),
        name: user.name,
        amr: ['pwd'],
      },
      {
        issuer,
        audience: grant.clientId,
        subject: user.userId.replaceAll('-', ''),
        issuedAtMs: now,
        expiresAtMs: now + ID_TOKEN_TTL_MS,
      },
    );
  }
  pruneExpiredAccessTokens(deps, now);
  return pair;
}

let lastPrune = 0;
/** Keeps the token map from growing without bound in long demos and benchmarks. */
function pruneExpiredAccessTokens(deps: SimDeps, now: number): void {
  if (now - lastPrune < 60_000) return;
  lastPrune = now;
  for (const [token, record] of deps.state.accessTokens) {
    if (record.expiresAt < now - 60 * 60_000) deps.state.accessTokens.delete(token);
  }
}

/** Starts a refresh-token family at a code exchange (only with `offline_access`). */
export function startFamily(deps: SimDeps, grant: Grant): RefreshFamily {
  const { state } = deps;
  const family: RefreshFamily = {
    id: crypto.randomUUID(),
    clientId: grant.clientId,
    userId: grant.userId,
    scope: grant.scope,
    authEventId: grant.authEventId,
    authTime: grant.authTime,
    current: opaqueToken(),
    currentIssuedAt: state.clock.now(),
    rotations: 0,
    isRevoked: false,
  };
  state.families.set(family.id, family);
  state.refreshIndex.set(family.current, family.id);
  return family;
}

export type RefreshOutcome =
  | { isOk: true; pair: TokenPair; isGraceReplay: boolean }
  | { isOk: false; description: string };

/**
 * Redeems `token`: the family's current token rotates; the previous one within the grace
 * period gets the very pair its rotation produced; anything else is `invalid_grant`.
 */
export async function redeemRefreshToken(
  deps: SimDeps,
  issuer: string,
  clientId: string,
  token: string,
): Promise<RefreshOutcome> {
  const { state } = deps;
  const now = state.clock.now();
  const familyId = state.refreshIndex.get(token);
  const family = familyId ? state.families.get(familyId) : undefined;
  if (!family || family.clientId !== clientId) return { isOk: false, description: 'unknown refresh token' };
  if (family.isRevoked) return { isOk: false, description: 'refresh token revoked' };
  if (token === family.current) {
    if (now - family.currentIssuedAt > state.config.refreshTokenTtlMs) {
      return { isOk: false, description: 'refresh token expired' };
    }
    const next = opaqueToken();
    if (family.previous) state.refreshIndex.delete(family.previous.token);
    family.current = next;
    family.currentIssuedAt = now;
    family.rotations++;
    state.refreshIndex.set(next, family.id);
    // Recorded before the signer is awaited, so a retry arriving meanwhile shares this pair.
    const pair = mintTokens(
      deps,
      issuer,
      {
        clientId: family.clientId,
        userId: family.userId,
        scope: family.scope,
        authEventId: family.authEventId,
        authTime: family.authTime,
        familyId: family.id,
      },
      next,
    );
    family.previous = { token, rotatedAt: now, pair };
    return { isOk: true, pair: await pair, isGraceReplay: false };
  }
  if (family.previous && token === family.previous.token) {
    if (now - family.previous.rotatedAt <= state.config.refreshGraceMs) {
      return { isOk: true, pair: await family.previous.pair, isGraceReplay: true };
    }
    return { isOk: false, description: 'refresh token already used' };
  }
  return { isOk: false, description: 'refresh token already used' };
}
