/**
 * Everything the extension keeps in the browser, named once: the two IndexedDB databases, the
 * main database's tables and every item in extension storage, each with the schema its stored
 * value is checked against whenever it is read. An item that no longer passes (an older shape,
 * a damaged profile) reads as the item's fallback; a table row that no longer passes is
 * refused with an error naming its table and key (lib/db.ts), instead of reaching the code
 * that trusts it.
 *
 * No Xero token or secret is ever among them: the relay owns those.
 *
 * Besides these, two extension pages keep their last known list in the extension origin's
 * localStorage, which only extension pages can read (lib/last-known.ts): the popup under
 * `settlebridge.popup-snapshot` (lib/popup-snapshot.ts) and the Settlements page under
 * `settlebridge.settlements-snapshot` (lib/settlements-snapshot.ts). Their keys stay in those
 * modules so the pages do not load zod and these schemas to read them before first paint.
 *
 * Pure on purpose (zod and schemas only), so Node tools and tests can import the names;
 * `storedItem` binds an item to WXT's storage where the background creates it.
 */
import { z } from 'zod';
import { PageContext } from './page-context';
import { Account, Mapping, Send, Settlement, XeroConnection } from './record-schemas';
import { Settings } from './settings';

/** IndexedDB databases, one each per browser profile. */
export const DATABASES = {
  /** Accounts, connections, mappings, settlements and sends (lib/db.ts, Dexie). */
  main: 'settlebridge',
  /** The install's non-extractable signing key (lib/install-key.ts). */
  installKey: 'settlebridge-keys',
} as const;

/** The main database's tables (lib/db.ts) and the schema each row is checked against on read. */
export const TABLES = {
  accounts: Account,
  xeroConnections: XeroConnection,
  mappings: Mapping,
  settlements: Settlement,
  sends: Send,
} as const;

export interface StoredItemSpec<S extends z.ZodType> {
  /** `local` survives restarts; `session` lasts while the browser runs (not written to disk). */
  area: 'local' | 'session';
  key: string;
  schema: S;
  /** What a missing or invalid value reads as. */
  fallback: z.output<S>;
}

const item = <S extends z.ZodType>(spec: StoredItemSpec<S>) => spec;

/** What the background remembers of each Seller Central tab between service-worker restarts. */
export const SellerCentralTabs = z.object({
  byTab: z.record(z.string(), PageContext.extend({ at: z.number() })),
  lastTabId: z.number().int().optional(),
  pendingSwitch: z
    .object({ tabId: z.number().int(), host: z.string(), returnTo: z.string(), at: z.number() })
    .optional(),
});
export type SellerCentralTabs = z.infer<typeof SellerCentralTabs>;

export const storageItems = {
  /** The relay address; unset until the seller saves one (the UI then names the default). */
  settings: item({ area: 'local', key: 'settings', schema: Settings.optional(), fallback: undefined }),
  /**
   * The seller's language choice (Settings → Language); unset follows the browser. Read and
   * written by lib/i18n.ts as LANGUAGE_STORAGE_KEY, which keeps zod out of the popup bundle.
   */
  language: item({
    area: 'local',
    key: 'language',
    schema: z.enum(['en', 'de', 'fr', 'it', 'es', 'ja']).optional(),
    fallback: undefined,
  }),
  /** Browser notifications for failed sends and lost connections; the user can turn them off. */
  notifyProblems: item({ area: 'local', key: 'notifyProblems', schema: z.boolean(), fallback: true }),
  /** Problems already announced, so each is announced once, across worker restarts. */
  announcedProblems: item({
    area: 'local',
    key: 'announcedProblems',
    schema: z.array(z.string()),
    fallback: [],
  }),
  sellerCentralTabs: item({
    area: 'session',
    key: 'sellerCentralTabs',
    schema: SellerCentralTabs,
    fallback: { byTab: {} },
  }),
};

/** A stored value checked against its item's schema: the value, or the fallback. */
export function readStored<S extends z.ZodType>(spec: StoredItemSpec<S>, raw: unknown): z.output<S> {
  const parsed = raw === undefined || raw === null ? undefined : spec.schema.safeParse(raw);
  // A copy: callers change what they read before writing it back.
  return parsed?.success ? parsed.data : structuredClone(spec.fallback);
}

/** The part of WXT's `storage` an item needs. */
export interface ItemStorage {
  defineItem<T>(
    key: `${'local' | 'session'}:${string}`,
    options: { version: number },
  ): { getValue(): Promise<T | null>; setValue(value: T): Promise<void> };
}

/** An item bound to WXT's storage, validated on every read. */
export function storedItem<S extends z.ZodType>(storage: ItemStorage, spec: StoredItemSpec<S>) {
  const bound = storage.defineItem<z.input<S>>(`${spec.area}:${spec.key}`, { version: 1 });
  return {
    get: async (): Promise<z.output<S>> => readStored(spec, await bound.getValue()),
    set: (value: z.input<S>) => bound.setValue(value),
  };
}
