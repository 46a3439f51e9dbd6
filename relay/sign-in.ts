// Signing in to Xero, without HTTP: start a sign-in bound to an install, an account and an
// exact return URL, and redeem the relay code the browser brought back (routes/connect.ts
// has the routes and the browser's OAuth pages; relay/README.md, "Connecting safely", why).
import { generators } from 'openid-client';
import { isAllowedReturnUrl } from './auth/return-url';
import type { RelayDeps } from './deps';
import { DomainError } from './errors';
import { randomToken, sha256 } from './one-time-codes';
import type { RelayCodeRow, Store, TenantRecord } from './store/queries';

const STATE_TTL_MS = 10 * 60_000;

/** A sign-in for `installId`: Xero's authorise URL and the relay's launch URL for it. */
export async function startSignIn(
  s: RelayDeps,
  installId: string,
  { accountId, returnUrl, connectionId }: { accountId: string; returnUrl: string; connectionId?: string },
) {
  if (!isAllowedReturnUrl(returnUrl, s.config.ALLOWED_EXTENSION_IDS, s.config.RETURN_URL_PREFIXES)) {
    throw new DomainError(
      'return_url_not_allowed',
      'The return URL must be the browser-provided redirect URL of a Settlebridge extension this relay serves (ALLOWED_EXTENSION_IDS).',
    );
  }
  if (connectionId) {
    const existing = await s.store.findConnection(connectionId);
    if (!existing) throw new DomainError('not_found', 'That connection was not found.');
    if (existing.owner_install_id !== installId) {
      throw new DomainError('not_owner', 'Only the install that created this connection can reconnect it.');
    }
  }
  const state = randomToken();
  const codeVerifier = generators.codeVerifier();
  const authorizeUrl = await s.xero.authorizationUrl({
    state,
    codeChallenge: generators.codeChallenge(codeVerifier),
  });
  const now = s.now();
  await s.store.createOauthState({
    state_hash: sha256(state),
    install_id: installId,
    account_id: accountId,
    return_url: returnUrl,
    code_verifier: codeVerifier,
    connection_id: connectionId ?? null,
    created_at: now,
    expires_at: now + STATE_TTL_MS,
  });
  const launchUrl = new URL('/v1/oauth/authorize', s.config.PUBLIC_URL);
  launchUrl.searchParams.set('state', state);
  return { authorizeUrl, launchUrl: launchUrl.toString() };
}

/** Turns the relay code of a finished sign-in into a connection of `installId`, once. */
export async function redeemSignIn(s: RelayDeps, installId: string, relayCode: string) {
  const codeHash = sha256(relayCode);
  const now = s.now();
  const result = await s.store.transaction(async (store) => {
    const code = await store.redeemRelayCode(codeHash, installId, now);
    if (!code) return undefined;
    const reconnected = await activate(store, code, now);
    await store.clearRelayCodeTokens(codeHash);
    await store.addGrants(code.connection_id, [code.account_id], now);
    return { reconnected, connection: await store.findConnection(code.connection_id) };
  });
  if (!result?.connection) {
    const known = await s.store.findRelayCode(codeHash);
    if (known && known.install_id !== installId) {
      throw new DomainError(
        'relay_code_of_another_install',
        'This relay code was issued to another install.',
      );
    }
    if (known?.redeemed_at) throw new DomainError('invalid_relay_code', 'This relay code was already used.');
    if (known) throw new DomainError('invalid_relay_code', 'This relay code has expired; connect again.');
    throw new DomainError('invalid_relay_code', 'This relay code is not valid.');
  }
  if (result.reconnected) {
    await s.jobs.unpark(result.connection.id, now);
    s.onJobQueued();
  }
  s.log.info(
    { installId, connectionId: result.connection.id, reconnect: result.reconnected },
    'xero connected',
  );
  const tenants = (JSON.parse(result.connection.tenants_json) as TenantRecord[]).map((t) => ({
    tenantId: t.tenantId,
    name: t.name,
  }));
  return { connectionId: result.connection.id, tenants, tenantChosen: result.connection.tenant_chosen };
}

/**
 * Turns a redeemed sign-in into a connection: the install's existing connection gets the new
 * pair, or a new one is created. Returns whether an existing connection was replaced.
 */
async function activate(store: Store, code: RelayCodeRow, now: number): Promise<boolean> {
  if (!code.access_token_enc || !code.refresh_token_enc || !code.tenant_id || !code.tenants_json) {
    throw new DomainError('invalid_relay_code', 'This relay code has expired; connect again.');
  }
  const existing = await store.findConnection(code.connection_id);
  if (existing && existing.owner_install_id !== code.install_id) {
    throw new DomainError('not_owner', 'Only the install that created this connection can reconnect it.');
  }
  if (existing) {
    await store.replaceTokens(
      existing.id,
      {
        accessTokenEnc: code.access_token_enc,
        refreshTokenEnc: code.refresh_token_enc,
        accessExpiresAt: code.access_expires_at ?? now,
        tenantsJson: code.tenants_json,
        organisationName: code.organisation_name ?? existing.organisation_name,
        xeroConnectionId: code.xero_connection_id ?? existing.xero_connection_id,
      },
      now,
    );
    return true;
  }
  await store.insertConnection({
    id: code.connection_id,
    owner_install_id: code.install_id,
    tenant_id: code.tenant_id,
    organisation_name: code.organisation_name ?? '',
    xero_connection_id: code.xero_connection_id ?? '',
    tenants_json: code.tenants_json,
    tenant_chosen: (JSON.parse(code.tenants_json) as TenantRecord[]).length === 1,
    status: 'connected',
    access_token_enc: code.access_token_enc,
    refresh_token_enc: code.refresh_token_enc,
    access_expires_at: code.access_expires_at ?? now,
    created_at: now,
    updated_at: now,
  });
  return false;
}
