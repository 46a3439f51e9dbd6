// The DPoP proofs (install id + jti) a PGlite relay has accepted, kept in memory so that an
// authenticated request costs no store statement at all. Exact because one process owns a
// PGlite folder (store/folder-lock.ts; `memory://` belongs to its process), so no other
// instance can accept a proof behind this one's back. What remains is a restart:
//  - A clean stop (StoreDb.close) writes the unexpired jtis to PROOFS_FILE in the folder
//    (written aside, fsynced, renamed); the next open reads it, deletes it (durably, before
//    it accepts anything) and refuses those proofs as before.
//  - A proof whose iat lies in the future goes to the dpop_proofs table before the request
//    goes on (as every proof did before): it may be replayed after a crash until its iat
//    plus MAX_SKEW, later than anything below can refuse. The table's unexpired rows are
//    loaded at open.
//  - So a proof kept only here has iat <= the moment it was accepted. After a stop that
//    wrote no file (crash, kill, power loss, deadline passed), the next open refuses every
//    proof with iat before its own start (`unknownBefore`): each one the lost process
//    accepted is among them. The cost: for MAX_SKEW after such a restart, a client whose
//    clock runs behind is refused until its iat passes the start (new proofs from a client
//    with a correct clock are made after the start and pass). This assumes the wall clock
//    does not step back across the restart.
// PostgreSQL is shared by instances that never see each other's memory: there every jti is
// inserted into dpop_proofs by the statement that authenticates (Store.authenticate).
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const PROOFS_FILE = 'proofs-at-stop.json';

/** Past this many live jtis, new ones go to the table instead (memory stays bounded). */
const MEMORY_MAX = 500_000;
const SWEEP_EVERY_MS = 30_000;

export class ProofMemory {
  private readonly seen = new Map<string, number>();
  private sweptAt: number;
  private stopped = false;

  constructor(
    /** Proofs with an iat (ms) before this may have been accepted by a process whose jtis are lost. */
    readonly unknownBefore: number,
    nowMs: number,
  ) {
    this.sweptAt = nowMs;
  }

  static key(installId: string, jti: string): string {
    // An install id is a base64url thumbprint: it holds no space, so the key is unambiguous.
    return `${installId} ${jti}`;
  }

  get isFull(): boolean {
    return this.seen.size >= MEMORY_MAX;
  }

  /**
   * Records `key` until `expiresAt`; false when it was seen before (a replay). Synchronous,
   * so two requests carrying the same proof cannot both pass.
   */
  record(key: string, expiresAt: number, nowMs: number): boolean {
    if (this.stopped) throw new Error('The store is closed; no proof can be accepted.');
    if (nowMs - this.sweptAt >= SWEEP_EVERY_MS) {
      this.sweptAt = nowMs;
      for (const [k, exp] of this.seen) if (exp < nowMs) this.seen.delete(k);
    }
    const known = this.seen.get(key);
    if (known !== undefined && known >= nowMs) return false;
    this.seen.set(key, expiresAt);
    return true;
  }

  /** Loads a jti accepted before (from PROOFS_FILE or the table). */
  remember(key: string, expiresAt: number): void {
    const known = this.seen.get(key);
    if (known === undefined || known < expiresAt) this.seen.set(key, expiresAt);
  }

  /** Stops accepting and returns what is unexpired, to write at a clean stop. */
  stop(nowMs: number): [string, number][] {
    this.stopped = true;
    return [...this.seen].filter(([, exp]) => exp >= nowMs);
  }
}

interface SavedProofs {
  v: 1;
  proofs: [string, number][];
}

/** Flushes a file's or a folder's entry (a rename, a delete) to disk. */
function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads and durably deletes what the previous owner of `dir` wrote at a clean stop.
 * `undefined` when it wrote nothing (first start, crash) or the file is unreadable.
 */
export function takeSavedProofs(dir: string): [string, number][] | undefined {
  const path = join(dir, PROOFS_FILE);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  // Gone before anything is accepted: a later crash must not find it and trust it.
  rmSync(path, { force: true });
  fsyncPath(dir);
  try {
    const saved = JSON.parse(text) as Partial<SavedProofs>;
    if (saved.v !== 1 || !Array.isArray(saved.proofs)) return undefined;
    return saved.proofs.filter(
      (p): p is [string, number] => Array.isArray(p) && typeof p[0] === 'string' && typeof p[1] === 'number',
    );
  } catch {
    return undefined;
  }
}

/** Writes the jtis for the next owner: aside, fsynced, then renamed into place. */
export function saveProofs(dir: string, proofs: [string, number][]): void {
  const path = join(dir, PROOFS_FILE);
  const aside = `${path}.${process.pid}.tmp`;
  const body: SavedProofs = { v: 1, proofs };
  writeFileSync(aside, JSON.stringify(body), { mode: 0o600 });
  fsyncPath(aside);
  renameSync(aside, path);
  fsyncPath(dir);
}
