// The consent-phishing attack from the security review, end to end against xero-sim: an
// attacker's install starts a sign-in and sends a link to it to a victim, who signs in and
// allows in their own browser. Sent Xero's authorise URL, the victim's browser lacks the
// sign-in's cookie (set only by the relay's launch URL in the auth window), so the callback
// refuses and nothing is exchanged or parked. Sent the launch URL itself, the relay sends the
// browser back to the extension's redirect URL with the relay code; the attacker never sees
// that redirect, so it still ends up with nothing: no connection listed, nothing to grant,
// nothing to post into.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NZ_TENANT_ID } from '../../xero-sim/seed';
import type { RunningSim } from '../../xero-sim/start';
import {
  CookieJar,
  connectAccount,
  consent,
  newInstall,
  RETURN_URL,
  type RelayUnderTest,
  STORE_KINDS,
  type Stack,
  snapshotStore,
  startStack,
} from './harness';
import { invoice, keyFor } from './invoice-helpers';

describe.each(STORE_KINDS)('a sign-in link sent to someone else (%s store)', (storeKind) => {
  let rut: RelayUnderTest;
  let sim: RunningSim;
  let stack: Stack | undefined;

  beforeAll(async () => {
    stack = await startStack(storeKind);
    ({ rut, sim } = stack);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('refuses the callback in a browser that did not open the sign-in’s launch URL, and creates nothing', async () => {
    const attacker = await newInstall(rut.url);
    const { authorizeUrl, launchUrl } = await attacker.client.startConnect({
      accountId: 'attacker-acct',
      returnUrl: RETURN_URL,
    });
    const before = await snapshotStore(rut.relay);
    const exchanges = (await sim.controls.state()).counts.codeExchanges;

    // The victim's browser, sent Xero's URL: consent works, the relay's callback does not.
    const noCookie = await consent(authorizeUrl, 'allow', [NZ_TENANT_ID]);
    expect(noCookie.callbackStatus).toBe(403);
    expect(noCookie.returnLocation).toBe('');
    expect(noCookie.callbackBody).toMatch(/not started in this browser.*Nothing was connected/s);

    // A victim in the middle of their own sign-in carries that sign-in's cookie, not this one's.
    const victim = await newInstall(rut.url);
    const victimBrowser = new CookieJar();
    const own = await victim.client.startConnect({ accountId: 'victim-acct', returnUrl: RETURN_URL });
    await victimBrowser.fetch(own.launchUrl!);
    expect(victimBrowser.header(`${rut.url}/v1/oauth/callback`)).toMatch(/^sb_sign_in=/);
    const otherCookie = await consent(authorizeUrl, 'allow', [NZ_TENANT_ID], victimBrowser);
    expect(otherCookie.callbackStatus).toBe(403);
    expect(otherCookie.returnLocation).toBe('');

    // Nothing was exchanged at Xero or parked, and the sign-in states are as they were.
    expect((await sim.controls.state()).counts.codeExchanges).toBe(exchanges);
    const after = await snapshotStore(rut.relay);
    expect(after.relay_codes).toEqual(before.relay_codes);
    expect(after.connections).toEqual(before.connections);
    expect(after.grants).toEqual(before.grants);
    expect(after.oauth_states.filter((s) => s.used_at !== null)).toEqual(
      before.oauth_states.filter((s) => s.used_at !== null),
    );
    expect(rut.logs.text()).toContain('oauth callback from a browser that did not start the sign-in');

    // The victim's own sign-in, in the same browser, still connects.
    const mine = await consent(own.launchUrl!, 'allow', [NZ_TENANT_ID], victimBrowser);
    const relayCode = new URL(mine.returnLocation).searchParams.get('relay_code')!;
    expect((await victim.client.redeem({ relayCode })).tenants).toHaveLength(1);
    // And the attacker's own auth window, the one browser holding its cookie, still could.
    const attackerBrowser = await consent(launchUrl!, 'cancel');
    expect(new URL(attackerBrowser.returnLocation).searchParams.get('error')).toBe('access_denied');
  });

  it('gives the attacker’s install no connection it can see, grant or post into when sent its launch URL', async () => {
    const attacker = await newInstall(rut.url);
    const { launchUrl } = await attacker.client.startConnect({
      accountId: 'attacker-acct',
      returnUrl: RETURN_URL,
    });

    // The victim's browser: launch URL, consent, the relay's callback, the redirect to the
    // extension URL, which no auth window of the attacker's is there to intercept.
    const { returnLocation } = await consent(launchUrl!, 'allow', [NZ_TENANT_ID]);
    expect(new URL(returnLocation).searchParams.get('relay_code')).toBeTruthy();

    // Nothing usable exists before redemption: no connection row, no grant.
    const store = await snapshotStore(rut.relay);
    expect(store.connections.filter((c) => c.owner_install_id === attacker.key.installId)).toEqual([]);
    const attackers = (grants: { account_id: string }[]) =>
      grants.filter((g) => g.account_id.startsWith('attacker'));
    expect(attackers(store.grants)).toEqual([]);
    expect(await attacker.client.listConnections()).toEqual([]);

    // Even knowing the id the sign-in would become, the attacker can neither grant nor post.
    const parked = store.relay_codes.find((r) => r.install_id === attacker.key.installId)!;
    const grant = await attacker.client
      .grant({ connectionId: parked.connection_id, accountIds: ['attacker-acct', 'attacker-2'] })
      .catch((e) => e);
    expect(grant).toMatchObject({ status: 404, code: 'not_found' });
    const post = await attacker.client
      .submitInvoices({
        connectionId: parked.connection_id,
        accountId: 'attacker-acct',
        invoices: [{ idempotencyKey: keyFor(1), invoice: invoice(1) }],
      })
      .catch((e) => e);
    expect(post).toMatchObject({ status: 404 });
    const org = await attacker.client
      .organisation({ connectionId: parked.connection_id, accountId: 'attacker-acct' })
      .catch((e) => e);
    expect(org).toMatchObject({ status: 404 });
    const after = await snapshotStore(rut.relay);
    expect(after.connections).toEqual(store.connections);
    expect(after.grants).toEqual(store.grants);
  });

  it('still connects the victim’s own sign-in from their own install', async () => {
    const victim = await newInstall(rut.url);
    const result = await connectAccount(victim, 'victim-acct', [NZ_TENANT_ID]);
    expect(await victim.client.listConnections()).toEqual([
      expect.objectContaining({ id: result.connectionId, status: 'connected', accountIds: ['victim-acct'] }),
    ]);
    const parked = await rut.relay.store.db.selectFrom('relay_codes').selectAll().execute();
    // The parked copy of the token pair is gone once the connection holds it.
    const redeemed = parked.filter((r) => r.redeemed_at !== null);
    expect(redeemed.length).toBeGreaterThan(0);
    expect(redeemed.filter((r) => r.access_token_enc || r.refresh_token_enc)).toEqual([]);
  });

  it('sends a sign-in only back to the extensions this relay serves', async () => {
    const ext = await newInstall(rut.url);
    const before = await snapshotStore(rut.relay);
    for (const returnUrl of [
      // Another Chrome extension's browser-provided redirect URL and page.
      'https://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org/xero',
      'chrome-extension://abcdefghijklmnopabcdefghijklmnop/callback.html',
      // Another Firefox add-on's redirect URL, and a per-install moz-extension origin.
      'https://0123456789abcdef0123456789abcdef01234567.extensions.allizom.org/xero',
      'moz-extension://01234567-89ab-cdef-0123-456789abcdef/callback.html',
      // The right host with a port or credentials smuggled in.
      `${RETURN_URL.replace('.org/', '.org:8443/')}`,
    ]) {
      const err = await ext.client.startConnect({ accountId: 'amzn-us', returnUrl }).catch((e) => e);
      expect(err, returnUrl).toMatchObject({ status: 400, code: 'return_url_not_allowed' });
    }
    expect(await snapshotStore(rut.relay)).toEqual(before);
  });
});
