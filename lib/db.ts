/**
 * The extension's database. Dexie over IndexedDB, one database per browser profile.
 *
 * Versions are append-only: a shipped `db.version(n)` is never edited. A change adds
 * `version(n + 1)` with its `upgrade()` and a test that opens the previous schema first.
 */
import Dexie, { type EntityTable } from 'dexie';
import { AppError } from './errors';
import {
  type Account,
  type Mapping,
  type Send,
  type Settlement,
  upgradeStoredAccountIds,
  type XeroConnection,
} from './record-schemas';
import { DATABASES, TABLES } from './storage';

export const DB_NAME = DATABASES.main;

export class SettlebridgeDb extends Dexie {
  accounts!: EntityTable<Account, 'id'>;
  xeroConnections!: EntityTable<XeroConnection, 'id'>;
  mappings!: EntityTable<Mapping, 'id'>;
  settlements!: EntityTable<Settlement, 'key'>;
  sends!: EntityTable<Send, 'seq'>;

  constructor(name: string = DB_NAME) {
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
    // (record-schemas.ts); a stored id that does not is dropped so the account asks to be connected
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
    // Version 3: the Settlements page lists newest first and pages through IndexedDB's own
    // indexes, so a first screen reads 50 records rather than every settlement (with its
    // source file). Only indexes are added; records keep their shape, so the upgrade has
    // nothing to rewrite: it checks that every settlement can be indexed by its period end,
    // and fails the upgrade (keeping version 2) rather than silently hiding one.
    this.version(3)
      .stores({
        settlements:
          'key, accountId, settlementId, status, referenceId, periodEnd, [accountId+periodEnd], [status+periodEnd]',
      })
      .upgrade(async (tx) => {
        const unindexable = await tx
          .table<Settlement, string>('settlements')
          .filter((s) => typeof s.periodEnd !== 'string')
          .primaryKeys();
        if (unindexable.length) {
          throw new Error(
            `Settlements ${unindexable.slice(0, 5).join(', ')} have no period end and could not be indexed; the database was left at version 2.`,
          );
        }
      });

    // Every row is checked against its record schema as it is read (lib/storage.ts names the
    // tables and their schemas): a damaged row fails here, naming its table and key, instead
    // of deep in the page that trusted it. The row itself is returned, unchanged.
    for (const [table, schema] of Object.entries(TABLES)) {
      const primaryKey = table === 'settlements' ? 'key' : table === 'sends' ? 'seq' : 'id';
      this.table(table).hook('reading', (row: Record<string, unknown> | undefined) => {
        // A lookup that found nothing passes through as nothing; an upgrade reads rows in the
        // shape of the version it upgrades from, so it checks them itself.
        if (row === undefined || row === null || Dexie.currentTransaction?.idbtrans?.mode === 'versionchange')
          return row;
        const parsed = schema.safeParse(row);
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          throw new AppError(
            'stored_row_invalid',
            `The stored ${table} row ${JSON.stringify(row[primaryKey])} is damaged (${issue?.path.join('.') || 'row'}: ${issue?.message}); Settlebridge cannot read it.`,
          );
        }
        return row;
      });
    }
  }
}

let shared: SettlebridgeDb | undefined;

/** The profile's database, opened lazily so importing this module has no side effect. */
export function getDb(): SettlebridgeDb {
  shared ??= new SettlebridgeDb();
  return shared;
}
