// One set of migrations and queries, two places to keep them: embedded PGlite in a data
// folder (a laptop needs no database server) or PostgreSQL when DATABASE_URL is set
// (several relay instances behind a load balancer).
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, type Migration, type MigrationProvider, Migrator, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { lockFolder } from './folder-lock';
import * as initial from './migrations/0001-initial';
import * as invoiceJobs from './migrations/0002-invoice-jobs';
import * as pendingConnections from './migrations/0003-pending-connections';
import * as orgLedger from './migrations/0004-org-ledger';
import { SerialPGliteDialect } from './pglite-dialect';
import type { Database } from './schema';

export type DialectName = 'pglite' | 'postgres';

export interface StoreDb {
  db: Kysely<Database>;
  dialect: DialectName;
  close(): Promise<void>;
}

export interface OpenDbOptions {
  /** postgres:// URL; when absent PGlite is used. */
  databaseUrl?: string;
  /** Schema inside the PostgreSQL database (created if missing). */
  schema?: string;
  /** PGlite data folder, or 'memory://' for a throwaway store. */
  dataDir?: string;
  poolSize?: number;
}

const migrations: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-invoice-jobs': invoiceJobs,
  '0003-pending-connections': pendingConnections,
  '0004-org-ledger': orgLedger,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

async function migrate(db: Kysely<Database>, schema?: string): Promise<void> {
  // Naming the schema matters: without it Kysely looks for its migration tables in *any*
  // schema, finds another relay's (or test run's) and then fails on this search_path.
  const { error, results } = await new Migrator({
    // biome-ignore lint/suspicious/noExplicitAny: the migrator works on the untyped schema.
    db: db as Kysely<any>,
    provider,
    ...(schema ? { migrationTableSchema: schema } : {}),
  }).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`Store migration ${failed} failed: ${(error as Error).message ?? String(error)}`);
  }
}

async function openPostgres(url: string, schema: string, poolSize: number): Promise<StoreDb> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`Invalid schema name "${schema}".`);
  // Two instances starting together must not both run migrations: a session advisory lock
  // keyed on the schema serialises them.
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query('select pg_advisory_lock(hashtext($1))', [`settlebridge-relay:${schema}`]);
    await admin.query(`create schema if not exists "${schema}"`);
    const pool = new pg.Pool({ connectionString: url, max: poolSize, options: `-c search_path="${schema}"` });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    try {
      await migrate(db, schema);
    } catch (e) {
      await db.destroy();
      throw e;
    }
    return { db, dialect: 'postgres', close: () => db.destroy() };
  } finally {
    await admin
      .query('select pg_advisory_unlock(hashtext($1))', [`settlebridge-relay:${schema}`])
      .catch(() => {});
    await admin.end();
  }
}

async function openPglite(dataDir: string): Promise<StoreDb> {
  let release = () => {};
  if (!dataDir.startsWith('memory://')) {
    mkdirSync(dataDir, { recursive: true });
    release = lockFolder(dataDir); // one writer per folder (store/folder-lock.ts)
  }
  let db: Kysely<Database> | undefined;
  try {
    const client = await PGlite.create(dataDir);
    db = new Kysely<Database>({ dialect: new SerialPGliteDialect(client) });
    await migrate(db);
  } catch (e) {
    await db?.destroy();
    release();
    throw e;
  }
  const opened = db;
  return {
    db: opened,
    dialect: 'pglite',
    close: async () => {
      try {
        await opened.destroy();
      } finally {
        release();
      }
    },
  };
}

export async function openDb(options: OpenDbOptions): Promise<StoreDb> {
  if (options.databaseUrl)
    return openPostgres(options.databaseUrl, options.schema ?? 'public', options.poolSize ?? 10);
  return openPglite(options.dataDir ?? '.data/relay');
}

export async function pingDb(db: Kysely<Database>): Promise<void> {
  await sql`select 1`.execute(db);
}
