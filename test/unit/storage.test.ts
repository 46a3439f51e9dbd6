import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../lib/background/clock';
import { createSellerCentralHandlers, type TabsPort } from '../../lib/background/seller-central';
import { DB_NAME } from '../../lib/db';
import { DATABASES, readStored, storageItems, storedItem } from '../../lib/storage';

const root = join(import.meta.dirname, '../..');
const files = (dir: string): string[] =>
  readdirSync(join(root, dir)).flatMap((name) => {
    const path = join(dir, name);
    return statSync(join(root, path)).isDirectory() ? files(path) : /\.tsx?$/.test(name) ? [path] : [];
  });

/** WXT's storage as it behaves: a missing item reads as null. */
function memoryStorage() {
  const data = new Map<string, unknown>();
  return {
    data,
    defineItem<T>(key: string, _options: { version: number }) {
      return {
        getValue: async () => (data.has(key) ? (structuredClone(data.get(key)) as T) : null),
        setValue: async (value: T) => void data.set(key, structuredClone(value)),
      };
    },
  };
}

describe('storage registry', () => {
  it('reads a stored value that no longer fits its schema as the fallback', async () => {
    const storage = memoryStorage();
    const notify = storedItem(storage, storageItems.notifyProblems);
    expect(await notify.get()).toBe(true);
    await notify.set(false);
    expect(await notify.get()).toBe(false);
    storage.data.set('local:notifyProblems', 'yes');
    expect(await notify.get()).toBe(true);

    const announced = storedItem(storage, storageItems.announcedProblems);
    storage.data.set('local:announcedProblems', [1, 2]);
    expect(await announced.get()).toEqual([]);
    expect(readStored(storageItems.settings, { relayUrl: 42 })).toBeUndefined();
  });

  it('hands out a fresh fallback each time, so a change to one read never leaks into the next', () => {
    const first = readStored(storageItems.sellerCentralTabs, undefined);
    first.byTab['1'] = { host: 'sellercentral.amazon.com', recognised: true, at: 1 };
    expect(readStored(storageItems.sellerCentralTabs, undefined)).toEqual({ byTab: {} });
  });

  it('forgets damaged Seller Central tab state instead of trusting it', async () => {
    const session = {
      data: {
        sellerCentralTabs: { byTab: { 7: { host: 'evil.example', recognised: 'yes', at: 1 } }, lastTabId: 7 },
      },
      get: async (key: string) => ({ [key]: (session.data as Record<string, unknown>)[key] }),
      set: async (items: Record<string, unknown>) => void Object.assign(session.data, items),
    };
    const tabs: TabsPort = {
      activeTabId: async () => 7,
      update: async () => {},
      create: async () => 1,
      setBadge: async () => {},
    };
    const sc = createSellerCentralHandlers({ session, tabs, clock: systemClock });
    expect(await sc.currentContext()).toBeNull();
  });

  it('names every item and database once, and nothing else in the extension names one', () => {
    const names = Object.values(storageItems).map((i) => `${i.area}:${i.key}`);
    expect(new Set(names).size).toBe(names.length);
    expect(DB_NAME).toBe(DATABASES.main);
    expect(new Set(Object.values(DATABASES)).size).toBe(Object.keys(DATABASES).length);

    const naming = /['"`](local|session|sync):\w|\.defineItem\(|new Dexie\(|\.open\(\s*['"]/;
    const offenders = ['lib', 'entrypoints', 'components']
      .flatMap(files)
      .filter((f) => f !== join('lib', 'storage.ts'))
      .filter((f) => naming.test(readFileSync(join(root, f), 'utf8')));
    expect(offenders).toEqual([]);
  });
});
