// The low-severity findings of the security review, each against the real relay and sim:
// text a database or Xero cannot hold, vault failures, Disconnect with a lost key, security
// headers, relay-made request ids and error messages that name the real cause.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRelay } from '../../relay/build-relay';
import { parseEnv } from '../../relay/env';
import { NZ_TENANT_ID, SEED_CLIENT_ID, SEED_CLIENT_SECRET } from '../../xero-sim/seed';
import type { RunningSim } from '../../xero-sim/start';
import {
  CookieJar,
  connectAccount,
  consent,
  type Extension,
  newInstall,
  RETURN_URL,
  type RelayUnderTest,
  snapshotStore,
  startRelay,
  startTestSim,
  TOKEN_KEY_B,
  tempDir,
} from './harness';
import { invoice, keyFor } from './invoice-helpers';

describe('relay hardening', () => {
  let sim: RunningSim;
  let rut: RelayUnderTest;
  let ext: Extension;
  let connectionId: string;

  beforeAll(async () => {
    sim = await startTestSim();
    rut = await startRelay({ sim, store: 'pglite' });
    ext = await newInstall(rut.url);
    ({ connectionId } = await connectAccount(ext, 'nz', [NZ_TENANT_ID]));
  });
  afterAll(async () => {
    await rut?.stop();
    await sim?.stop();
  });

  it.each([
    ['a NUL character', 'Amazon\u0000 settlement', /NUL character/],
    ['a lone surrogate', 'Amazon \uD800 settlement', /unpaired UTF-16 surrogate/],
  ])('refuses invoice text with %s with a 400 naming where, and queues nothing', async (_, text, why) => {
    const before = await rut.relay.store.db.selectFrom('invoice_items').selectAll().execute();
    const err = await ext.client
      .submitInvoices({
        connectionId,
        accountId: 'nz',
        invoices: [{ idempotencyKey: keyFor(900), invoice: invoice(900, { Reference: text }) }],
      })
      .catch((e) => e);
    expect(err).toMatchObject({ status: 400, code: 'invalid_request' });
    expect(err.message).toMatch(why);
    expect(err.message).toMatch(/invoices\.0\.invoice\.Reference/);
    expect(await rut.relay.store.db.selectFrom('invoice_items').selectAll().execute()).toEqual(before);
  });

  it('puts no-store, no-referrer, CSP with frame-ancestors and nosniff on every answer', async () => {
    const answers = [
      await fetch(`${rut.url}/v1/oauth/callback?state=nope&code=x`), // the callback's HTML page
      await fetch(`${rut.url}/v1/connections`), // an API refusal
      await fetch(`${rut.url}/healthz`),
      await fetch(`${rut.url}/no-such-route`),
    ];
    for (const res of answers) {
      expect(res.headers.get('cache-control'), res.url).toBe('no-store');
      expect(res.headers.get('referrer-policy'), res.url).toBe('no-referrer');
      expect(res.headers.get('x-content-type-options'), res.url).toBe('nosniff');
      expect(res.headers.get('content-security-policy'), res.url).toMatch(/frame-ancestors 'none'/);
      expect(res.headers.get('content-security-policy'), res.url).toMatch(/default-src 'none'/);
    }
  });

  it('makes its own request ids and logs a client’s id apart, sanitised', async () => {
    const res = await fetch(`${rut.url}/healthz`, { headers: { 'x-request-id': 'forged-id";{evil}' } });
    const id = res.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const line = rut.logs.lines.map((l) => JSON.parse(l)).find((l) => l.reqId === id);
    expect(line).toMatchObject({ reqId: id, clientReqId: 'forged-idevil' });
    expect(rut.logs.text()).not.toContain('forged-id";');
  });

  it('names a failed PKCE check as the cause of a failed sign-in, not a refresh token', async () => {
    const other = await newInstall(rut.url);
    const { authorizeUrl, launchUrl } = await other.client.startConnect({
      accountId: 'nz',
      returnUrl: RETURN_URL,
    });
    // The auth window opened the launch URL (the browser is bound); then the relay's stored
    // verifier stops matching the challenge Xero saw.
    const browser = new CookieJar();
    await browser.fetch(launchUrl!);
    await rut.relay.store.db
      .updateTable('oauth_states')
      .set({ code_verifier: 'x'.repeat(64) })
      .where('install_id', '=', other.key.installId)
      .execute();
    const { returnLocation } = await consent(authorizeUrl, 'allow', [NZ_TENANT_ID], browser);
    const description = new URL(returnLocation).searchParams.get('error_description') ?? '';
    expect(description).toMatch(/PKCE/);
    expect(description).not.toMatch(/refresh token/i);
  });

  it('answers a token it cannot open with a generic "reconnect", keeps the detail in the log, and still disconnects', async () => {
    const other = await newInstall(rut.url);
    const { connectionId: id } = await connectAccount(other, 'nz2', [NZ_TENANT_ID]);
    // As if the key these tokens were sealed with had been dropped from TOKEN_KEYS.
    await rut.relay.store.db
      .updateTable('connections')
      .set({ access_token_enc: 'v1.lost.AAAA.AAAA', refresh_token_enc: 'v1.lost.AAAA.AAAA' })
      .where('id', '=', id)
      .execute();
    const err = await other.client.organisation({ connectionId: id, accountId: 'nz2' }).catch((e) => e);
    expect(err).toMatchObject({ status: 409, code: 'needs_reconnect' });
    expect(err.message).not.toMatch(/key|lost|TOKEN_KEYS|encrypt/i);
    expect(rut.logs.text()).toContain('which TOKEN_KEYS no longer holds');

    const gone = await other.client.disconnect({ connectionId: id });
    expect(gone.affectedAccountIds).toEqual(['nz2']);
    const row = await rut.relay.store.findConnection(id);
    expect(row).toMatchObject({ status: 'disconnected', access_token_enc: null, refresh_token_enc: null });
  });
});

describe('relay start-up key check', () => {
  it('refuses to start when TOKEN_KEYS cannot open the stored tokens, naming the key id', async () => {
    const sim = await startTestSim();
    const data = tempDir();
    try {
      const first = await startRelay({ sim, store: 'pglite', dataDir: data.path });
      await connectAccount(await newInstall(first.url), 'nz', [NZ_TENANT_ID]);
      await first.stop();
      const before = await (async () => {
        const r = await startRelay({ sim, store: 'pglite', dataDir: data.path });
        const snap = await snapshotStore(r.relay);
        await r.stop();
        return snap;
      })();
      const config = parseEnv({
        XERO_CLIENT_ID: SEED_CLIENT_ID,
        XERO_CLIENT_SECRET: SEED_CLIENT_SECRET,
        XERO_IDENTITY_URL: sim.url,
        XERO_API_URL: sim.url,
        PUBLIC_URL: 'http://127.0.0.1:1',
        TOKEN_KEYS: TOKEN_KEY_B, // key "a" is gone
        RELAY_DATA_DIR: data.path,
        LOG_LEVEL: 'silent',
      });
      await expect(buildRelay(config, { isWorkerDisabled: true })).rejects.toThrow(
        /TOKEN_KEYS does not open 1 under key "a"/,
      );
      // Nothing was changed, and the folder opens again with the right key.
      const again = await startRelay({ sim, store: 'pglite', dataDir: data.path });
      expect((await snapshotStore(again.relay)).connections).toEqual(before.connections);
      await again.stop();
    } finally {
      data.remove();
      await sim.stop();
    }
  });
});
