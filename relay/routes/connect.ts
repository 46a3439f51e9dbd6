// Connecting to Xero. The extension starts a login bound to its install, one of its
// accounts and an exact return URL (one of ALLOWED_EXTENSION_IDS' redirect URLs); the
// browser comes back to /v1/oauth/callback, which exchanges Xero's code and parks the
// sealed token pair on a single-use relay code sent only to that return URL, which only
// the auth window of the browser that started the sign-in intercepts. Nothing is a
// connection yet: it cannot be listed, granted or used until the install that started
// the sign-in redeems the code (relay/README.md, "Connecting safely", says which attack
// each step stops). Xero's code and tokens never reach the browser.
import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { generators } from 'openid-client';
import { relayRoutes } from '../../lib/relay-api';
import { SignInBinding } from '../auth/sign-in-binding';
import type { AppEnv, RelayDeps } from '../deps';
import { randomToken, sha256 } from '../one-time-codes';
import { redeemSignIn, startSignIn } from '../sign-in';
import type { TenantRecord } from '../store/queries';
import { validate } from '../validate';
import type { XeroTenant } from '../xero/client';
import { XeroFailure } from '../xero/errors';

const RELAY_CODE_TTL_MS = 5 * 60_000;

export function connectRoutes(s: RelayDeps) {
  return new Hono<AppEnv>()
    .post('/start', validate('json', relayRoutes.startConnect.request), async (c) =>
      c.json(await startSignIn(s, c.get('installId'), c.req.valid('json'))),
    )
    .post('/redeem', validate('json', relayRoutes.redeem.request), async (c) =>
      c.json(await redeemSignIn(s, c.get('installId'), c.req.valid('json').relayCode)),
    );
}

function page(title: string, message: string) {
  const esc = (v: string) => v.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title></head><body><h1>${esc(title)}</h1><p>${esc(message)}</p></body></html>`;
}

function withParams(returnUrl: string, params: Record<string, string>): string {
  const u = new URL(returnUrl);
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return u.toString();
}

/**
 * The browser's way to Xero and back. No DPoP here: both are top-level navigations.
 *
 * /authorize is where the auth window starts (launchUrl from /connect/start): it sends the
 * browser on to Xero's authorise URL for a state that is still usable. It exists because
 * Firefox's identity.launchWebAuthFlow rejects a URL whose `redirect_uri` is not the
 * extension's own redirect URL ("redirect_uri not allowed"), and Xero's URL must name the
 * relay's callback. Looking at the state does not use it (the callback does), since Firefox
 * fetches the URL once in the background before it opens its window. It also binds the
 * sign-in to this browser: a cookie, scoped to the callback, that the callback requires
 * (relay/auth/sign-in-binding.ts), so a victim sent the raw Xero URL cannot finish it.
 */
export function connectOauthRoutes(s: RelayDeps) {
  const binding = new SignInBinding(s.config.TOKEN_KEYS, s.config.PUBLIC_URL.startsWith('https://'));
  return new Hono<AppEnv>()
    .get('/authorize', validate('query', relayRoutes.oauthLaunch.query), async (c) => {
      const { state } = c.req.valid('query');
      const now = s.now();
      const row = await s.store.findUsableOauthState(sha256(state), now);
      if (!row) {
        s.log.warn('oauth launch with unknown, used or expired state');
        return c.html(
          page(
            'This Xero sign-in link is no longer valid',
            'It was already used or has expired. Nothing was saved. Close this window and start again from the Settlebridge extension.',
          ),
          400,
        );
      }
      const to = await s.xero.authorizationUrl({
        state,
        codeChallenge: generators.codeChallenge(row.code_verifier),
      });
      c.header('Set-Cookie', binding.setCookie(state, (row.expires_at - now) / 1000));
      return c.redirect(to, 302);
    })
    .get('/callback', validate('query', relayRoutes.oauthCallback.query), async (c) => {
      const q = c.req.valid('query');
      const now = s.now();
      const stateHash = q.state ? sha256(q.state) : undefined;
      // The browser must be the one that opened this sign-in's launch URL. A browser without
      // its cookie (someone sent Xero's URL of another install's sign-in) is refused before
      // anything is exchanged or parked; the state stays as it was, so it cannot be used to
      // end the real auth window's sign-in either.
      if (stateHash && !binding.isBound(q.state!, c.req.header('cookie'))) {
        const known = await s.store.findUsableOauthState(stateHash, now);
        if (known) {
          s.log.warn(
            { installId: known.install_id, hasCookie: Boolean(c.req.header('cookie')) },
            'oauth callback from a browser that did not start the sign-in',
          );
          return c.html(
            page(
              'This Xero sign-in was not started in this browser',
              'Nothing was connected. Settlebridge finishes a Xero sign-in only in the window its extension opened. If someone sent you this link, close this window. To connect your own organisation, start from the Settlebridge extension.',
            ),
            403,
          );
        }
      }
      const state = stateHash ? await s.store.consumeOauthState(stateHash, now) : undefined;
      if (state) c.header('Set-Cookie', binding.clearCookie());
      if (!state) {
        s.log.warn({ hasState: Boolean(q.state) }, 'oauth callback with unknown, used or expired state');
        return c.html(
          page(
            'This Xero sign-in link is no longer valid',
            'It was already used or has expired. Nothing was saved. Close this window and start again from the Settlebridge extension.',
          ),
          400,
        );
      }
      const back = (params: Record<string, string>) => c.redirect(withParams(state.return_url, params), 302);
      if (q.error || !q.code) {
        const cancelled = q.error === 'access_denied';
        s.log.info(
          { installId: state.install_id, error: q.error ?? 'missing_code' },
          'oauth consent not given',
        );
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
        if (tenants.length === 0 && tokens.authEventId)
          tenants = await s.xero.listTenants(tokens.accessToken);
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
        // started this sign-in redeems the code the browser carries back (routes above).
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
        s.log.error(
          { installId: state.install_id, xeroFailure: f?.kind ?? 'internal' },
          'oauth callback failed',
        );
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
    });
}
