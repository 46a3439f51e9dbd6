/**
 * Seller Central tabs as the background sees them: what each tab last reported (kept in
 * `storage.session`, since the service worker may stop between messages), switching a tab
 * to another account, and the toolbar badge.
 */

import type { SettlebridgeDb } from '../db';
import { AppError } from '../errors';
import { t } from '../i18n';
import { marketplaceByCode, marketplaceById } from '../marketplaces';
import type { Handlers } from '../messages';
import type { PageContext } from '../page-context';
import { pickerUrl, switchUrl } from '../seller-central/page';
import { readStored, type SellerCentralTabs, storageItems } from '../storage';
import { type Clock, systemClock } from './clock';

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

type SellerCentralHandlers = Pick<
  Handlers,
  'page/report' | 'page/current' | 'page/switch-refused' | 'account/switch'
> & {
  forgetTab(tabId: number): Promise<void>;
  currentContext(): Promise<PageContext | null>;
  contextForTab(tabId: number): Promise<PageContext | null>;
};

export function createSellerCentralHandlers(
  db: SettlebridgeDb,
  session: SessionArea,
  tabs: TabsPort,
  clock: Clock = systemClock,
): SellerCentralHandlers {
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

    'account/switch': async ({ accountId }) => {
      const account = await db.accounts.get(accountId);
      if (!account) throw new AppError('not_found', t('errors.accountGone'));
      const market = marketplaceByCode(account.marketplace);
      if (!account.merchantId || !market) {
        throw new AppError('not_bound', t('errors.notBound', { name: account.name }));
      }
      const current = await currentTab();
      // Stay on the user's host when it serves the account's marketplace (e.g. .de for DE),
      // and on their page when it is an ordinary one, else go to the regional host's home.
      const hosts: readonly string[] = [market.host, ...market.altHosts];
      const host = current && hosts.includes(current.context.host) ? current.context.host : market.host;
      const currentPath = current?.context.path;
      const path =
        currentPath && !currentPath.startsWith('/ap/') && !currentPath.startsWith('/account-switcher/')
          ? currentPath
          : '/home';
      const url = switchUrl({
        host,
        path,
        merchantId: account.merchantId,
        marketplaceId: market.id,
        ...(account.partnerAccountId ? { partnerAccountId: account.partnerAccountId } : {}),
        ...(account.delegationContext ? { delegationContext: account.delegationContext } : {}),
      });
      const recordSwitch = (tabId: number) =>
        change((stored) => {
          stored.pendingSwitch = { tabId, host, returnTo: path, at: clock.now() };
        });
      let tabId: number;
      if (current) {
        tabId = current.tabId;
        // Recorded before the tab moves: the new page's report may come before update settles.
        await recordSwitch(tabId);
        await tabs.update(tabId, url);
      } else {
        tabId = await tabs.create(url);
        await recordSwitch(tabId);
      }
      return { url, tabId };
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
