// Connecting to Xero. The extension starts a login bound to its install, one of its
// accounts and an exact return URL (one of ALLOWED_EXTENSION_IDS' redirect URLs); the
// browser comes back to /v1/oauth/callback, which exchanges Xero's code and parks the
// sealed token pair on a single-use relay code sent only to that return URL, which only
// the auth window of the browser that started the sign-in intercepts. Nothing is a
// connection yet: it cannot be listed, granted or used until the install that started
// the sign-in redeems the code (relay/README.md, "Connecting safely", says which attack
// each step stops). Xero's code and tokens never reach the browser.
import { Hono } from 'hono';
import { relayRoutes } from '../../lib/relay-api';
import { SignInBinding } from '../auth/sign-in-binding';
import type { AppEnv, RelayDeps } from '../deps';
import { finishSignIn, launchSignIn, redeemSignIn, startSignIn } from '../sign-in';
import { validate } from '../validate';

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
      const launch = await launchSignIn(s, state);
      if (launch.kind === 'expired') return c.html(EXPIRED_PAGE, 400);
      c.header('Set-Cookie', binding.setCookie(state, launch.bindingMaxAgeSeconds));
      return c.redirect(launch.url, 302);
    })
    .get('/callback', validate('query', relayRoutes.oauthCallback.query), async (c) => {
      const q = c.req.valid('query');
      const cookie = c.req.header('cookie');
      const ended = await finishSignIn(s, q, {
        isBound: q.state ? binding.isBound(q.state, cookie) : false,
        hasCookie: Boolean(cookie),
      });
      if (ended.kind === 'foreign_browser') return c.html(FOREIGN_BROWSER_PAGE, 403);
      if (ended.kind === 'expired') return c.html(EXPIRED_PAGE, 400);
      // The state is used up: the binding has done its work.
      c.header('Set-Cookie', binding.clearCookie());
      return c.redirect(withParams(ended.returnUrl, ended.params), 302);
    });
}

const EXPIRED_PAGE = page(
  'This Xero sign-in link is no longer valid',
  'It was already used or has expired. Nothing was saved. Close this window and start again from the Settlebridge extension.',
);

const FOREIGN_BROWSER_PAGE = page(
  'This Xero sign-in was not started in this browser',
  'Nothing was connected. Settlebridge finishes a Xero sign-in only in the window its extension opened. If someone sent you this link, close this window. To connect your own organisation, start from the Settlebridge extension.',
);
