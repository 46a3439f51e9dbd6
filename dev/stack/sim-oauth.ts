/**
 * Plain-HTTP drivers for the sim's OAuth flow, as a Xero app would take it: they do what a
 * browser does on the consent page (GET it, submit the form), so neither the sim's rule
 * tests nor `npm run bench:sim` need a browser.
 */
import { createHash, randomBytes } from 'node:crypto';
import { SEED_CLIENT_ID, SEED_CLIENT_SECRET } from '../../xero-sim/seed.ts';

export const REDIRECT_URI = 'http://127.0.0.1:8787/xero/callback';
export const FULL_SCOPE =
  'openid profile email offline_access accounting.invoices accounting.settings accounting.contacts';

export type Fetcher = (url: string, init?: RequestInit) => Promise<Response>;

export interface SimHandle {
  url: string;
  fetch: Fetcher;
}

export function basicAuth(id = SEED_CLIENT_ID, secret = SEED_CLIENT_SECRET): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export interface AuthorizeParams {
  scope?: string;
  redirectUri?: string;
  state?: string;
  challenge?: string;
  clientId?: string;
  extra?: Record<string, string>;
}

export function authorizeUrl(sim: SimHandle, p: AuthorizeParams = {}): string {
  const url = new URL('/connect/authorize', sim.url);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', p.clientId ?? SEED_CLIENT_ID);
  url.searchParams.set('redirect_uri', p.redirectUri ?? REDIRECT_URI);
  url.searchParams.set('scope', p.scope ?? FULL_SCOPE);
  url.searchParams.set('state', p.state ?? 'st-123');
  if (p.challenge) {
    url.searchParams.set('code_challenge', p.challenge);
    url.searchParams.set('code_challenge_method', 'S256');
  }
  for (const [k, v] of Object.entries(p.extra ?? {})) url.searchParams.set(k, v);
  return url.toString();
}

/** Loads the consent page and returns its consent id and the tenant ids it offers. */
export async function openConsent(sim: SimHandle, p: AuthorizeParams = {}) {
  const res = await sim.fetch(authorizeUrl(sim, p));
  const html = await res.text();
  const consentId = /name="consent_id" value="([^"]+)"/.exec(html)?.[1];
  const tenants = [...html.matchAll(/name="tenant" value="([^"]+)"/g)].map((m) => m[1] as string);
  return { res, html, consentId, tenants };
}

/** Submits the consent form as the "Allow access" or "Cancel" button would. */
export async function submitConsent(
  sim: SimHandle,
  consentId: string,
  action: 'allow' | 'cancel',
  tenants: string[],
): Promise<Response> {
  const body = new URLSearchParams({ consent_id: consentId, action });
  for (const t of tenants) body.append('tenant', t);
  return sim.fetch(new URL('/connect/authorize', sim.url).toString(), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
}

/** Consent for `tenants` (default: all offered) and return the code from the redirect. */
export async function getCode(sim: SimHandle, p: AuthorizeParams & { tenants?: string[] } = {}) {
  const consent = await openConsent(sim, p);
  if (!consent.consentId) throw new Error(`no consent page: ${consent.res.status} ${consent.html}`);
  const res = await submitConsent(sim, consent.consentId, 'allow', p.tenants ?? consent.tenants);
  const location = new URL(res.headers.get('location') ?? '');
  const code = location.searchParams.get('code');
  if (!code) throw new Error(`no code: ${res.status} ${location}`);
  return { code, location };
}

export async function tokenRequest(
  sim: SimHandle,
  form: Record<string, string>,
  authorization: string | null = basicAuth(),
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await sim.fetch(new URL('/connect/token', sim.url).toString(), {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(authorization ? { authorization } : {}),
    },
    body: new URLSearchParams(form),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

export interface Tokens {
  access_token: string;
  refresh_token: string;
  id_token?: string;
  expires_in: number;
}

/** The whole flow: consent → code → tokens. */
export async function connect(
  sim: SimHandle,
  p: AuthorizeParams & { tenants?: string[] } = {},
): Promise<Tokens> {
  const { verifier, challenge } = pkcePair();
  const { code } = await getCode(sim, { challenge, ...p });
  const { status, body } = await tokenRequest(sim, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: p.redirectUri ?? REDIRECT_URI,
    code_verifier: verifier,
  });
  if (status !== 200) throw new Error(`token exchange failed: ${JSON.stringify(body)}`);
  return body as unknown as Tokens;
}

export function api(
  sim: SimHandle,
  token: string,
  tenantId: string,
  path: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Response> {
  return sim.fetch(new URL(`/api.xro/2.0${path}`, sim.url).toString(), {
    method: init.method ?? 'GET',
    headers: {
      authorization: `Bearer ${token}`,
      'xero-tenant-id': tenantId,
      accept: 'application/json',
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...init.headers,
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
}

export function decodeJwt(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
}
