// Signing in to Xero, without HTTP: start a sign-in bound to an install, an account and an
// exact return URL, send the browser on to Xero, finish the sign-in when Xero sends it back,
// and redeem the relay code the browser brought back (routes/connect.ts has the routes and
// turns these answers into the browser's pages and redirects; relay/README.md, "Connecting
// safely", says why each step is there).
import { randomUUID } from 'node:crypto';
import { generators } from 'openid-client';
import { isAllowedReturnUrl } from './auth/return-url';
import type { RelayDeps } from './deps';
import { DomainError } from './errors';
import { randomToken, sha256 } from './one-time-codes';
import type { RelayCodeRow, Store, TenantRecord } from './store/queries';
import type { XeroTenant } from './xero/client';
import { XeroFailure } from './xero/errors';

const STATE_TTL_MS = 10 * 60_000;
const RELAY_CODE_TTL_MS = 5 * 60_000;

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

/**
 * Where the auth window goes for a sign-in's state: Xero's authorise URL while the state is
 * usable (looking does not use it up), with how long the browser binding may last.
 */
export async function launchSignIn(
  s: RelayDeps,
  state: string,
): Promise<{ kind: 'expired' } | { kind: 'to_xero'; url: string; bindingMaxAgeSeconds: number }> {
  const now = s.now();
  const row = await s.store.findUsableOauthState(sha256(state), now);
  if (!row) {
    s.log.warn('oauth launch with unknown, used or expired state');
    return { kind: 'expired' };
  }
  const url = await s.xero.authorizationUrl({
    state,
    codeChallenge: generators.codeChallenge(row.code_verifier),
  });
  return { kind: 'to_xero', url, bindingMaxAgeSeconds: (row.expires_at - now) / 1000 };
}

/** How Xero's return ended: refused before anything happened, or back to the extension with these parameters. */
export type SignInReturn =
  | { kind: 'foreign_browser' }
  | { kind: 'expired' }
  | { kind: 'back'; returnUrl: string; params: Record<string, string> };

/**
 * Xero sent the browser back: exchange the code and park the sealed token pair on a
 * single-use relay code for the extension to redeem. `browser` says whether the browser
 * carries the binding of the state it brings (relay/auth/sign-in-binding.ts).
 */
export async function finishSignIn(
  s: RelayDeps,
  q: { state?: string; code?: string; error?: string },
  browser: { isBound: boolean; hasCookie: boolean },
): Promise<SignInReturn> {
  const now = s.now();
  const stateHash = q.state ? sha256(q.state) : undefined;
  // The browser must be the one that opened this sign-in's launch URL. A browser without
  // its cookie (someone sent Xero's URL of another install's sign-in) is refused before
  // anything is exchanged or parked; the state stays as it was, so it cannot be used to
  // end the real auth window's sign-in either.
  if (stateHash && !browser.isBound) {
    const known = await s.store.findUsableOauthState(stateHash, now);
    if (known) {
      s.log.warn(
        { installId: known.install_id, hasCookie: browser.hasCookie },
        'oauth callback from a browser that did not start the sign-in',
      );
      return { kind: 'foreign_browser' };
    }
  }
  const state = stateHash ? await s.store.consumeOauthState(stateHash, now) : undefined;
  if (!state) {
    s.log.warn({ hasState: Boolean(q.state) }, 'oauth callback with unknown, used or expired state');
    return { kind: 'expired' };
  }
  const back = (params: Record<string, string>): SignInReturn => ({
    kind: 'back',
    returnUrl: state.return_url,
    params,
  });
  if (q.error || !q.code) {
    const cancelled = q.error === 'access_denied';
    s.log.info({ installId: state.install_id, error: q.error ?? 'missing_code' }, 'oauth consent not given');
    return back({
      error: cancelled ? 'access_denied' : 'invalid_request',
      error_description: cancelled
        ? 'Access to Xero was cancelled. Nothing was connected.'
        : 'Xero did not return an authorisation code. Nothing was connected.',
    });
  }
  try {
    const tokens = await s.xero.exchangeCode({
      code: q.code,
      state: q.state!,
      codeVerifier: state.code_verifier,
    });
    let tenants: XeroTenant[] = await s.xero.listTenants(tokens.accessToken, tokens.authEventId);
    // Re-consenting an organisation already connected may yield no *new* tenants.
    if (tenants.length === 0 && tokens.authEventId) tenants = await s.xero.listTenants(tokens.accessToken);
    if (tenants.length === 0) {
      return back({ error: 'no_organisation', error_description: 'No Xero organisation was chosen.' });
    }
    const records: TenantRecord[] = tenants.map((t) => ({
      tenantId: t.tenantId,
      name: t.tenantName,
      xeroConnectionId: t.xeroConnectionId,
    }));

    let target = state.connection_id ? await s.store.findConnection(state.connection_id) : undefined;
    if (state.connection_id) {
      if (!target || target.owner_install_id !== state.install_id) {
        return back({ error: 'invalid_request', error_description: 'That connection no longer exists.' });
      }
      if (!records.some((t) => t.tenantId === target!.tenant_id)) {
        return back({
          error: 'wrong_organisation',
          error_description: `Reconnect must choose the organisation "${target.organisation_name}". Nothing was changed.`,
        });
      }
    }
    // A reconnect keeps its organisation. A new consent covering several organisations is
    // bound to none of them: its owner chooses one (POST /v1/connections/{id}/tenant), and
    // until then records[0] is only a placeholder the connection never uses.
    const primary = target ? records.find((t) => t.tenantId === target!.tenant_id)! : records[0]!;
    // One owner per token set: connecting the one organisation this install already holds
    // replaces that connection's pair instead of creating a rival one.
    if (records.length === 1)
      target ??= await s.store.findOwnedConnectionForTenant(state.install_id, primary.tenantId);
    const id = target?.id ?? randomUUID();
    const sealed = {
      accessTokenEnc: s.vault.encrypt(tokens.accessToken, id),
      refreshTokenEnc: s.vault.encrypt(tokens.refreshToken, id),
      accessExpiresAt: tokens.accessExpiresAt,
    };
    // Parked, not connected: the pair becomes a connection only when the install that
    // started this sign-in redeems the code the browser carries back (redeemSignIn).
    const relayCode = randomToken();
    await s.store.createRelayCode({
      code_hash: sha256(relayCode),
      install_id: state.install_id,
      connection_id: id,
      account_id: state.account_id,
      expires_at: now + RELAY_CODE_TTL_MS,
      created_at: now,
      tenant_id: primary.tenantId,
      organisation_name: primary.name,
      xero_connection_id: primary.xeroConnectionId,
      tenants_json: JSON.stringify(records),
      access_token_enc: sealed.accessTokenEnc,
      refresh_token_enc: sealed.refreshTokenEnc,
      access_expires_at: sealed.accessExpiresAt,
    });
    s.log.info(
      { installId: state.install_id, connectionId: id, reconnect: Boolean(target) },
      'xero sign-in waiting for redemption',
    );
    return back({ relay_code: relayCode });
  } catch (e) {
    const f = e instanceof XeroFailure ? e : undefined;
    s.log.error({ installId: state.install_id, xeroFailure: f?.kind ?? 'internal' }, 'oauth callback failed');
    // Name the real cause: invalid_grant here is about the sign-in's code (expired, used
    // twice or failing its PKCE check), not a connection's refresh token.
    const why =
      f?.kind === 'invalid_grant'
        ? 'Xero did not accept this sign-in’s authorisation code (it expired, was already used, or failed its PKCE check).'
        : (f?.message ?? 'The relay could not finish connecting.');
    return back({
      error: 'server_error',
      error_description: `${why} Nothing was connected; try again.`,
    });
  }
}
