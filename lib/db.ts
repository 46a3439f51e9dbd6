/**
 * The extension's database. Dexie over IndexedDB, one database per browser profile.
 *
 * Versions are append-only: a shipped `db.version(n)` is never edited. A change adds
 * `version(n + 1)` with its `upgrade()` and a test that opens the previous schema first.
 */
import Dexie, { type EntityTable } from 'dexie';
import {
  type Account,
  type Mapping,
  type Send,
  type Settlement,
  upgradeStoredAccountIds,
  type XeroConnection,
} from './records';

export const DB_NAME = 'settlebridge';

export class SettlebridgeDb extends Dexie {
  accounts!: EntityTable<Account, 'id'>;
  xeroConnections!: EntityTable<XeroConnection, 'id'>;
  mappings!: EntityTable<Mapping, 'id'>;
  settlements!: EntityTable<Settlement, 'key'>;
  sends!: EntityTable<Send, 'seq'>;

  constructor(name = DB_NAME) {
    // Strict durability: an intent to send must be on disk before any network call, or a
    // crash could lose it (Chrome defaults to relaxed, which may lose the last commits).
    super(name, { chromeTransactionDurability: 'strict' });
    this.version(1).stores({
      accounts: 'id, name, marketplace, merchantId, xeroConnectionId',
      xeroConnections: 'id, tenantId, status',
      mappings: 'id',
      settlements: 'key, accountId, settlementId, status',
      sends: '++seq, &idempotencyKey, state, nextAttemptAt, settlementKey, connectionId, jobId',
    });

    // ---- Seller Central ids (version 2) --------------------------------------------------
    // Accounts: merchant and partner account ids now follow Amazon's real formats
    // (records.ts); a stored id that does not is dropped so the account asks to be connected
    // to Amazon again. Settlements: indexed by the statements page's referenceId.
    this.version(2)
      .stores({ settlements: 'key, accountId, settlementId, status, referenceId' })
      .upgrade(async (tx) => {
        await tx
          .table('accounts')
          .toCollection()
          .modify((account: Record<string, unknown>, ref: { value: Record<string, unknown> }) => {
            ref.value = upgradeStoredAccountIds(account);
          });
      });
    // ---------------------------------------------------------------------------------------
  }
}

let shared: SettlebridgeDb | undefined;

/** The profile's database, opened lazily so importing this module has no side effect. */
export function getDb(): SettlebridgeDb {
  shared ??= new SettlebridgeDb();
  return shared;
}
