/**
 * Bearer-token checks shared by /connections and the Accounting API. Xero answers a
 * missing, unknown or expired token with 401 and a token for an organisation the user has
 * not connected (or has disconnected inside Xero) with 403.
 * https://developer.xero.com/documentation/guides/oauth2/troubleshooting
 */
import { problem } from './errors.ts';
import type { AccessTokenRecord, Connection, SimState } from './state.ts';

export type AuthResult =
  | { isOk: true; token: AccessTokenRecord }
  | { isOk: false; status: 401; body: Record<string, unknown>; headers: Record<string, string> };

export function authenticate(state: SimState, authorization: string | undefined): AuthResult {
  const fail = (detail: string, error: string): AuthResult => ({
    isOk: false,
    status: 401,
    body: problem(401, detail),
    headers: { 'WWW-Authenticate': `Bearer error="${error}"` },
  });
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  if (!match) return fail('AuthenticationUnsuccessful', 'invalid_request');
  const token = state.accessTokens.get(match[1] as string);
  if (!token) return fail('AuthenticationUnsuccessful', 'invalid_token');
  const now = state.clock.now();
  if (now >= token.expiresAt) {
    return fail(`TokenExpired: token expired at ${new Date(token.expiresAt).toUTCString()}`, 'invalid_token');
  }
  if (token.familyId && state.families.get(token.familyId)?.isRevoked) {
    return fail('AuthenticationUnsuccessful', 'invalid_token');
  }
  return { isOk: true, token };
}

/** The connection that lets this token's user and app reach `tenantId`, if any. */
export function connectionFor(
  state: SimState,
  token: AccessTokenRecord,
  tenantId: string,
): Connection | undefined {
  return state.connections.find(
    (c) => c.tenantId === tenantId && c.clientId === token.clientId && c.userId === token.userId,
  );
}
