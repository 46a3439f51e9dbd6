// The consent-phishing attack from the security review, end to end against xero-sim: an
// attacker's install starts a sign-in and sends its authorizeUrl to a victim; the victim
// signs in and allows in their own browser, which the relay sends back to the extension's
// redirect URL with the relay code. The attacker never sees that redirect, so it must end up
// with nothing: no connection listed, nothing to grant, nothing to post into.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NZ_TENANT_ID } from '../../xero-sim/seed';
import {
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
  let stack: Stack | undefined;

  beforeAll(async () => {
    stack = await startStack(storeKind);
    ({ rut } = stack);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('gives the attacker’s install no connection it can see, grant or post into', async () => {
    const attacker = await newInstall(rut.url);
    const { authorizeUrl } = await attacker.client.startConnect({
      accountId: 'attacker-acct',
      returnUrl: RETURN_URL,
    });

    // The victim's browser: consent, the relay's callback, the redirect to the extension URL.
    const { returnLocation } = await consent(authorizeUrl, 'allow', [NZ_TENANT_ID]);
    expect(new URL(returnLocation).searchParams.get('relay_code')).toBeTruthy();

    // Nothing usable exists before redemption: no connection row, no grant.
    const store = await snapshotStore(rut.relay);
    expect(store.connections.filter((c) => c.owner_install_id === attacker.key.installId)).toEqual([]);
    expect(store.grants).toEqual([]);
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
    expect(after.grants).toEqual([]);
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
