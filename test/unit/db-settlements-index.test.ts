import Dexie from 'dexie';
import { describe, expect, it } from 'vitest';
import { SettlebridgeDb } from '../../lib/db';

const US = '11111111-1111-4111-8111-111111111111';

/** Version 2 exactly as it shipped (lib/db.ts before the Settlements page). */
function openVersion1(name: string) {
  const v1 = new Dexie(name);
  v1.version(1).stores({
    accounts: 'id, name, marketplace, merchantId, xeroConnectionId',
    xeroConnections: 'id, tenantId, status',
    mappings: 'id',
    settlements: 'key, accountId, settlementId, status',
    sends: '++seq, &idempotencyKey, state, nextAttemptAt, settlementKey, connectionId, jobId',
  });
  v1.version(2).stores({ settlements: 'key, accountId, settlementId, status, referenceId' });
  return v1;
}

const settlement = (id: string, periodEnd: unknown, status = 'sent') => ({
  key: `${US}:${id}`,
  accountId: US,
  settlementId: id,
  currency: 'USD',
  depositTotalMinor: '100',
  periodStart: '2025-01-01',
  periodEnd,
  depositDate: '2025-01-20',
  status,
  report: {},
  payloads: [],
  source: 'file',
  updatedAt: 1,
});

describe('SettlebridgeDb upgrade from version 2 (Settlements page indexes)', () => {
  it('keeps every record and indexes settlements by period end, per account and per status', async () => {
    const name = `upgrade-${crypto.randomUUID()}`;
    const v1 = openVersion1(name);
    await v1
      .table('settlements')
      .bulkPut([
        settlement('1', '2025-01-15'),
        settlement('2', '2025-03-15', 'failed'),
        settlement('3', '2025-02-15'),
      ]);
    await v1.table('sends').add({ idempotencyKey: 'k', settlementKey: `${US}:2`, state: 'failed' });
    v1.close();

    const db = new SettlebridgeDb(name);
    await db.open();
    expect(db.verno).toBe(3);
    expect(await db.sends.count()).toBe(1);
    expect(
      (await db.settlements.orderBy('periodEnd').reverse().toArray()).map((s) => s.settlementId),
    ).toEqual(['2', '3', '1']);
    const forAccount = await db.settlements
      .where('[accountId+periodEnd]')
      .between([US, ''], [US, '\uffff'])
      .primaryKeys();
    expect(forAccount).toHaveLength(3);
    expect(
      await db.settlements.where('[status+periodEnd]').between(['failed', ''], ['failed', '\uffff']).count(),
    ).toBe(1);
    db.close();
  });

  it('fails the upgrade, keeping version 2 and its data, when a settlement has no period end', async () => {
    const name = `upgrade-${crypto.randomUUID()}`;
    const v1 = openVersion1(name);
    await v1.table('settlements').bulkPut([settlement('1', '2025-01-15'), settlement('2', undefined)]);
    v1.close();

    const db = new SettlebridgeDb(name);
    await expect(db.open()).rejects.toThrow(/no period end/);
    db.close();
    const again = openVersion1(name);
    await again.open();
    expect(again.verno).toBe(2);
    expect(await again.table('settlements').count()).toBe(2);
    again.close();
  });
});
