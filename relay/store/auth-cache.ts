// What authentication reads of the store (which installs are registered, a connection's row
// and its granted accounts), kept in memory, for the PGlite store only. There it is exact:
//  - one process writes the folder (store/folder-lock.ts; `memory://` belongs to its process),
//  - every statement passes one by one through the PGlite dialect (store/pglite-dialect.ts),
//    which calls `invalidate` before it runs any statement that can change installs,
//    connections or grants (`writesAuthTables`), whoever sent it (a Store method, a
//    transaction, a migration, a test writing the tables directly), and
//  - a read is kept only when no such statement started since the read was asked for
//    (`generation`), so a read that raced a write is used once and then forgotten.
// A statement that ran inside a transaction later rolled back only costs a re-read. So an
// answer from here is what the store held when the request asked: a disconnect, a withdrawn
// grant or a removed install is seen by the next request. PostgreSQL is shared by several
// instances whose writes this process never sees, so there authentication reads the store
// on every request (Store.authenticate) and no AuthCache exists.
// The same process also keeps the proofs' jtis it accepted (store/proof-memory.ts).
import { ProofMemory } from './proof-memory';
import type { ConnectionRow } from './queries';

export interface CachedConnection {
  readonly row: Readonly<ConnectionRow>;
  readonly accountIds: readonly string[];
}

/** Bounds, so a flood of installs cannot grow the process: past them the cache starts over. */
const INSTALLS_MAX = 100_000;
const CONNECTIONS_MAX = 20_000;

export class AuthCache {
  private generation = 0;
  private readonly installs = new Set<string>();
  private readonly connections = new Map<string, CachedConnection>();

  constructor(
    /** The jtis accepted by this process (never invalidated: a write changes no proof). */
    readonly proofs: ProofMemory = new ProofMemory(0, Date.now()),
  ) {}

  /** Take before asking the store; hand back to `remember` with what it answered. */
  get snapshot(): number {
    return this.generation;
  }

  isInstall(installId: string): boolean {
    return this.installs.has(installId);
  }

  connection(connectionId: string): CachedConnection | undefined {
    return this.connections.get(connectionId);
  }

  /**
   * Keeps what a read found (only positive answers: an unknown install or connection is
   * asked of the store each time), unless a write to these tables started since `snapshot`.
   */
  remember(
    snapshot: number,
    found: { installId?: string; connectionId?: string; connection?: CachedConnection },
  ): void {
    if (snapshot !== this.generation) return;
    if (found.installId !== undefined) {
      if (this.installs.size >= INSTALLS_MAX) this.installs.clear();
      this.installs.add(found.installId);
    }
    if (found.connectionId !== undefined && found.connection) {
      if (this.connections.size >= CONNECTIONS_MAX) this.connections.clear();
      Object.freeze(found.connection.row);
      Object.freeze(found.connection.accountIds);
      this.connections.set(found.connectionId, found.connection);
    }
  }

  /** A statement that may change installs, connections or grants is about to run. */
  invalidate(): void {
    this.generation++;
    this.installs.clear();
    this.connections.clear();
  }
}

/**
 * Whether a statement may change installs, connections or grants: it inserts into, updates,
 * deletes from, truncates, alters or drops one of them (a table whose rows reference them
 * cascades only from them, so writing it changes nothing here). Deliberately wide: a false
 * "yes" costs a re-read, a false "no" would serve a stale answer.
 */
export function writesAuthTables(statement: string): boolean {
  return AUTH_TABLE_WRITE.test(statement);
}

const AUTH_TABLE_WRITE =
  /\b(?:insert\s+into|update|delete\s+from|truncate(?:\s+table)?|alter\s+table|drop\s+table|merge\s+into|copy)\s+(?:only\s+)?(?:if\s+exists\s+)?(?:"?\w+"?\s*\.\s*)?"?(?:installs|connections|grants)"?(?!\w)/i;
