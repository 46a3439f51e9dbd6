import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CA_TENANT_ID, NZ_TENANT_ID, UK_TENANT_ID, US_TENANT_ID } from '../../xero-sim/seed';
import type { RunningSim } from '../../xero-sim/start';
import {
  connectAccount,
  newInstall,
  type RelayUnderTest,
  STORE_KINDS,
  type Stack,
  snapshotStore,
  startStack,
} from './harness';

describe.each(STORE_KINDS)('shared Xero connections (%s store)', (storeKind) => {
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

  it('shares one connection with more accounts in one call and refuses accounts without a grant', async () => {
    const ext = await newInstall(rut.url);
    const { connectionId } = await connectAccount(ext, 'us', [UK_TENANT_ID]);

    const before = await snapshotStore(rut.relay);
    const refused = await ext.client.organisation({ connectionId, accountId: 'ca' }).catch((e) => e);
    expect(refused).toMatchObject({
      status: 403,
      code: 'not_granted',
      message: expect.stringMatching(/Share Xero Access/),
    });
    expect(await snapshotStore(rut.relay)).toEqual(before);

    expect(await ext.client.grant({ connectionId, accountIds: ['ca', 'mx'] })).toEqual({
      accountIds: ['ca', 'mx', 'us'],
    });
    for (const accountId of ['us', 'ca', 'mx']) {
      expect((await ext.client.organisation({ connectionId, accountId })).name).toBeTruthy();
    }
    const [conn] = await ext.client.listConnections();
    expect(conn).toMatchObject({ id: connectionId, accountIds: ['ca', 'mx', 'us'], status: 'connected' });
  });

  it('refuses another install, for use, grants and disconnect, and changes nothing', async () => {
    const owner = await newInstall(rut.url);
    const other = await newInstall(rut.url);
    const { connectionId } = await connectAccount(owner, 'us', [NZ_TENANT_ID]);
    const before = await snapshotStore(rut.relay);
    const attempts = [
      () => other.client.organisation({ connectionId, accountId: 'us' }),
      () => other.client.grant({ connectionId, accountIds: ['x'] }),
      () => other.client.disconnect({ connectionId }),
      () => other.client.enableCurrency({ connectionId, accountId: 'us', currency: 'EUR' }),
    ];
    for (const attempt of attempts) {
      expect(await attempt().catch((e: unknown) => e)).toMatchObject({ status: 403, code: 'not_granted' });
    }
    expect(await other.client.listConnections()).toEqual([]);
    expect(await snapshotStore(rut.relay)).toEqual(before);
  });

  it('reports organisation facts and adds a currency only when the plan allows it', async () => {
    const ext = await newInstall(rut.url);
    const uk = await connectAccount(ext, 'uk', [UK_TENANT_ID]);
    const ukFacts = await ext.client.organisation({ connectionId: uk.connectionId, accountId: 'uk' });
    expect(ukFacts.multiCurrency).toBe(true);
    const newCurrency = ['SEK', 'PLN', 'JPY', 'CHF'].find((c) => !ukFacts.currencies.includes(c))!;
    const added = await ext.client.enableCurrency({
      connectionId: uk.connectionId,
      accountId: 'uk',
      currency: newCurrency,
    });
    expect(added.currencies).toContain(newCurrency);
    const again = await ext.client.organisation({ connectionId: uk.connectionId, accountId: 'uk' });
    expect(again.currencies).toContain(newCurrency);

    const other = await newInstall(rut.url);
    const nz = await connectAccount(other, 'nz', [NZ_TENANT_ID]);
    const nzFacts = await other.client.organisation({ connectionId: nz.connectionId, accountId: 'nz' });
    expect(nzFacts).toMatchObject({
      multiCurrency: false,
      baseCurrency: expect.stringMatching(/^[A-Z]{3}$/),
    });
    const refused = await other.client
      .enableCurrency({
        connectionId: nz.connectionId,
        accountId: 'nz',
        currency: 'USD' === nzFacts.baseCurrency ? 'EUR' : 'USD',
      })
      .catch((e) => e);
    expect(refused).toMatchObject({ status: 409, code: 'plan_lacks_multicurrency' });
  });

  it('disconnects at Xero and reports which accounts lost access', async () => {
    const ext = await newInstall(rut.url);
    // An organisation no other connection of this file posts through, so Xero's connection
    // to it is this connection's alone and Disconnect removes it.
    const { connectionId } = await connectAccount(ext, 'de', [US_TENANT_ID]);
    await ext.client.grant({ connectionId, accountIds: ['fr', 'it'] });
    const simBefore = await sim.controls.state();
    expect(simBefore.connections.filter((c) => c.tenantId === US_TENANT_ID)).toHaveLength(1);
    expect(await ext.client.disconnect({ connectionId })).toEqual({ affectedAccountIds: ['de', 'fr', 'it'] });
    const simAfter = await sim.controls.state();
    expect(simAfter.connections.filter((c) => c.tenantId === US_TENANT_ID)).toHaveLength(0);
    // The same Xero user still has the other organisations connected: revoking the token
    // would remove those too, so it is forgotten, not revoked.
    expect(simAfter.connections.length).toBe(simBefore.connections.length - 1);
    expect(simAfter.counts.revocations).toBe(simBefore.counts.revocations);
    const [conn] = (await ext.client.listConnections()).filter((c) => c.id === connectionId);
    expect(conn).toMatchObject({ status: 'disconnected', accountIds: [] });
    const row = await rut.relay.store.findConnection(connectionId);
    expect(row).toMatchObject({ access_token_enc: null, refresh_token_enc: null });
    expect(await ext.client.organisation({ connectionId, accountId: 'de' }).catch((e) => e)).toMatchObject({
      status: 403,
      code: 'not_granted',
    });
    expect(await ext.client.disconnect({ connectionId })).toEqual({ affectedAccountIds: [] });
  });

  it('revokes the token when the disconnected organisation was the last one its Xero user connected', async () => {
    await sim.controls.reset();
    const ext = await newInstall(rut.url);
    const { connectionId } = await connectAccount(ext, 'ca', [CA_TENANT_ID]);
    const before = await sim.controls.state();
    expect(before.connections.map((c) => c.tenantId)).toEqual([CA_TENANT_ID]);
    await ext.client.disconnect({ connectionId });
    const after = await sim.controls.state();
    expect(after.connections).toEqual([]);
    expect(after.counts.revocations).toBe(before.counts.revocations + 1);
    expect(after.refreshFamilies.every((f) => f.isRevoked)).toBe(true);
  });

  it('marks the connection needs_reconnect for every sharing account after a disconnect inside Xero', async () => {
    const ext = await newInstall(rut.url);
    // A fresh sim tenant state per test is not available, so reconnect the UK org afresh.
    const { connectionId } = await connectAccount(ext, 'uk1', [UK_TENANT_ID]);
    await ext.client.grant({ connectionId, accountIds: ['uk2'] });
    await sim.controls.disconnectTenant(UK_TENANT_ID);
    const first = await ext.client.organisation({ connectionId, accountId: 'uk1' }).catch((e) => e);
    expect(first).toMatchObject({ status: 409, code: 'needs_reconnect' });
    const callsBefore = (await sim.controls.state()).counts.apiCalls;
    const second = await ext.client.organisation({ connectionId, accountId: 'uk2' }).catch((e) => e);
    expect(second).toMatchObject({ status: 409, code: 'needs_reconnect' });
    expect((await sim.controls.state()).counts.apiCalls).toBe(callsBefore); // no retry loop
    expect((await ext.client.listConnections())[0]).toMatchObject({ status: 'needs_reconnect' });

    // Reconnect restores it in place for both accounts.
    await connectAccount(ext, 'uk1', [UK_TENANT_ID], connectionId);
    expect((await ext.client.listConnections())[0]).toMatchObject({ id: connectionId, status: 'connected' });
    expect((await ext.client.organisation({ connectionId, accountId: 'uk2' })).name).toBeTruthy();
  });

  it('marks needs_reconnect once when Xero answers invalid_grant, instead of retrying', async () => {
    const ext = await newInstall(rut.url);
    const { connectionId } = await connectAccount(ext, 'nz1', [NZ_TENANT_ID]);
    // Past the 60-day refresh-token life: the access token is dead and so is the refresh token.
    await sim.controls.advanceClock(61 * 24 * 3600_000);
    const failuresBefore = (await sim.controls.state()).counts.refreshFailures;
    const err = await ext.client.organisation({ connectionId, accountId: 'nz1' }).catch((e) => e);
    expect(err).toMatchObject({ status: 409, code: 'needs_reconnect' });
    const again = await ext.client.organisation({ connectionId, accountId: 'nz1' }).catch((e) => e);
    expect(again).toMatchObject({ status: 409, code: 'needs_reconnect' });
    expect((await sim.controls.state()).counts.refreshFailures).toBe(failuresBefore + 1);
    expect((await ext.client.listConnections())[0]).toMatchObject({ status: 'needs_reconnect' });
  });
});
