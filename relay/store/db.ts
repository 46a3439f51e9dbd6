// One set of migrations and queries, two places to keep them: embedded PGlite in a data
// folder (a laptop needs no database server) or PostgreSQL when DATABASE_URL is set
// (several relay instances behind a load balancer).
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, type Migration, type MigrationProvider, Migrator, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { AuthCache, writesAuthTables } from './auth-cache';
import { lockFolder } from './folder-lock';
import * as initial from './migrations/0001-initial';
import * as invoiceJobs from './migrations/0002-invoice-jobs';
import * as pendingConnections from './migrations/0003-pending-connections';
import * as orgLedger from './migrations/0004-org-ledger';
import * as invoiceAttachments from './migrations/0005-invoice-attachments';
import * as tenantChoice from './migrations/0006-tenant-choice';
import * as orgItems from './migrations/0007-org-items';
import { SerialPGliteDialect } from './pglite-dialect';
import { ProofMemory, saveProofs, takeSavedProofs } from './proof-memory';
import type { Database } from './schema';

export type DialectName = 'pglite' | 'postgres';

export interface StoreDb {
  db: Kysely<Database>;
  dialect: DialectName;
  /** PGlite only: what authentication reads, kept exact by the dialect (store/auth-cache.ts). */
  authCache?: AuthCache;
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
  /** Default 'apply'. */
  migrations?: MigrationMode;
}

const migrations: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-invoice-jobs': invoiceJobs,
  '0003-pending-connections': pendingConnections,
  '0004-org-ledger': orgLedger,
  '0005-invoice-attachments': invoiceAttachments,
  '0006-tenant-choice': tenantChoice,
  '0007-org-items': orgItems,
};

/** Every migration this relay knows, oldest first. */
export const MIGRATION_NAMES = Object.keys(migrations).sort();

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** The store's schema is older than this relay and MIGRATE_ON_START is off. */
export class SchemaOutOfDateError extends Error {
  override readonly name = 'SchemaOutOfDateError';
  constructor(readonly pending: string[]) {
    super(
      `The store's schema is out of date (pending migrations: ${pending.join(', ')}). ` +
        'Run `npm run relay:migrate` (or `node dist/relay/migrate.js`) with the same DATABASE_URL and ' +
        'DATABASE_SCHEMA first, or set MIGRATE_ON_START=1. Nothing was changed.',
    );
  }
}

// Naming the schema matters: without it Kysely looks for its migration tables in *any*
// schema, finds another relay's (or test run's) and then fails on this search_path.
const migrator = (db: Kysely<Database>, schema?: string) =>
  new Migrator({
    // biome-ignore lint/suspicious/noExplicitAny: the migrator works on the untyped schema.
    db: db as Kysely<any>,
    provider,
    ...(schema ? { migrationTableSchema: schema } : {}),
  });

async function migrate(db: Kysely<Database>, schema?: string): Promise<string[]> {
  const { error, results } = await migrator(db, schema).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`Store migration ${failed} failed: ${(error as Error).message ?? String(error)}`);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

async function pendingMigrations(db: Kysely<Database>, schema?: string): Promise<string[]> {
  const all = await migrator(db, schema).getMigrations();
  return all.filter((m) => m.executedAt === undefined).map((m) => m.name);
}

/** What opening the store does to its schema: bring it up to date, or refuse an old one. */
export type MigrationMode = 'apply' | 'require-current';

async function prepare(db: Kysely<Database>, mode: MigrationMode, schema?: string): Promise<string[]> {
  if (mode === 'apply') return migrate(db, schema);
  const pending = await pendingMigrations(db, schema);
  if (pending.length > 0) throw new SchemaOutOfDateError(pending);
  return [];
}

async function openPostgres(
  url: string,
  schema: string,
  poolSize: number,
  mode: MigrationMode,
): Promise<StoreDb & { applied: string[] }> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`Invalid schema name "${schema}".`);
  // Several instances (or `relay:migrate` run by several deploy jobs) starting together must
  // not migrate at once: a session advisory lock keyed on the schema serialises them, and
  // whoever comes second finds nothing left to apply.
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    if (mode === 'apply') {
      await admin.query('select pg_advisory_lock(hashtext($1))', [`settlebridge-relay:${schema}`]);
      await admin.query(`create schema if not exists "${schema}"`);
    }
    const pool = new pg.Pool({ connectionString: url, max: poolSize, options: `-c search_path="${schema}"` });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    let applied: string[];
    try {
      applied = await prepare(db, mode, schema);
    } catch (e) {
      await db.destroy();
      throw e;
    }
    return { db, dialect: 'postgres', applied, close: () => db.destroy() };
  } finally {
    if (mode === 'apply') {
      await admin
        .query('select pg_advisory_unlock(hashtext($1))', [`settlebridge-relay:${schema}`])
        .catch(() => {});
    }
    await admin.end();
  }
}

async function openPglite(dataDir: string, mode: MigrationMode): Promise<StoreDb & { applied: string[] }> {
  let release = () => {};
  const isFolder = !dataDir.startsWith('memory://');
  if (isFolder) {
    mkdirSync(dataDir, { recursive: true });
    release = lockFolder(dataDir); // one writer per folder (store/folder-lock.ts)
  }
  // Whoever owned the folder before has stopped by now.
  const startedAt = Date.now();
  let db: Kysely<Database> | undefined;
  let applied: string[];
  let authCache: AuthCache | undefined;
  try {
    const client = await PGlite.create(dataDir);
    db = new Kysely<Database>({
      dialect: new SerialPGliteDialect(client, {
        isRelevant: writesAuthTables,
        onWrite: () => authCache?.invalidate(),
      }),
    });
    applied = await prepare(db, mode);
    // A folder created just now has never accepted a proof.
    const isNew = !isFolder || applied.includes(MIGRATION_NAMES[0]!);
    authCache = new AuthCache(await openProofMemory(db, startedAt, isNew ? undefined : dataDir));
  } catch (e) {
    await db?.destroy();
    release();
    throw e;
  }
  const opened = db;
  const { proofs } = authCache;
  return {
    db: opened,
    dialect: 'pglite',
    authCache,
    applied,
    close: async () => {
      try {
        // Before the lock goes: the next owner refuses these proofs as this process did.
        const accepted = proofs.stop(Date.now());
        if (isFolder) saveProofs(dataDir, accepted);
        await opened.destroy();
      } finally {
        release();
      }
    },
  };
}

/**
 * The jtis a PGlite folder's previous owner accepted: those it wrote at a clean stop and the
 * table's unexpired rows. Without that file, proofs made before `startedAt` (taken once the
 * folder's lock is held: the previous owner has stopped) are refused (store/proof-memory.ts).
 * `dir` undefined: nobody owned this store before (memory://, or a folder created now).
 */
async function openProofMemory(
  db: Kysely<Database>,
  startedAt: number,
  dir: string | undefined,
): Promise<ProofMemory> {
  const saved = dir === undefined ? [] : takeSavedProofs(dir);
  const proofs = new ProofMemory(saved === undefined ? startedAt : 0, startedAt);
  for (const [key, exp] of saved ?? []) proofs.remember(key, exp);
  const rows = await db
    .selectFrom('dpop_proofs')
    .select(['install_id', 'jti', 'expires_at'])
    .where('expires_at', '>=', startedAt)
    .execute();
  for (const r of rows) proofs.remember(ProofMemory.key(r.install_id, r.jti), Number(r.expires_at));
  return proofs;
}

/** Opens the store; `applied` names the migrations this call ran (empty when current). */
export async function openDb(options: OpenDbOptions): Promise<StoreDb & { applied: string[] }> {
  const mode = options.migrations ?? 'apply';
  if (options.databaseUrl)
    return openPostgres(options.databaseUrl, options.schema ?? 'public', options.poolSize ?? 10, mode);
  return openPglite(options.dataDir ?? '.data/relay', mode);
}

export async function pingDb(db: Kysely<Database>): Promise<void> {
  await sql`select 1`.execute(db);
}
