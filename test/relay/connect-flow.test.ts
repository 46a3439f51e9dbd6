import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RelayError } from '../../lib/relay-client';
import { NZ_TENANT_ID, UK_TENANT_ID } from '../../xero-sim/seed';
import type { RunningSim } from '../../xero-sim/start';
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

describe.each(STORE_KINDS)('connect to Xero through the relay (%s store)', (storeKind) => {
  let sim: RunningSim;
  let rut: RelayUnderTest;
  let stack: Stack | undefined;

  beforeAll(async () => {
    stack = await startStack(storeKind);
    ({ sim, rut } = stack);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('connects an organisation and hands the install its connection and tenants', async () => {
    const ext = await newInstall(rut.url);
    const result = await connectAccount(ext, 'amzn-us', [NZ_TENANT_ID]);
    expect(result.tenants).toEqual([{ tenantId: NZ_TENANT_ID, name: expect.any(String) }]);
    const list = await ext.client.listConnections();
    expect(list).toEqual([
      {
        id: result.connectionId,
        tenantId: NZ_TENANT_ID,
        organisationName: result.tenants[0]!.name,
        status: 'connected',
        accountIds: ['amzn-us'],
      },
    ]);
    const simState = await sim.controls.state();
    expect(simState.counts.codeExchanges).toBeGreaterThanOrEqual(1);
  });

  it('registers idempotently under the key thumbprint', async () => {
    const ext = await newInstall(rut.url, false);
    const first = await ext.client.register();
    const again = await ext.client.register();
    expect(first).toEqual({ installId: ext.key.installId, isNew: true });
    expect(again).toEqual({ installId: ext.key.installId, isNew: false });
  });

  it('sends the browser back with access_denied and stores nothing when consent is cancelled', async () => {
    const ext = await newInstall(rut.url);
    const { launchUrl } = await ext.client.startConnect({ accountId: 'amzn-ca', returnUrl: RETURN_URL });
    const before = await snapshotStore(rut.relay);
    const { returnLocation } = await consent(launchUrl!, 'cancel');
    const back = new URL(returnLocation);
    expect(`${back.origin}${back.pathname}`).toBe(RETURN_URL);
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect(back.searchParams.get('error_description')).toMatch(/cancelled/i);
    expect(back.searchParams.get('relay_code')).toBeNull();
    const after = await snapshotStore(rut.relay);
    expect(after.connections).toEqual(before.connections);
    expect(after.grants).toEqual(before.grants);
    expect(after.relay_codes).toEqual(before.relay_codes);
    expect(await ext.client.listConnections()).toEqual([]);
  });

  it('starts the auth window at a relay launch URL that goes on to Xero, with no redirect_uri of its own', async () => {
    const ext = await newInstall(rut.url);
    const { authorizeUrl, launchUrl } = await ext.client.startConnect({
      accountId: 'amzn-de',
      returnUrl: RETURN_URL,
    });
    // Firefox's launchWebAuthFlow refuses a URL whose redirect_uri is not the extension's:
    // Xero's URL names the relay's callback, so the window must start somewhere that does not.
    expect(new URL(authorizeUrl).searchParams.get('redirect_uri')).toBe(`${rut.url}/v1/oauth/callback`);
    const launch = new URL(launchUrl!);
    expect(launch.origin + launch.pathname).toBe(`${rut.url}/v1/oauth/authorize`);
    expect(launch.searchParams.has('redirect_uri')).toBe(false);
    // Firefox fetches the URL once before it opens its window: looking does not use the state,
    // and binds the browser with the same cookie each time, scoped to the callback.
    const cookies: string[] = [];
    for (let i = 0; i < 2; i++) {
      const res = await fetch(launchUrl!, { redirect: 'manual' });
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toBe(authorizeUrl);
      cookies.push(res.headers.getSetCookie().join('\n'));
    }
    expect(cookies[0]).toMatch(
      /^sb_sign_in=[\w-]{43}; Path=\/v1\/oauth\/callback; Max-Age=(600|599); HttpOnly; SameSite=Lax$/,
    );
    expect(cookies[1]).toBe(cookies[0]);
    const { returnLocation, callbackUrl } = await consent(launchUrl!, 'allow', [NZ_TENANT_ID]);
    expect(new URL(returnLocation).searchParams.get('relay_code')).toBeTruthy();
    expect(new URL(callbackUrl).searchParams.get('state')).toBe(launch.searchParams.get('state'));
    // Once the callback used the state, the launch URL is a dead link, not a second sign-in.
    const used = await fetch(launchUrl!, { redirect: 'manual' });
    expect(used.status).toBe(400);
    expect(await used.text()).toMatch(/no longer valid/);
    const unknown = await fetch(`${rut.url}/v1/oauth/authorize?state=forged`, { redirect: 'manual' });
    expect(unknown.status).toBe(400);
  });

  it('refuses a reused state with an error page and stores nothing', async () => {
    const ext = await newInstall(rut.url);
    const { launchUrl } = await ext.client.startConnect({ accountId: 'amzn-mx', returnUrl: RETURN_URL });
    const { callbackUrl, returnLocation } = await consent(launchUrl!, 'allow', [NZ_TENANT_ID]);
    expect(new URL(returnLocation).searchParams.get('relay_code')).toBeTruthy();
    const before = await snapshotStore(rut.relay);
    const replay = await fetch(callbackUrl, { redirect: 'manual' });
    expect(replay.status).toBe(400);
    expect(await replay.text()).toMatch(/no longer valid.*Nothing was saved/s);
    expect(await snapshotStore(rut.relay)).toEqual(before);
  });

  it('redeems a relay code once, only for the install it was made for', async () => {
    const owner = await newInstall(rut.url);
    const stranger = await newInstall(rut.url);
    const { launchUrl } = await owner.client.startConnect({ accountId: 'amzn-uk', returnUrl: RETURN_URL });
    const { returnLocation } = await consent(launchUrl!, 'allow', [UK_TENANT_ID]);
    const relayCode = new URL(returnLocation).searchParams.get('relay_code')!;

    const before = await snapshotStore(rut.relay);
    const foreign = await stranger.client.redeem({ relayCode }).catch((e) => e);
    expect(foreign).toBeInstanceOf(RelayError);
    expect(foreign).toMatchObject({ status: 403, code: 'invalid_relay_code' });
    expect(await snapshotStore(rut.relay)).toEqual(before);

    const redeemed = await owner.client.redeem({ relayCode });
    expect(redeemed.tenants.map((t) => t.tenantId)).toEqual([UK_TENANT_ID]);

    const afterFirst = await snapshotStore(rut.relay);
    const twice = await owner.client.redeem({ relayCode }).catch((e) => e);
    expect(twice).toMatchObject({
      status: 400,
      code: 'invalid_relay_code',
      message: expect.stringMatching(/already used/),
    });
    expect(await snapshotStore(rut.relay)).toEqual(afterFirst);
  });

  it('refuses return URLs that are not the extension’s own', async () => {
    const ext = await newInstall(rut.url);
    const before = await snapshotStore(rut.relay);
    for (const returnUrl of [
      'https://evil.example/cb',
      'http://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org/x',
    ]) {
      const err = await ext.client.startConnect({ accountId: 'amzn-us', returnUrl }).catch((e) => e);
      expect(err).toMatchObject({ status: 400, code: 'return_url_not_allowed' });
    }
    expect(await snapshotStore(rut.relay)).toEqual(before);
  });

  it('reconnects an existing connection in place instead of creating a second one', async () => {
    const ext = await newInstall(rut.url);
    const first = await connectAccount(ext, 'amzn-de', [NZ_TENANT_ID]);
    const [row] = await rut.relay.store.listConnectionsOwnedBy(ext.key.installId);
    const again = await connectAccount(ext, 'amzn-de', [NZ_TENANT_ID], first.connectionId);
    expect(again.connectionId).toBe(first.connectionId);
    const rows = await rut.relay.store.listConnectionsOwnedBy(ext.key.installId);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.token_version).toBeGreaterThan(row!.token_version);
  });

  it('never puts a Xero token or code in a log line or a response', async () => {
    const ext = await newInstall(rut.url);
    const { connectionId } = await connectAccount(ext, 'amzn-fr', [UK_TENANT_ID]);
    await ext.client.organisation({ connectionId, accountId: 'amzn-fr' });
    const row = (await rut.relay.store.findConnection(connectionId))!;
    const access = rut.relay.vault.decrypt(row.access_token_enc!, row.id);
    const refresh = rut.relay.vault.decrypt(row.refresh_token_enc!, row.id);
    const logs = rut.logs.text();
    expect(logs.length).toBeGreaterThan(0);
    expect(logs).not.toContain(access);
    expect(logs).not.toContain(refresh);
    expect(logs).not.toMatch(/relay_code=|[?&]code=/);
    expect(row.refresh_token_enc).toMatch(/^v1\.a\./);
    expect(row.refresh_token_enc).not.toContain(refresh);
  });
});
