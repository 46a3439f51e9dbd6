import { beforeEach, describe, expect, it } from 'vitest';
import { createAccountHandlers } from '../../../lib/background/accounts';
import { createPopupHandlers } from '../../../lib/background/popup';
import { createSellerCentralHandlers, type TabsPort } from '../../../lib/background/seller-central';
import { SettlebridgeDb } from '../../../lib/db';
import type { PageContext } from '../../../lib/page-context';

class MemorySession {
  data: Record<string, unknown> = {};
  async get(key: string) {
    return { [key]: structuredClone(this.data[key]) };
  }
  async set(items: Record<string, unknown>) {
    Object.assign(this.data, structuredClone(items));
  }
}

/**
 * storage.session as the browser has it: asynchronous, so a write lands a moment after it
 * was asked for, and a read made meanwhile still sees the old value.
 */
class SlowSession extends MemorySession {
  override async set(items: Record<string, unknown>) {
    const copy = structuredClone(items);
    await new Promise((r) => setTimeout(r, 5));
    Object.assign(this.data, copy);
  }
}

const US = 'ATVPDKIKX0DER';
const UK = 'A1F83G8C2ARO7P';
const DE = 'A1PA6795UKMFR9';
/** Real-format ids (invented): what Seller Central's switcher uses. */
const NA_MERCHANT = 'amzn1.merchant.d.AFIXTURENA7Q3ZK2WPX9LM4RT5HV';
const EU_MERCHANT = 'amzn1.merchant.d.AFIXTUREEU4M8N2QX7KZ3WR9PL6T';
const PARTNER = 'amzn1.pa.d.AFIXTUREACMEGLOBALQ7K2M9XW3';
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
  let popup: ReturnType<typeof createPopupHandlers>;
  const clock = { now: () => now };
  /** The background's wiring: accounts and the popup read the Seller Central tabs. */
  const wire = (session: MemorySession) => {
    sc = createSellerCentralHandlers({ session, tabs, clock });
    accounts = createAccountHandlers({ db, clock, sellerCentral: sc });
    popup = createPopupHandlers({ db, sellerCentral: sc });
  };

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
    wire(new MemorySession());
  });

  const report = (
    tabId: number,
    merchantId: string,
    marketplaceId: string,
    accountName = 'Acme Trading LLC',
    more: Partial<PageContext> = {},
  ) =>
    sc['page/report'](
      { host: 'sellercentral.amazon.com', recognised: true, merchantId, marketplaceId, accountName, ...more },
      tabCtx(tabId),
    );

  it('sets the toolbar badge to the marketplace of the tab', async () => {
    await report(5, EU_MERCHANT, `amzn1.mp.o.${UK}`);
    expect(tabs.badges.get(5)).toBe('UK');
  });

  it('binds an account to the merchant shown in Seller Central and marks it active there', async () => {
    const a = await accounts['account/create']({ name: 'Acme US', marketplace: 'US' }, tabCtx(0));
    await report(5, NA_MERCHANT, US, 'Acme Trading LLC', { partnerAccountId: PARTNER });
    const bound = await accounts['account/bind-amazon']({ accountId: a.id }, tabCtx(0));
    expect(bound).toMatchObject({
      merchantId: NA_MERCHANT,
      partnerAccountId: PARTNER,
      marketplace: 'US',
      amazonAccountName: 'Acme Trading LLC',
    });
    expect(await db.accounts.get(a.id)).toMatchObject({ merchantId: NA_MERCHANT, partnerAccountId: PARTNER });
    const state = await popup['popup/state']({}, tabCtx(0));
    expect(state.activeAccountId).toBe(a.id);
  });

  it('refuses to bind when Seller Central shows another marketplace, and changes nothing', async () => {
    const a = await accounts['account/create']({ name: 'Acme US', marketplace: 'US' }, tabCtx(0));
    await report(5, EU_MERCHANT, UK);
    await expect(accounts['account/bind-amazon']({ accountId: a.id }, tabCtx(0))).rejects.toMatchObject({
      code: 'marketplace_mismatch',
    });
    expect((await db.accounts.get(a.id))?.merchantId).toBeUndefined();
  });

  it('binds an EU account from a page of another EU marketplace through the regional-accounts list', async () => {
    const de = await accounts['account/create']({ name: 'Acme DE', marketplace: 'DE' }, tabCtx(0));
    await report(5, EU_MERCHANT, UK, 'Acme Trading LLC', {
      partnerAccountId: PARTNER,
      regionalAccounts: [
        { merchantId: EU_MERCHANT, marketplaceId: UK },
        { merchantId: EU_MERCHANT, marketplaceId: DE, label: 'Deutschland' },
      ],
    });
    const bound = await accounts['account/bind-amazon']({ accountId: de.id }, tabCtx(0));
    expect(bound).toMatchObject({ merchantId: EU_MERCHANT, marketplace: 'DE', partnerAccountId: PARTNER });
    // Matched by ids once the page shows Germany, whatever the header calls it.
    await report(5, EU_MERCHANT, DE, 'Irgendein Name');
    expect((await popup['popup/state']({}, tabCtx(0))).activeAccountId).toBe(de.id);
  });

  it('refuses to bind when no Seller Central tab has reported', async () => {
    const a = await accounts['account/create']({ name: 'Acme US', marketplace: 'US' }, tabCtx(0));
    await expect(accounts['account/bind-amazon']({ accountId: a.id }, tabCtx(0))).rejects.toMatchObject({
      code: 'no_seller_central',
    });
  });

  it('switches the current Seller Central tab with the deep link, prefix included', async () => {
    const a = await accounts['account/create']({ name: 'Acme UK', marketplace: 'UK' }, tabCtx(0));
    await db.accounts.update(a.id, { merchantId: EU_MERCHANT, partnerAccountId: PARTNER });
    await report(5, NA_MERCHANT, US);
    tabs.active = 5;
    const { url, tabId } = await accounts['account/switch']({ accountId: a.id }, tabCtx(0));
    expect(tabId).toBe(5);
    const link = new URL(url);
    expect(link.origin + link.pathname).toBe('https://sellercentral-europe.amazon.com/home');
    expect(Object.fromEntries(link.searchParams)).toEqual({
      mons_sel_dir_mcid: EU_MERCHANT,
      mons_sel_mkid: `amzn1.mp.o.${UK}`,
      mons_sel_dir_paid: PARTNER,
      ignore_selection_changed: 'true',
    });
    expect(tabs.updates).toEqual([[5, url]]);
  });

  it('stays on the current page and host when switching, and passes the delegation context', async () => {
    const a = await accounts['account/create']({ name: 'Acme DE', marketplace: 'DE' }, tabCtx(0));
    await db.accounts.update(a.id, { merchantId: EU_MERCHANT, delegationContext: 'DC1' });
    await sc['page/report'](
      {
        host: 'sellercentral.amazon.de',
        path: '/payments/past-settlements',
        recognised: true,
        merchantId: EU_MERCHANT,
        marketplaceId: UK,
      },
      tabCtx(7),
    );
    tabs.active = 7;
    const { url } = await accounts['account/switch']({ accountId: a.id }, tabCtx(0));
    const link = new URL(url);
    expect(link.origin + link.pathname).toBe('https://sellercentral.amazon.de/payments/past-settlements');
    expect(link.searchParams.get('mons_sel_mkid')).toBe(`amzn1.mp.o.${DE}`);
    expect(link.searchParams.get('mons_sel_dc')).toBe('DC1');
  });

  it('opens a new tab when no Seller Central tab is open', async () => {
    const a = await accounts['account/create']({ name: 'Acme US', marketplace: 'US' }, tabCtx(0));
    await db.accounts.update(a.id, { merchantId: NA_MERCHANT });
    await accounts['account/switch']({ accountId: a.id }, tabCtx(0));
    expect(tabs.created).toHaveLength(1);
    expect(tabs.created[0]).toContain(
      `https://sellercentral.amazon.com/home?mons_sel_dir_mcid=${encodeURIComponent(NA_MERCHANT)}`,
    );
  });

  it('refuses to switch to an account not yet linked to Seller Central', async () => {
    const a = await accounts['account/create']({ name: 'Acme US', marketplace: 'US' }, tabCtx(0));
    await expect(accounts['account/switch']({ accountId: a.id }, tabCtx(0))).rejects.toMatchObject({
      code: 'not_bound',
    });
    expect(tabs.created).toHaveLength(0);
  });

  it('falls back to the picker page when Seller Central refuses the switch link, once', async () => {
    const a = await accounts['account/create']({ name: 'Acme US', marketplace: 'US' }, tabCtx(0));
    await db.accounts.update(a.id, { merchantId: NA_MERCHANT });
    await report(5, NA_MERCHANT, US, 'Acme Trading LLC', { path: '/payments/past-settlements' });
    tabs.active = 5;
    await accounts['account/switch']({ accountId: a.id }, tabCtx(0));
    // The refusal may come from the sign-in redirect on another host: the picker opens on ours.
    await sc['page/switch-refused']({ host: 'www.amazon.com' }, tabCtx(5));
    await sc['page/switch-refused']({ host: 'sellercentral.amazon.com' }, tabCtx(5));
    const pickerVisits = tabs.updates.filter(([, u]) =>
      u.includes('/account-switcher/default/merchantMarketplace'),
    );
    expect(pickerVisits).toEqual([
      [
        5,
        'https://sellercentral.amazon.com/account-switcher/default/merchantMarketplace?returnTo=%2Fpayments%2Fpast-settlements',
      ],
    ]);
  });

  it("keeps every tab's report when reports arrive together (no lost update)", async () => {
    wire(new SlowSession());
    await Promise.all([report(5, NA_MERCHANT, US), report(7, EU_MERCHANT, DE)]);
    expect((await sc.contextForTab(5))?.merchantId).toBe(NA_MERCHANT);
    expect((await sc.contextForTab(7))?.merchantId).toBe(EU_MERCHANT);
  });

  it("keeps the new page's report that arrives while the switch to it is still settling", async () => {
    // Firefox: the tab's new page can report before tabs.update has resolved.
    wire(new SlowSession());
    const us = await accounts['account/create']({ name: 'Acme US', marketplace: 'US' }, tabCtx(0));
    await db.accounts.update(us.id, { merchantId: NA_MERCHANT });
    await report(5, EU_MERCHANT, DE);
    tabs.active = 5;
    let landed: Promise<unknown> | undefined;
    tabs.update = async (tabId, url) => {
      tabs.updates.push([tabId, url]);
      landed = report(tabId, NA_MERCHANT, US);
      await new Promise((r) => setTimeout(r, 1));
    };
    await accounts['account/switch']({ accountId: us.id }, tabCtx(0));
    await landed;
    const { context } = await sc['page/current']({}, tabCtx(0));
    expect(context?.merchantId).toBe(NA_MERCHANT);
    expect(context?.marketplaceId).toBe(US);
  });

  it('ignores a refused-switch report when no switch is pending for that tab', async () => {
    await sc['page/switch-refused']({ host: 'sellercentral.amazon.com' }, tabCtx(5));
    expect(tabs.updates).toEqual([]);
  });
});
