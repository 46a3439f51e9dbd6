/**
 * Xero's identity server: discovery, JWKS, the consent page, the token endpoint and
 * revocation. Trusts nothing from the caller: the client authenticates with Basic auth,
 * redirect URIs must match a registered one exactly, codes are single use and short-lived,
 * and PKCE is enforced whenever a challenge was sent.
 * https://developer.xero.com/documentation/guides/oauth2/auth-flow/
 * https://developer.xero.com/documentation/guides/oauth2/pkce-flow/
 */
import { createHash, randomBytes } from 'node:crypto';
import { type Context, Hono } from 'hono';
import { renderConsentPage, renderErrorPage } from '../consent-page.ts';
import { issuerFor, type SimDeps } from '../deps.ts';
import { oauthError } from '../errors.ts';
import type { SeedClient } from '../seed.ts';
import type { PendingConsent } from '../state.ts';
import { type Grant, hasScope, mintTokens, redeemRefreshToken, startFamily } from '../tokens.ts';

const CONSENT_TTL_MS = 30 * 60_000;
const SCOPES = [
  'openid',
  'profile',
  'email',
  'offline_access',
  'accounting.transactions',
  'accounting.transactions.read',
  'accounting.invoices',
  'accounting.invoices.read',
  'accounting.settings',
  'accounting.settings.read',
  'accounting.contacts',
  'accounting.contacts.read',
];

function isAllowedRedirect(client: SeedClient, uri: string): boolean {
  if (client.redirectUris.includes(uri)) return true;
  if (!client.allowAnyLocalhostRedirect) return false;
  try {
    const url = new URL(uri);
    return url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  } catch {
    return false;
  }
}

function redirectWith(redirectUri: string, params: Record<string, string | undefined>): string {
  const url = new URL(redirectUri);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  return url.toString();
}

/** Decodes one half of a Basic credential, which RFC 6749 §2.3.1 form-urlencodes. */
function formDecode(text: string): string {
  try {
    return decodeURIComponent(text.replaceAll('+', ' '));
  } catch {
    return text;
  }
}

type ClientAuth = { isOk: true; client: SeedClient } | { isOk: false; response: Response };

function authenticateClient(deps: SimDeps, c: Context, form: Record<string, unknown>): ClientAuth {
  const header = c.req.header('authorization') ?? '';
  let clientId: string | undefined;
  let secret: string | undefined;
  const basic = /^Basic\s+(\S+)$/i.exec(header);
  if (basic) {
    const decoded = Buffer.from(basic[1] as string, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) {
      clientId = formDecode(decoded.slice(0, colon));
      secret = formDecode(decoded.slice(colon + 1));
    }
  } else if (typeof form.client_id === 'string' && typeof form.client_secret === 'string') {
    clientId = form.client_id;
    secret = form.client_secret;
  }
  const client = clientId ? deps.state.clients.get(clientId) : undefined;
  if (!client || client.clientSecret !== secret) {
    return {
      isOk: false,
      response: c.json(oauthError('invalid_client'), 401, { 'WWW-Authenticate': 'Basic realm="identity"' }),
    };
  }
  return { isOk: true, client };
}

function s256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

function noStore(c: Context): void {
  c.header('Cache-Control', 'no-store');
  c.header('Pragma', 'no-cache');
}

export function identityRoutes(deps: SimDeps): Hono {
  const app = new Hono();
  const { state } = deps;

  app.get('/.well-known/openid-configuration', (c) => {
    const issuer = issuerFor(deps, c);
    return c.json({
      issuer,
      jwks_uri: `${issuer}/.well-known/openid-configuration/jwks`,
      authorization_endpoint: `${issuer}/connect/authorize`,
      token_endpoint: `${issuer}/connect/token`,
      userinfo_endpoint: `${issuer}/connect/userinfo`,
      revocation_endpoint: `${issuer}/connect/revocation`,
      scopes_supported: SCOPES,
      claims_supported: [
        'sub',
        'email',
        'name',
        'given_name',
        'family_name',
        'xero_userid',
        'global_session_id',
      ],
      grant_types_supported: ['authorization_code', 'refresh_token'],
      response_types_supported: ['code'],
      response_modes_supported: ['query'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      code_challenge_methods_supported: ['S256'],
    });
  });

  app.get('/.well-known/openid-configuration/jwks', async (c) => {
    const key = await deps.signingKey;
    return c.json({ keys: [key.publicJwk] });
  });

  app.get('/connect/authorize', (c) => {
    const q = c.req.query();
    const client = q.client_id ? state.clients.get(q.client_id) : undefined;
    if (!client)
      return c.html(renderErrorPage('Unknown app', 'unauthorized_client: client_id is not registered'), 400);
    const redirectUri = q.redirect_uri ?? '';
    // Never redirect to an unregistered URI: that is how codes would leak.
    if (!isAllowedRedirect(client, redirectUri)) {
      return c.html(
        renderErrorPage('Invalid redirect_uri', 'invalid_request: redirect_uri is not registered'),
        400,
      );
    }
    const fail = (error: string, description: string) =>
      c.redirect(redirectWith(redirectUri, { error, error_description: description, state: q.state }), 302);
    if (q.response_type !== 'code') return fail('unsupported_response_type', 'response_type must be code');
    const scope = (q.scope ?? '').trim();
    if (!scope) return fail('invalid_scope', 'scope is required');
    const unknown = scope.split(/\s+/).filter((s) => !SCOPES.includes(s));
    if (unknown.length) return fail('invalid_scope', `unknown scope ${unknown.join(' ')}`);
    if (q.code_challenge && (q.code_challenge_method ?? 'plain') !== 'S256') {
      return fail('invalid_request', 'code_challenge_method must be S256');
    }
    const consent: PendingConsent = {
      id: randomBytes(16).toString('hex'),
      clientId: client.clientId,
      redirectUri,
      scope,
      state: q.state,
      nonce: q.nonce,
      codeChallenge: q.code_challenge,
      expiresAt: state.clock.now() + CONSENT_TTL_MS,
    };
    state.consents.set(consent.id, consent);
    state.counts.consentsShown++;
    return c.html(consentPage(consent));
  });

  function consentPage(consent: PendingConsent, error?: string): string {
    const connected = new Set(
      state.connections
        .filter((k) => k.clientId === consent.clientId && k.userId === state.user.userId)
        .map((k) => k.tenantId),
    );
    return renderConsentPage({
      consentId: consent.id,
      appName: state.clients.get(consent.clientId)?.name ?? consent.clientId,
      userEmail: state.user.email,
      scopes: consent.scope.split(/\s+/),
      organisations: [...state.orgs.values()].map((o) => ({
        tenantId: o.tenantId,
        name: o.seed.Name,
        isConnected: connected.has(o.tenantId),
      })),
      error,
    });
  }

  // The consent form posts here; "Allow access" and "Cancel" differ only in `action`.
  app.post('/connect/authorize', async (c) => {
    const form = await c.req.parseBody({ all: true });
    const consentId = typeof form.consent_id === 'string' ? form.consent_id : '';
    const consent = state.consents.get(consentId);
    if (!consent || consent.expiresAt <= state.clock.now()) {
      return c.html(renderErrorPage('This sign-in has expired', 'Start again from the app.'), 400);
    }
    if (form.action === 'cancel') {
      state.consents.delete(consentId);
      state.counts.consentsCancelled++;
      return c.redirect(
        redirectWith(consent.redirectUri, {
          error: 'access_denied',
          error_description: 'The user cancelled',
          state: consent.state,
        }),
        302,
      );
    }
    if (form.action !== 'allow') return c.html(consentPage(consent, 'Choose Allow access or Cancel'), 400);
    const picked = ([] as unknown[])
      .concat(form.tenant ?? [])
      .filter((t): t is string => typeof t === 'string');
    const tenants = picked.filter((t) => state.orgs.has(t));
    if (tenants.length === 0) return c.html(consentPage(consent, 'Select at least one organisation'), 400);
    state.consents.delete(consentId);
    state.counts.consentsApproved++;

    const now = state.clock.now();
    const authEventId = crypto.randomUUID();
    for (const tenantId of tenants) {
      const existing = state.connections.find(
        (k) => k.tenantId === tenantId && k.clientId === consent.clientId && k.userId === state.user.userId,
      );
      if (existing) {
        existing.authEventId = authEventId;
        existing.updatedDateUtc = now;
      } else {
        state.connections.push({
          id: crypto.randomUUID(),
          authEventId,
          tenantId,
          tenantType: 'ORGANISATION',
          tenantName: state.orgs.get(tenantId)?.seed.Name ?? tenantId,
          createdDateUtc: now,
          updatedDateUtc: now,
          clientId: consent.clientId,
          userId: state.user.userId,
        });
      }
    }
    const code = randomBytes(32).toString('hex');
    state.codes.set(code, {
      code,
      clientId: consent.clientId,
      redirectUri: consent.redirectUri,
      scope: consent.scope,
      nonce: consent.nonce,
      codeChallenge: consent.codeChallenge,
      authEventId,
      authTime: now,
      expiresAt: now + state.config.codeTtlMs,
      isUsed: false,
    });
    return c.redirect(
      redirectWith(consent.redirectUri, {
        code,
        scope: consent.scope,
        state: consent.state,
        session_state: randomBytes(16).toString('hex'),
      }),
      302,
    );
  });

  app.post('/connect/token', async (c) => {
    noStore(c);
    const form = await c.req.parseBody();
    const auth = authenticateClient(deps, c, form);
    if (!auth.isOk) return auth.response;
    const client = auth.client;
    const issuer = issuerFor(deps, c);
    const invalidGrant = (description: string) => {
      state.counts.refreshFailures += form.grant_type === 'refresh_token' ? 1 : 0;
      return c.json(oauthError('invalid_grant', description), 400);
    };

    if (form.grant_type === 'authorization_code') {
      const code = typeof form.code === 'string' ? state.codes.get(form.code) : undefined;
      if (!code || code.clientId !== client.clientId) return invalidGrant('unknown code');
      if (code.isUsed) return invalidGrant('code already used');
      // Burn the code on first presentation, whatever follows: a code is good for one try.
      code.isUsed = true;
      if (code.expiresAt <= state.clock.now()) return invalidGrant('code expired');
      if (form.redirect_uri !== code.redirectUri) return invalidGrant('redirect_uri does not match');
      if (code.codeChallenge !== undefined) {
        const verifier = typeof form.code_verifier === 'string' ? form.code_verifier : '';
        if (!verifier || s256(verifier) !== code.codeChallenge)
          return invalidGrant('PKCE verification failed');
      }
      const grant: Grant = {
        clientId: client.clientId,
        userId: state.user.userId,
        scope: code.scope,
        authEventId: code.authEventId,
        authTime: code.authTime,
        nonce: code.nonce,
      };
      // Refresh tokens only with offline_access, as Xero does.
      const family = hasScope(code.scope, 'offline_access') ? startFamily(deps, grant) : undefined;
      if (family) grant.familyId = family.id;
      state.counts.codeExchanges++;
      return c.json(await mintTokens(deps, issuer, grant, family?.current));
    }

    if (form.grant_type === 'refresh_token') {
      const token = typeof form.refresh_token === 'string' ? form.refresh_token : '';
      const outcome = await redeemRefreshToken(deps, issuer, client.clientId, token);
      if (!outcome.isOk) return invalidGrant(outcome.description);
      if (outcome.isGraceReplay) state.counts.refreshGraceReplays++;
      else state.counts.refreshes++;
      return c.json(outcome.pair);
    }

    return c.json(oauthError('unsupported_grant_type'), 400);
  });

  // Revoking a refresh token ends its family and removes the app's connections for that
  // user, as Xero documents. Unknown tokens still answer 200 (RFC 7009 §2.2).
  // https://developer.xero.com/documentation/guides/oauth2/auth-flow/#revoking-tokens
  app.post('/connect/revocation', async (c) => {
    const form = await c.req.parseBody();
    const auth = authenticateClient(deps, c, form);
    if (!auth.isOk) return auth.response;
    const token = typeof form.token === 'string' ? form.token : '';
    const familyId = state.refreshIndex.get(token);
    const family = familyId ? state.families.get(familyId) : undefined;
    if (family && family.clientId === auth.client.clientId && !family.isRevoked) {
      family.isRevoked = true;
      state.refreshIndex.delete(family.current);
      if (family.previous) state.refreshIndex.delete(family.previous.token);
      state.connections = state.connections.filter(
        (k) => !(k.clientId === family.clientId && k.userId === family.userId),
      );
      state.counts.revocations++;
    }
    return c.body(null, 200);
  });

  app.get('/connect/userinfo', (c) => {
    const header = c.req.header('authorization') ?? '';
    const token = state.accessTokens.get(header.replace(/^Bearer\s+/i, ''));
    if (!token || token.expiresAt <= state.clock.now()) return c.json(oauthError('invalid_token'), 401);
    const user = state.user;
    return c.json({
      sub: user.userId.replaceAll('-', ''),
      xero_userid: user.userId,
      email: user.email,
      name: user.name,
      preferred_username: user.email,
    });
  });

  return app;
}
