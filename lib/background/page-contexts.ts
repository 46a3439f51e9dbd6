import type { Handlers } from '../messages';
import type { PageContext } from '../page-context';

/**
 * What each Seller Central tab last reported. Kept in `storage.session` (memory only,
 * cleared with the browser) because the service worker may be stopped between messages.
 */
export interface SessionArea {
  get(key: string): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
}

const KEY = 'pageContexts';

interface Stored {
  byTab: Record<string, PageContext & { at: number }>;
  lastTabId?: number;
}

export function createPageContextHandlers(
  session: SessionArea,
  activeTabId: () => Promise<number | undefined>,
  clock: { now(): number } = Date,
): Pick<Handlers, 'page/report' | 'page/current'> & { forgetTab(tabId: number): Promise<void> } {
  const read = async (): Promise<Stored> =>
    ((await session.get(KEY))[KEY] as Stored | undefined) ?? { byTab: {} };

  return {
    'page/report': async (context, { tabId }) => {
      if (tabId === undefined) return {};
      const stored = await read();
      stored.byTab[String(tabId)] = { ...context, at: clock.now() };
      stored.lastTabId = tabId;
      await session.set({ [KEY]: stored });
      return {};
    },

    'page/current': async () => {
      const stored = await read();
      const active = await activeTabId();
      const pick =
        (active !== undefined ? stored.byTab[String(active)] : undefined) ??
        (stored.lastTabId !== undefined ? stored.byTab[String(stored.lastTabId)] : undefined);
      if (!pick) return { context: null };
      const { at: _at, ...context } = pick;
      return { context };
    },

    async forgetTab(tabId) {
      const stored = await read();
      delete stored.byTab[String(tabId)];
      if (stored.lastTabId === tabId) delete stored.lastTabId;
      await session.set({ [KEY]: stored });
    },
  };
}
