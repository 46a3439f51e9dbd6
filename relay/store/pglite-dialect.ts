// A Kysely dialect for PGlite that serialises connections. kysely-pglite hands every caller
// the same PGlite client with no lock, so a transaction's BEGIN..COMMIT interleaves with
// unrelated concurrent queries (they silently run inside it). PGlite is one connection;
// modelling it as a pool of one keeps Kysely's transaction semantics true. Every statement
// passes here in order, so this is also where an in-process cache hears of writes
// (`onWrite`, store/auth-cache.ts).
import type { PGlite } from '@electric-sql/pglite';
import {
  CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryResult,
} from 'kysely';

export interface PGliteWriteWatch {
  /** Whether `sql` may change what the watcher keeps. */
  isRelevant(sql: string): boolean;
  /** Called before such a statement runs. */
  onWrite(): void;
}

class PGliteConnection implements DatabaseConnection {
  constructor(
    private readonly client: PGlite,
    private readonly watch?: PGliteWriteWatch,
  ) {}
  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    if (this.watch?.isRelevant(query.sql)) this.watch.onWrite();
    const res = await this.client.query<R>(query.sql, [...query.parameters]);
    return {
      rows: res.rows,
      numAffectedRows: res.affectedRows === undefined ? undefined : BigInt(res.affectedRows),
    };
  }
  // biome-ignore lint/correctness/useYield: PGlite cannot stream; Kysely requires the method.
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('PGlite does not support streaming queries.');
  }
}

class SerialPGliteDriver implements Driver {
  private queue: Promise<void> = Promise.resolve();
  private readonly connection: PGliteConnection;
  private release: (() => void) | undefined;

  constructor(
    private readonly client: PGlite,
    watch?: PGliteWriteWatch,
  ) {
    this.connection = new PGliteConnection(client, watch);
  }
  async init() {}
  async acquireConnection(): Promise<DatabaseConnection> {
    const previous = this.queue;
    let release!: () => void;
    this.queue = new Promise<void>((r) => {
      release = r;
    });
    await previous;
    this.release = release;
    return this.connection;
  }
  async releaseConnection() {
    const release = this.release;
    this.release = undefined;
    release?.();
  }
  async beginTransaction(c: DatabaseConnection) {
    await c.executeQuery(CompiledQuery.raw('begin'));
  }
  async commitTransaction(c: DatabaseConnection) {
    await c.executeQuery(CompiledQuery.raw('commit'));
  }
  async rollbackTransaction(c: DatabaseConnection) {
    await c.executeQuery(CompiledQuery.raw('rollback'));
  }
  async destroy() {
    await this.client.close();
  }
}

export class SerialPGliteDialect implements Dialect {
  constructor(
    private readonly client: PGlite,
    private readonly watch?: PGliteWriteWatch,
  ) {}
  createAdapter() {
    return new PostgresAdapter();
  }
  createDriver() {
    return new SerialPGliteDriver(this.client, this.watch);
  }
  createQueryCompiler() {
    return new PostgresQueryCompiler();
  }
  // biome-ignore lint/suspicious/noExplicitAny: Kysely's own dialects take Kysely<any> here.
  createIntrospector(db: Kysely<any>) {
    return new PostgresIntrospector(db);
  }
}
