// One writer per PGlite folder. PGlite is an embedded database: two processes opening the
// same folder each believe they own it and overwrite each other's pages (a `relay:rekey`
// run beside a serving relay lost connection rows). So whoever opens a folder — the relay
// or `relay:rekey` — first takes `relay.lock` in it, holding the process id and host. A lock
// whose process is gone (crash, SIGKILL, reboot) is stale and taken over.
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

export const LOCK_FILE = 'relay.lock';

export class FolderLockedError extends Error {
  override readonly name = 'FolderLockedError';
}

interface LockInfo {
  pid: number;
  host: string;
  since: string;
}

/** Folders this process holds, so a second open in the same process is refused too. */
const held = new Set<string>();

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

function readLock(path: string): LockInfo | undefined {
  try {
    const info = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockInfo>;
    return typeof info.pid === 'number' && typeof info.host === 'string'
      ? { pid: info.pid, host: info.host, since: String(info.since ?? '') }
      : undefined;
  } catch {
    return undefined; // unreadable or half-written: treated as stale
  }
}

/** Takes the folder's lock or throws FolderLockedError naming the holder; returns release(). */
export function lockFolder(dir: string): () => void {
  const path = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      const info: LockInfo = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
      writeSync(fd, JSON.stringify(info));
      closeSync(fd);
      held.add(path);
      return () => {
        held.delete(path);
        const now = readLock(path);
        if (now?.pid === process.pid) rmSync(path, { force: true });
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const holder = readLock(path);
    const isOurs = holder?.pid === process.pid && holder.host === hostname();
    const isLive =
      holder !== undefined && (isOurs ? held.has(path) : holder.host !== hostname() || isAlive(holder.pid));
    if (isLive) {
      throw new FolderLockedError(
        `The store folder ${dir} is in use by process ${holder.pid} on ${holder.host} (since ${holder.since}). ` +
          'Only one relay or relay:rekey may open a PGlite folder at a time: stop it first. ' +
          `If no such process is running, delete ${path}.`,
      );
    }
    rmSync(path, { force: true }); // stale: its process is gone
  }
  throw new FolderLockedError(`Could not take the lock ${path}; another process keeps taking it.`);
}
