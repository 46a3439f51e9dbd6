import { beforeEach, describe, expect, it } from 'vitest';
import { createAccountHandlers } from '../../../lib/background/accounts';
import { createSellerCentralHandlers, type TabsPort } from '../../../lib/background/seller-central';
import { SettlebridgeDb } from '../../../lib/db';

class MemorySession {
  data: Record<string, unknown> = {};
  async get(key: string) {
    return { [key]: structuredClone(this.data[key]) };
  }
  async set(items: Record<string, unknown>) {
    Object.assign(this.data, structuredClone(items));
  }
}

const US = 'ATVPDKIKX0DER';
const UK = 'A1F83G8C2ARO7P';
const tabCtx = (tabId: number) => ({ sender: {}, tabId });

describe('seller central handlers', () => {
  let db: SettlebridgeDb;
  let tabs: TabsPort & {
    updates: [number, string][];
    created: string[];
    badges: Map<number, string>;
    active?: number;
  };
  let now: number;
  let sc: ReturnType<typeof createSellerCentralHandlers>;
  let accounts: ReturnType<typeof createAccountHandlers>;

  beforeEach(() => {
    db = new SettlebridgeDb(`test-${crypto.randomUUID()}`);
    now = 1_000_000;
    const t = {
      updates: [] as [number, string][],
      created: [] as string[],
      badges: new Map<number, string>(),
      active: undefined as number | undefined,
      activeTabId: async () => t.active,
      update: async (tabId: number, url: string) => void t.updates.push([tabId, url]),
      create: async (url: string) => {
        t.created.push(url);
        return 99;
      },
      setBadge: async (tabId: number, text: string) => void t.badges.set(tabId, text),
    };
    tabs = t;
    sc = createSellerCentralHandlers(db, new MemorySession(), tabs, { now: () => now });
    accounts = createAccountHandlers(db, { now: () => now }, sc.currentContext);
  });

  const report = (
    tabId: number,
    merchantId: string,
    marketplaceId: string,
    accountName = 'Acme Trading LLC',
  ) =>
    sc['page/report'](
      { host: 'sellercentral.amazon.com', recognised: true, merchantId, marketplaceId, accountName },
      tabCtx(tabId),
    );

  it('sets the toolbar badge to the marketplace of the tab', async () => {
    await report(5, 'A1B2C3D4E5F6G7', `amzn1.mp.o.${UK}`);
    expect(tabs.badges.get(5)).toBe('UK');
  });

  it('binds an account to the merchant shown in Seller Central and marks it active there', async () => {
    const a = await accounts['account/create']({ name: 'Acme US', marketplace: 'US' }, tabCtx(0));
    await report(5, 'A1B2C3D4E5F6G7', US);
    const bound = await accounts['account/bind-amazon']({ accountId: a.id }, tabCtx(0));
    expect(bound).toMatchObject({ merchantId: 'A1B2C3D4E5F6G7', amazonAccountName: 'Acme Trading LLC' });
    const state = await accounts['popup/state']({}, tabCtx(0));
    expect(state.activeAccountId).toBe(a.id);
  });

  it('refuses to bind when Seller Central shows another marketplace, and changes nothing', async () => {
    const a = await accounts['account/create']({ name: 'Acme US', marketplace: 'US' }, tabCtx(0));
    await report(5, 'A1B2C3D4E5F6G7', UK);
    await expect(accounts['account/bind-amazon']({ accountId: a.id }, tabCtx(0))).rejects.toMatchObject({
      code: 'marketplace_mismatch',
    });
    expect((await db.accounts.get(a.id))?.merchantId).toBeUndefined();
  });

  it('refuses to bind when no Seller Central tab has reported', async () => {
    const a = await accounts['account/create']({ name: 'Acme US', marketplace: 'US' }, tabCtx(0));
    await expect(accounts['account/bind-amazon']({ accountId: a.id }, tabCtx(0))).rejects.toMatchObject({
      code: 'no_seller_central',
    });
  });

  it('switches the current Seller Central tab with the deep link, prefix included', async () => {
    const a = await accounts['account/create']({ name: 'Acme UK', marketplace: 'UK' }, tabCtx(0));
    await db.accounts.update(a.id, { merchantId: 'A9EUROPE12345' });
    await report(5, 'A1B2C3D4E5F6G7', US);
    tabs.active = 5;
    const { url, tabId } = await sc['account/switch']({ accountId: a.id }, tabCtx(0));
    expect(tabId).toBe(5);
    expect(url).toBe(
      'https://sellercentral-europe.amazon.com/home?mons_sel_dir_mcid=A9EUROPE12345&mons_sel_mkid=amzn1.mp.o.A1F83G8C2ARO7P&ignore_selection_changed=true',
    );
    expect(tabs.updates).toEqual([[5, url]]);
  });

  it('opens a new tab when no Seller Central tab is open', async () => {
    const a = await accounts['account/create']({ name: 'Acme US', marketplace: 'US' }, tabCtx(0));
    await db.accounts.update(a.id, { merchantId: 'A1B2C3D4E5F6G7' });
    await sc['account/switch']({ accountId: a.id }, tabCtx(0));
    expect(tabs.created).toHaveLength(1);
    expect(tabs.created[0]).toContain(
      'https://sellercentral.amazon.com/home?mons_sel_dir_mcid=A1B2C3D4E5F6G7',
    );
  });

  it('refuses to switch to an account not yet linked to Seller Central', async () => {
    const a = await accounts['account/create']({ name: 'Acme US', marketplace: 'US' }, tabCtx(0));
    await expect(sc['account/switch']({ accountId: a.id }, tabCtx(0))).rejects.toMatchObject({
      code: 'not_bound',
    });
    expect(tabs.created).toHaveLength(0);
  });

  it('falls back to the picker page when Seller Central refuses the switch link, once', async () => {
    const a = await accounts['account/create']({ name: 'Acme US', marketplace: 'US' }, tabCtx(0));
    await db.accounts.update(a.id, { merchantId: 'A1B2C3D4E5F6G7' });
    await report(5, 'A1B2C3D4E5F6G7', US);
    tabs.active = 5;
    await sc['account/switch']({ accountId: a.id }, tabCtx(0));
    await sc['page/switch-refused']({ host: 'sellercentral.amazon.com' }, tabCtx(5));
    await sc['page/switch-refused']({ host: 'sellercentral.amazon.com' }, tabCtx(5));
    const pickerVisits = tabs.updates.filter(([, u]) =>
      u.includes('/account-switcher/default/merchantMarketplace'),
    );
    expect(pickerVisits).toEqual([
      [5, 'https://sellercentral.amazon.com/account-switcher/default/merchantMarketplace'],
    ]);
  });

  it('ignores a refused-switch report when no switch is pending for that tab', async () => {
    await sc['page/switch-refused']({ host: 'sellercentral.amazon.com' }, tabCtx(5));
    expect(tabs.updates).toEqual([]);
  });
});
