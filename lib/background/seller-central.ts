/**
 * Seller Central tabs as the background sees them: what each tab last reported (kept in
 * `storage.session`, since the service worker may stop between messages), moving a tab to
 * an account's switch link (`account/switch` decides which), and the toolbar badge.
 */

import { marketplaceById } from '../marketplaces';
import type { Handlers } from '../messages';
import type { PageContext } from '../page-context';
import { pickerUrl } from '../seller-central/page';
import { readStored, type SellerCentralTabs, storageItems } from '../storage';
import type { Clock } from './clock';

export interface SessionArea {
  get(key: string): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
}

export interface TabsPort {
  activeTabId(): Promise<number | undefined>;
  update(tabId: number, url: string): Promise<void>;
  create(url: string): Promise<number>;
  setBadge(tabId: number, text: string): Promise<void>;
}

const TABS = storageItems.sellerCentralTabs;
/** A refused switch link is answered with the picker page only this soon after the switch. */
const SWITCH_FALLBACK_MS = 60_000;

type Stored = SellerCentralTabs;

/** The Seller Central tabs as other background files use them (`account/*`, `popup/state`). */
export interface SellerCentral {
  forgetTab(tabId: number): Promise<void>;
  currentContext(): Promise<PageContext | null>;
  contextForTab(tabId: number): Promise<PageContext | null>;
  /** The active Seller Central tab, else the one that reported last, with what it shows. */
  currentTab(): Promise<{ tabId: number; context: PageContext } | undefined>;
  /**
   * Sends the tab (a new one when `tabId` is undefined) to an account switch link, and
   * records the switch so a refused link can fall back to the picker on `host`, returning
   * to `returnTo`. Resolves with the tab's id.
   */
  openSwitch(
    tabId: number | undefined,
    url: string,
    target: { host: string; returnTo: string },
  ): Promise<number>;
}

type SellerCentralHandlers = Pick<Handlers, 'page/report' | 'page/current' | 'page/switch-refused'> &
  SellerCentral;

export interface SellerCentralDeps {
  session: SessionArea;
  tabs: TabsPort;
  clock: Clock;
}

export function createSellerCentralHandlers({
  session,
  tabs,
  clock,
}: SellerCentralDeps): SellerCentralHandlers {
  const read = async (): Promise<Stored> => readStored(TABS, (await session.get(TABS.key))[TABS.key]);
  const write = (stored: Stored) => session.set({ [TABS.key]: stored });
  /**
   * Every change to the record is read-modify-write of one storage value, so changes run one
   * at a time: two interleaved (a new page's report arriving while a switch records itself,
   * as Firefox does while tabs.update is still settling) would otherwise let the later write
   * put back the state the other had just replaced — the tab on the US page, the record
   * still saying DE until the next report.
   */
  let queue: Promise<unknown> = Promise.resolve();
  const change = <T>(fn: (stored: Stored) => T | Promise<T>): Promise<T> => {
    const run = queue.then(async () => {
      const stored = await read();
      const result = await fn(stored);
      await write(stored);
      return result;
    });
    queue = run.catch(() => {});
    return run;
  };

  async function currentTab(): Promise<{ tabId: number; context: PageContext } | undefined> {
    const stored = await read();
    const active = await tabs.activeTabId();
    for (const id of [active, stored.lastTabId]) {
      if (id === undefined) continue;
      const entry = stored.byTab[String(id)];
      if (entry) {
        const { at: _at, ...context } = entry;
        return { tabId: id, context };
      }
    }
    return undefined;
  }

  return {
    'page/report': async (context, { tabId }) => {
      if (tabId === undefined) return {};
      await change((stored) => {
        stored.byTab[String(tabId)] = { ...context, at: clock.now() };
        stored.lastTabId = tabId;
        if (stored.pendingSwitch?.tabId === tabId) delete stored.pendingSwitch;
      });
      const market = context.marketplaceId ? marketplaceById(context.marketplaceId) : undefined;
      await tabs.setBadge(tabId, market?.code ?? '').catch(() => {});
      return {};
    },

    'page/current': async () => ({ context: (await currentTab())?.context ?? null }),

    'page/switch-refused': async (_refused, { tabId }) => {
      const pending = await change((stored) => {
        const p = stored.pendingSwitch;
        if (tabId === undefined || !p || p.tabId !== tabId || clock.now() - p.at > SWITCH_FALLBACK_MS) {
          return undefined;
        }
        delete stored.pendingSwitch;
        return p;
      });
      // The host and path come from our own record of the switch, not from the page.
      if (pending && tabId !== undefined) await tabs.update(tabId, pickerUrl(pending.host, pending.returnTo));
      return {};
    },

    currentTab,

    async openSwitch(tabId, url, { host, returnTo }) {
      const recordSwitch = (tabId: number) =>
        change((stored) => {
          stored.pendingSwitch = { tabId, host, returnTo, at: clock.now() };
        });
      if (tabId !== undefined) {
        // Recorded before the tab moves: the new page's report may come before update settles.
        await recordSwitch(tabId);
        await tabs.update(tabId, url);
        return tabId;
      }
      const created = await tabs.create(url);
      await recordSwitch(created);
      return created;
    },

    async forgetTab(tabId) {
      await change((stored) => {
        delete stored.byTab[String(tabId)];
        if (stored.lastTabId === tabId) delete stored.lastTabId;
      });
    },

    currentContext: async () => (await currentTab())?.context ?? null,

    async contextForTab(tabId) {
      const entry = (await read()).byTab[String(tabId)];
      if (!entry) return null;
      const { at: _at, ...context } = entry;
      return context;
    },
  };
}
