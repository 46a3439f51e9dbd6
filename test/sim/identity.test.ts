import { importJWK, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AU_TENANT_ID,
  CA_TENANT_ID,
  NZ_TENANT_ID,
  SEED_CLIENT_ID,
  UK_TENANT_ID,
  US_TENANT_ID,
} from '../../xero-sim/seed.ts';
import {
  api,
  basicAuth,
  connect,
  decodeJwt,
  getCode,
  openConsent,
  pkcePair,
  REDIRECT_URI,
  startTestSim,
  submitConsent,
  tokenRequest,
} from './helpers.ts';

type Sim = Awaited<ReturnType<typeof startTestSim>>;
const MINUTE = 60_000;

describe('identity: discovery and consent', () => {
  let sim: Sim;
  beforeAll(async () => {
    sim = await startTestSim();
  });
  afterAll(() => sim.stop());

  it('publishes discovery whose endpoints live on the sim and a JWKS that verifies access tokens', async () => {
    const config = (await (await sim.fetch(`${sim.url}/.well-known/openid-configuration`)).json()) as Record<
      string,
      string
    >;
    expect(config.issuer).toBe(sim.url);
    expect(config.token_endpoint).toBe(`${sim.url}/connect/token`);
    expect(config.revocation_endpoint).toBe(`${sim.url}/connect/revocation`);
    const jwks = (await (await sim.fetch(config.jwks_uri ?? '')).json()) as {
      keys: Record<string, string>[];
    };
    const tokens = await connect(sim);
    const { payload, protectedHeader } = await jwtVerify(
      tokens.access_token,
      await importJWK(jwks.keys[0] ?? {}, 'RS256'),
    );
    expect(protectedHeader.alg).toBe('RS256');
    expect(payload.authentication_event_id).toMatch(/^[0-9a-f-]{36}$/);
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(30 * 60);
  });

  it('renders a consent page with organisation checkboxes and both buttons', async () => {
    const { res, html, tenants } = await openConsent(sim);
    expect(res.status).toBe(200);
    expect(tenants).toEqual([NZ_TENANT_ID, UK_TENANT_ID, US_TENANT_ID, AU_TENANT_ID, CA_TENANT_ID]);
    expect(html).toMatch(/<button[^>]*value="allow"[^>]*>Allow access<\/button>/);
    expect(html).toMatch(/<button[^>]*value="cancel"[^>]*>Cancel<\/button>/);
  });

  it('redirects with access_denied and the state when the user cancels', async () => {
    const { consentId } = await openConsent(sim, { state: 'xyz' });
    const res = await submitConsent(sim, consentId ?? '', 'cancel', []);
    const location = new URL(res.headers.get('location') ?? '');
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('state')).toBe('xyz');
  });

  it('refuses to redirect to a URI that is not registered exactly', async () => {
    const { res } = await openConsent(sim, { redirectUri: `${REDIRECT_URI}/extra` });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
  });

  it('refuses an unknown client id', async () => {
    const { res } = await openConsent(sim, { clientId: 'NOPE' });
    expect(res.status).toBe(400);
  });

  it('asks again when Allow is pressed with no organisation ticked', async () => {
    const { consentId } = await openConsent(sim);
    const res = await submitConsent(sim, consentId ?? '', 'allow', []);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('Select at least one organisation');
  });

  it('counts consents shown and approved', async () => {
    const before = (await sim.controls.state()).counts;
    await getCode(sim);
    const after = (await sim.controls.state()).counts;
    expect(after.consentsShown - before.consentsShown).toBe(1);
    expect(after.consentsApproved - before.consentsApproved).toBe(1);
  });
});

describe('identity: code exchange', () => {
  let sim: Sim;
  beforeAll(async () => {
    sim = await startTestSim({ allowAnyLocalhostRedirect: true });
  });
  afterAll(() => sim.stop());

  const exchange = (code: string, extra: Record<string, string> = {}, auth = basicAuth()) =>
    tokenRequest(sim, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, ...extra }, auth);

  it('accepts any localhost redirect only when the option is on', async () => {
    const { code } = await getCode(sim, { redirectUri: 'http://localhost:5555/cb' });
    expect(code).toBeTruthy();
    const strict = await startTestSim();
    try {
      const { res } = await openConsent(strict, { redirectUri: 'http://localhost:5555/cb' });
      expect(res.status).toBe(400);
    } finally {
      await strict.stop();
    }
  });

  it('refuses a wrong client secret with invalid_client', async () => {
    const { code } = await getCode(sim);
    const res = await exchange(code, {}, basicAuth(SEED_CLIENT_ID, 'wrong'));
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
  });

  it('refuses a code presented a second time', async () => {
    const { code } = await getCode(sim);
    expect((await exchange(code)).status).toBe(200);
    const again = await exchange(code);
    expect(again.status).toBe(400);
    expect(again.body.error).toBe('invalid_grant');
  });

  it('refuses a code older than 5 minutes', async () => {
    const { code } = await getCode(sim);
    sim.clock.advance(5 * MINUTE + 1000);
    const res = await exchange(code);
    expect(res.body.error).toBe('invalid_grant');
  });

  it('refuses a redirect_uri that differs from the authorize request', async () => {
    const { code } = await getCode(sim);
    const res = await exchange(code, { redirect_uri: 'http://127.0.0.1:8787/other' });
    expect(res.body.error).toBe('invalid_grant');
  });

  it('refuses a missing or wrong PKCE verifier when a challenge was sent', async () => {
    const { challenge } = pkcePair();
    const missing = await getCode(sim, { challenge });
    expect((await exchange(missing.code)).body.error).toBe('invalid_grant');
    const wrong = await getCode(sim, { challenge });
    expect((await exchange(wrong.code, { code_verifier: pkcePair().verifier })).body.error).toBe(
      'invalid_grant',
    );
  });

  it('accepts the matching PKCE verifier', async () => {
    const { verifier, challenge } = pkcePair();
    const { code } = await getCode(sim, { challenge });
    const res = await exchange(code, { code_verifier: verifier });
    expect(res.status).toBe(200);
    expect(res.body.token_type).toBe('Bearer');
  });

  it('issues no refresh token without offline_access', async () => {
    const { code } = await getCode(sim, { scope: 'openid accounting.invoices' });
    const res = await exchange(code);
    expect(res.status).toBe(200);
    expect(res.body.refresh_token).toBeUndefined();
  });

  it('lets an access token call the API for 30 minutes and not after', async () => {
    const tokens = await connect(sim, { tenants: [NZ_TENANT_ID] });
    sim.clock.advance(29 * MINUTE);
    expect((await api(sim, tokens.access_token, NZ_TENANT_ID, '/Organisation')).status).toBe(200);
    sim.clock.advance(MINUTE + 1000);
    const res = await api(sim, tokens.access_token, NZ_TENANT_ID, '/Organisation');
    expect(res.status).toBe(401);
    expect(((await res.json()) as { Detail: string }).Detail).toMatch(/^TokenExpired/);
  });
});

describe('identity: refresh rotation', () => {
  let sim: Sim;
  beforeAll(async () => {
    sim = await startTestSim({ refreshGraceMs: 30 * MINUTE });
  });
  afterAll(() => sim.stop());

  const refresh = (token: string) => tokenRequest(sim, { grant_type: 'refresh_token', refresh_token: token });

  it('returns a new pair and keeps the authentication event', async () => {
    const tokens = await connect(sim);
    const res = await refresh(tokens.refresh_token);
    expect(res.status).toBe(200);
    expect(res.body.refresh_token).not.toBe(tokens.refresh_token);
    expect(res.body.access_token).not.toBe(tokens.access_token);
    expect(decodeJwt(res.body.access_token as string).authentication_event_id).toBe(
      decodeJwt(tokens.access_token).authentication_event_id,
    );
  });

  it('returns the same new pair when the previous token is retried within the grace period', async () => {
    const tokens = await connect(sim);
    const first = await refresh(tokens.refresh_token);
    sim.clock.advance(29 * MINUTE);
    const retry = await refresh(tokens.refresh_token);
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual(first.body);
  });

  it('refuses the previous token after the grace period with invalid_grant', async () => {
    const tokens = await connect(sim);
    await refresh(tokens.refresh_token);
    sim.clock.advance(30 * MINUTE + 1000);
    const res = await refresh(tokens.refresh_token);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_grant');
  });

  it('refuses a token two rotations old even within the grace period', async () => {
    const tokens = await connect(sim);
    const second = await refresh(tokens.refresh_token);
    await refresh(second.body.refresh_token as string);
    expect((await refresh(tokens.refresh_token)).body.error).toBe('invalid_grant');
  });

  it('refuses a refresh token unused for more than 60 days', async () => {
    const tokens = await connect(sim);
    sim.clock.advance(61 * 24 * 60 * MINUTE);
    expect((await refresh(tokens.refresh_token)).body.error).toBe('invalid_grant');
  });

  it('lets only one of two racing refreshes win when there is no grace period', async () => {
    const strict = await startTestSim({ refreshGraceMs: 0 });
    try {
      const tokens = await connect(strict);
      const send = () =>
        tokenRequest(strict, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
      const first = await send();
      strict.clock.advance(1);
      const second = await send();
      expect(first.status).toBe(200);
      expect(second.body.error).toBe('invalid_grant');
      expect((await strict.controls.state()).counts.refreshFailures).toBe(1);
    } finally {
      await strict.stop();
    }
  });

  it('revokes the family and the app’s connections on /connect/revocation', async () => {
    const tokens = await connect(sim, { tenants: [UK_TENANT_ID] });
    const res = await sim.fetch(`${sim.url}/connect/revocation`, {
      method: 'POST',
      headers: { authorization: basicAuth(), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: tokens.refresh_token, token_type_hint: 'refresh_token' }),
    });
    expect(res.status).toBe(200);
    expect((await refresh(tokens.refresh_token)).body.error).toBe('invalid_grant');
    expect((await api(sim, tokens.access_token, UK_TENANT_ID, '/Organisation')).status).toBe(401);
    expect((await sim.controls.state()).connections).toEqual([]);
  });
});
