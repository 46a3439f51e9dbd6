import Dexie from 'dexie';
import { describe, expect, it } from 'vitest';
import { SettlebridgeDb } from '../../lib/db';
import { Account } from '../../lib/record-schemas';

/** Version 1 exactly as it shipped, to write data the way an older extension did. */
function openVersion1(name: string) {
  const db = new Dexie(name);
  db.version(1).stores({
    accounts: 'id, name, marketplace, merchantId, xeroConnectionId',
    xeroConnections: 'id, tenantId, status',
    mappings: 'id',
    settlements: 'key, accountId, settlementId, status',
    sends: '++seq, &idempotencyKey, state, nextAttemptAt, settlementKey, connectionId, jobId',
  });
  return db;
}

const base = { marketplace: 'US', currency: 'USD', createdAt: 1, updatedAt: 1 };

describe('SettlebridgeDb version 2 (Seller Central ids)', () => {
  it('upgrades accounts stored by version 1: good ids kept, ids in no real format dropped', async () => {
    const name = `upgrade-${crypto.randomUUID()}`;
    const old = openVersion1(name);
    const short = { id: crypto.randomUUID(), name: 'Short id', ...base, merchantId: 'A1FIXTUREUS001' };
    const odd = {
      id: crypto.randomUUID(),
      name: 'Odd ids',
      ...base,
      merchantId: 'not-an-id',
      partnerAccountId: 'amzn1.pa.o.fixture-global-1',
      amazonAccountName: 'Acme Trading LLC',
    };
    await old.table('accounts').bulkAdd([short, odd]);
    old.close();

    const db = new SettlebridgeDb(name);
    const accounts = await db.accounts.toArray();
    // Opened at the latest version (3 adds the Settlements page indexes) after running version 2.
    expect(db.verno).toBe(3);
    const byName = Object.fromEntries(accounts.map((a) => [a.name, a]));
    expect(byName['Short id']).toEqual(short);
    expect(byName['Odd ids']).toEqual({
      id: odd.id,
      name: 'Odd ids',
      ...base,
      amazonAccountName: 'Acme Trading LLC',
    });
    // Every upgraded account passes today's schema, so nothing breaks when it is read.
    for (const a of accounts) expect(Account.safeParse(a).success).toBe(true);
    db.close();
  });

  it('finds settlements by the statements page referenceId', async () => {
    const db = new SettlebridgeDb(`ref-${crypto.randomUUID()}`);
    await db.settlements.put({
      key: 'a:1',
      accountId: crypto.randomUUID(),
      settlementId: '18004731211',
      referenceId: '52630017891',
      currency: 'USD',
      depositTotalMinor: '6259',
      periodStart: '',
      periodEnd: '',
      depositDate: '',
      status: 'new',
      report: {},
      payloads: [],
      source: '',
      updatedAt: 1,
    });
    expect((await db.settlements.where('referenceId').equals('52630017891').first())?.settlementId).toBe(
      '18004731211',
    );
    db.close();
  });
});

describe('SettlebridgeDb rows on read', () => {
  it('refuses a row damaged outside Settlebridge, naming its table and key, on the normal read path', async () => {
    const name = `damaged-${crypto.randomUUID()}`;
    const db = new SettlebridgeDb(name);
    const good = { id: crypto.randomUUID(), name: 'Acme US', ...base };
    await db.accounts.add(good as never);
    db.close();
    // Written with IndexedDB itself, under the schema check, as a damaged profile would hold it.
    await new Promise<void>((resolve, reject) => {
      const open = indexedDB.open(name);
      open.onerror = () => reject(open.error);
      open.onsuccess = () => {
        const tx = open.result.transaction('accounts', 'readwrite');
        tx.objectStore('accounts').put({ id: 'broken-1', name: 42, marketplace: 'US' });
        tx.oncomplete = () => {
          open.result.close();
          resolve();
        };
        tx.onerror = () => reject(tx.error);
      };
    });
    const reopened = new SettlebridgeDb(name);
    expect(Account.parse(await reopened.accounts.get(good.id))).toMatchObject({ name: 'Acme US' });
    await expect(reopened.accounts.get('broken-1')).rejects.toThrow(
      /stored accounts row "broken-1" is damaged/,
    );
    await expect(reopened.accounts.toArray()).rejects.toMatchObject({ code: 'stored_row_invalid' });
    reopened.close();
  });
});
