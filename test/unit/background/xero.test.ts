import { beforeEach, describe, expect, it } from 'vitest';
import { createAccountHandlers } from '../../../lib/background/accounts';
import { systemClock } from '../../../lib/background/clock';
import { createConnectionHandlers } from '../../../lib/background/connections';
import { createXeroHandlers, type XeroDeps } from '../../../lib/background/xero';
import { SettlebridgeDb } from '../../../lib/db';
import { FakeRelay } from './fake-relay';
import { noSellerCentral } from './no-seller-central';

const ctx = { sender: {} };

describe('xero handlers', () => {
  let db: SettlebridgeDb;
  let relay: FakeRelay;
  let flow: (url: string) => Promise<string>;
  let xero: ReturnType<typeof createXeroHandlers> & ReturnType<typeof createConnectionHandlers>;
  const accounts = () => createAccountHandlers({ db, clock: systemClock, sellerCentral: noSellerCentral });

  beforeEach(async () => {
    db = new SettlebridgeDb(`test-${crypto.randomUUID()}`);
    relay = new FakeRelay();
    // Stands in for the consent window: the relay's callback returns the relay code.
    flow = async (url) =>
      `https://ext.chromiumapp.org/xero?relay_code=${new URL(url).searchParams.get('relay')}`;
    const deps: XeroDeps = {
      db,
      clock: systemClock,
      relay: async () => relay,
      webAuthFlow: (u) => flow(u),
      returnUrl: () => 'https://ext.chromiumapp.org/xero',
    };
    xero = { ...createXeroHandlers(deps), ...createConnectionHandlers(deps) };
  });

  const create = (name: string, marketplace: 'US' | 'UK' | 'DE') =>
    accounts()['account/create']({ name, marketplace }, ctx);

  it('connects an account directly and stores only metadata', async () => {
    const a = await create('Acme US', 'US');
    const result = await xero['xero/connect']({ accountId: a.id }, ctx);
    expect(result.organisationName).toBe('Demo Company (UK)');
    const stored = await db.accounts.get(a.id);
    expect(stored?.xeroConnectionId).toBe(result.connectionId);
    const connection = await db.xeroConnections.get(result.connectionId);
    expect(connection).toMatchObject({ status: 'connected', organisationName: 'Demo Company (UK)' });
    expect(JSON.stringify(await db.xeroConnections.toArray())).not.toMatch(/token/i);
  });

  it('offers the organisations of a multi-organisation sign-in and sends the choice to the relay', async () => {
    const a = await create('Acme US', 'US');
    const tenants = [
      { tenantId: 'tenant-1', name: 'Kowhai' },
      { tenantId: 'tenant-2', name: 'Harbourline' },
    ];
    const redeem = relay.redeem.bind(relay);
    relay.redeem = async (input) => ({ ...(await redeem(input)), tenants, tenantChosen: false });
    const result = await xero['xero/connect']({ accountId: a.id }, ctx);
    expect(result.chooseFrom).toEqual(tenants);
    const chosen = await xero['xero/choose-tenant']({ accountId: a.id, tenantId: 'tenant-2' }, ctx);
    expect(relay.calls.find((c) => c.method === 'chooseTenant')).toEqual({
      method: 'chooseTenant',
      input: { connectionId: result.connectionId, tenantId: 'tenant-2' },
    });
    expect(chosen.connectionId).toBe(result.connectionId);
    expect((await db.xeroConnections.get(result.connectionId))?.tenantId).toBe('tenant-2');
  });

  it('keeps a pending choice of organisation locally, so the popup can ask again after closing', async () => {
    const a = await create('Acme US', 'US');
    const tenants = [
      { tenantId: 'tenant-1', name: 'Kowhai' },
      { tenantId: 'tenant-2', name: 'Harbourline' },
    ];
    const redeem = relay.redeem.bind(relay);
    relay.redeem = async (input) => {
      const answer = await redeem(input);
      const c = relay.connections.get(answer.connectionId)!;
      c.chooseFrom = tenants;
      return { ...answer, tenants, tenantChosen: false };
    };
    const { connectionId } = await xero['xero/connect']({ accountId: a.id }, ctx);
    expect((await db.xeroConnections.get(connectionId))?.chooseFrom).toEqual(tenants);

    delete relay.connections.get(connectionId)!.chooseFrom;
    await xero['xero/choose-tenant']({ accountId: a.id, tenantId: 'tenant-2' }, ctx);
    expect((await db.xeroConnections.get(connectionId))?.chooseFrom).toBeUndefined();
  });

  it('moves the account to the connection the relay renewed when the chosen organisation was already connected', async () => {
    const a = await create('Acme US', 'US');
    const { connectionId } = await xero['xero/connect']({ accountId: a.id }, ctx);
    const held = '00000000-0000-4000-8000-0000000000aa';
    relay.connections.set(held, {
      id: held,
      tenantId: 'tenant-2',
      organisationName: 'Harbourline',
      status: 'connected',
      accountIds: [a.id],
    });
    relay.chooseTenant = async (input) => ({
      connectionId: held,
      tenantId: input.tenantId,
      organisationName: 'Harbourline',
    });
    const chosen = await xero['xero/choose-tenant']({ accountId: a.id, tenantId: 'tenant-2' }, ctx);
    expect(chosen.connectionId).toBe(held);
    expect(chosen.connectionId).not.toBe(connectionId);
    expect((await db.accounts.get(a.id))?.xeroConnectionId).toBe(held);
  });

  it('does not ask when the sign-in covered one organisation', async () => {
    const a = await create('Acme US', 'US');
    const result = await xero['xero/connect']({ accountId: a.id }, ctx);
    expect(result.chooseFrom).toBeUndefined();
  });

  it("opens the relay's launch URL, not Xero's authorise URL, in the auth window", async () => {
    // Firefox refuses a launchWebAuthFlow URL whose redirect_uri is not the extension's own.
    const a = await create('Acme US', 'US');
    const opened: string[] = [];
    const start = relay.startConnect.bind(relay);
    relay.startConnect = async (input) => {
      const { authorizeUrl } = await start(input);
      const code = new URL(authorizeUrl).searchParams.get('relay')!;
      return { authorizeUrl, launchUrl: `https://relay.example/v1/oauth/authorize?state=s&relay=${code}` };
    };
    const inner = flow;
    flow = async (url) => {
      opened.push(url);
      return inner(url);
    };
    await xero['xero/connect']({ accountId: a.id }, ctx);
    expect(opened).toHaveLength(1);
    expect(opened[0]).toMatch(/^https:\/\/relay\.example\/v1\/oauth\/authorize\?/);
  });

  it('shares a connection in one call without opening Xero', async () => {
    const a = await create('Acme US', 'US');
    const b = await create('Acme UK', 'UK');
    const { connectionId } = await xero['xero/connect']({ accountId: a.id }, ctx);
    const startsBefore = relay.calls.filter((c) => c.method === 'startConnect').length;
    await xero['xero/share']({ accountId: b.id, fromAccountId: a.id }, ctx);
    expect(relay.calls.filter((c) => c.method === 'startConnect')).toHaveLength(startsBefore);
    expect(relay.calls.at(-1)).toEqual({ method: 'grant', input: { connectionId, accountIds: [b.id] } });
    expect(await db.accounts.get(b.id)).toMatchObject({
      xeroConnectionId: connectionId,
      sharedFromAccountId: a.id,
    });
  });

  it('refuses to share from an account that has no connection, and changes nothing', async () => {
    const a = await create('Acme US', 'US');
    const b = await create('Acme UK', 'UK');
    await expect(xero['xero/share']({ accountId: b.id, fromAccountId: a.id }, ctx)).rejects.toMatchObject({
      code: 'not_connected',
    });
    expect((await db.accounts.get(b.id))?.xeroConnectionId).toBeUndefined();
    expect(relay.calls.some((c) => c.method === 'grant')).toBe(false);
  });

  it('keeps the account unconnected when consent is cancelled in Xero', async () => {
    const a = await create('Acme US', 'US');
    flow = async () => 'https://ext.chromiumapp.org/xero?error=access_denied';
    await expect(xero['xero/connect']({ accountId: a.id }, ctx)).rejects.toMatchObject({
      code: 'consent_cancelled',
    });
    expect((await db.accounts.get(a.id))?.xeroConnectionId).toBeUndefined();
    expect(await db.xeroConnections.count()).toBe(0);
  });

  it('keeps the account unconnected when the Xero window is closed', async () => {
    const a = await create('Acme US', 'US');
    flow = async () => {
      throw new Error('The user did not approve access.');
    };
    await expect(xero['xero/connect']({ accountId: a.id }, ctx)).rejects.toMatchObject({ code: 'cancelled' });
    expect(await db.xeroConnections.count()).toBe(0);
  });

  it.each([
    [{ baseCurrency: 'GBP', multiCurrency: false, currencies: ['GBP'] }, 'UK', 'base'],
    [{ baseCurrency: 'NZD', multiCurrency: false, currencies: ['NZD'] }, 'UK', 'plan_lacks_multicurrency'],
    [{ baseCurrency: 'GBP', multiCurrency: true, currencies: ['GBP'] }, 'US', 'can_enable'],
    [{ baseCurrency: 'GBP', multiCurrency: true, currencies: ['GBP', 'USD'] }, 'US', 'enabled'],
  ] as const)('checks the currency against %o for a %s account: %s', async (org, market, state) => {
    relay.organisation_ = { name: 'Org', ...org, currencies: [...org.currencies] };
    const a = await create('Acme', market);
    await xero['xero/connect']({ accountId: a.id }, ctx);
    expect((await xero['xero/currency']({ accountId: a.id }, ctx)).state).toBe(state);
  });

  it('enables the currency through the relay when the plan allows it', async () => {
    relay.organisation_ = { name: 'Org', baseCurrency: 'GBP', multiCurrency: true, currencies: ['GBP'] };
    const a = await create('Acme', 'US');
    await xero['xero/connect']({ accountId: a.id }, ctx);
    const check = await xero['xero/enable-currency']({ accountId: a.id }, ctx);
    expect(check.state).toBe('enabled');
    expect(relay.calls.find((c) => c.method === 'enableCurrency')?.input).toMatchObject({ currency: 'USD' });
  });

  it('marks the connection needs_reconnect when the relay says Xero refused it', async () => {
    const a = await create('Acme US', 'US');
    const { connectionId } = await xero['xero/connect']({ accountId: a.id }, ctx);
    relay.failWith = { code: 'needs_reconnect', message: 'Xero no longer accepts this connection.' };
    await expect(xero['xero/currency']({ accountId: a.id }, ctx)).rejects.toMatchObject({
      code: 'needs_reconnect',
    });
    expect((await db.xeroConnections.get(connectionId))?.status).toBe('needs_reconnect');
  });

  it('reconnects the same connection instead of creating a second one', async () => {
    const a = await create('Acme US', 'US');
    const b = await create('Acme UK', 'UK');
    const { connectionId } = await xero['xero/connect']({ accountId: a.id }, ctx);
    await xero['xero/share']({ accountId: b.id, fromAccountId: a.id }, ctx);
    await db.xeroConnections.update(connectionId, { status: 'needs_reconnect' });
    relay.connections.get(connectionId)!.status = 'needs_reconnect';
    await xero['connection/reconnect']({ connectionId }, ctx);
    expect(
      relay.calls.find(
        (c) => c.method === 'startConnect' && (c.input as { connectionId?: string }).connectionId,
      ),
    ).toBeTruthy();
    expect(await db.xeroConnections.count()).toBe(1);
    expect((await db.xeroConnections.get(connectionId))?.status).toBe('connected');
  });

  it('disconnects and reports every account that used the connection', async () => {
    const a = await create('Acme US', 'US');
    const b = await create('Acme UK', 'UK');
    const { connectionId } = await xero['xero/connect']({ accountId: a.id }, ctx);
    await xero['xero/share']({ accountId: b.id, fromAccountId: a.id }, ctx);
    const { affectedAccountIds } = await xero['connection/disconnect']({ connectionId }, ctx);
    expect(affectedAccountIds.sort()).toEqual([a.id, b.id].sort());
    expect(await db.xeroConnections.count()).toBe(0);
    expect((await db.accounts.get(b.id))?.xeroConnectionId).toBeUndefined();
  });

  it('lists connections from the last known state when the relay is down', async () => {
    const a = await create('Acme US', 'US');
    await xero['xero/connect']({ accountId: a.id }, ctx);
    relay.failWith = { code: 'network_error', message: 'The relay could not be reached' };
    const listed = await xero['connection/list']({ check: false }, ctx);
    expect(listed.connections).toHaveLength(1);
    expect(listed.connections[0]?.accountIds).toEqual([a.id]);
    expect(listed.stale).toBe('Showing the last known status. The relay could not be reached');
  });
});
