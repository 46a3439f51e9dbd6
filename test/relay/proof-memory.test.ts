// On PGlite the relay remembers accepted DPoP jtis in memory (relay/store/proof-memory.ts).
// A restart must not open a replay window: after a clean stop the next start knows every
// jti; after a crash it refuses what it cannot know.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDb, type StoreDb } from '../../relay/store/db';
import { PROOFS_FILE } from '../../relay/store/proof-memory';
import { Store } from '../../relay/store/queries';
import { tempDir } from './harness';

const open = async (dir: string): Promise<{ storeDb: StoreDb; store: Store }> => {
  const storeDb = await openDb({ dataDir: dir });
  return { storeDb, store: new Store(storeDb.db, storeDb.dialect, storeDb.authCache) };
};

/** A proof made `ageSeconds` ago (by the client's clock), checked now. */
const proof = (jti: string, ageSeconds = 1) => {
  const nowMs = Date.now();
  return {
    installId: 'install-1',
    jti,
    iat: Math.floor(nowMs / 1000) - ageSeconds,
    nowMs,
    expiresAt: nowMs + 120_000,
  };
};

describe('PGlite remembers accepted proofs across restarts', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir('proof-memory-');
  });
  afterEach(() => dir.remove());

  it('after a clean stop: refuses the jtis the previous process accepted, and nothing else', async () => {
    const first = await open(dir.path);
    await first.store.registerInstall('install-1', '{}', Date.now());
    expect((await first.store.authenticate(proof('used-before-stop'))).isFresh).toBe(true);
    await first.storeDb.close();
    expect(existsSync(join(dir.path, PROOFS_FILE))).toBe(true);

    const second = await open(dir.path);
    try {
      // Consumed at once, so a crash of this process cannot make it trusted again.
      expect(existsSync(join(dir.path, PROOFS_FILE))).toBe(false);
      expect(await second.store.authenticate(proof('used-before-stop'))).toMatchObject({
        isInstall: true,
        isFresh: false,
      });
      expect((await second.store.authenticate(proof('used-before-stop'))).madeBeforeStart).toBeUndefined();
      // A client whose clock runs 20 s behind is not refused: nothing was lost.
      expect((await second.store.authenticate(proof('new-but-behind', 20))).isFresh).toBe(true);
    } finally {
      await second.storeDb.close();
    }
  });

  it('after a crash: refuses proofs made before the start and those it persisted, accepts new ones', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/relay/proof-memory-child.ts', dir.path], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += String(d);
    });
    const signal = await new Promise((resolve) => child.once('exit', (_code, sig) => resolve(sig)));
    expect(signal).toBe('SIGKILL');
    const accepted = JSON.parse(out) as {
      past: boolean;
      future: boolean;
      pastIat: number;
      futureIat: number;
    };
    expect(accepted).toMatchObject({ past: true, future: true });
    expect(existsSync(join(dir.path, PROOFS_FILE))).toBe(false);

    const after = await open(dir.path);
    try {
      // Its jti died with the process: the same proof again is refused because it was made
      // before this start.
      expect(
        await after.store.authenticate({ ...proof('made-before-crash'), iat: accepted.pastIat }),
      ).toMatchObject({ isFresh: false, madeBeforeStart: true });
      // Its iat lies after this start, so only the table (written before it was accepted) knows it.
      const future = await after.store.authenticate({ ...proof('from-the-future'), iat: accepted.futureIat });
      expect(future).toMatchObject({ isInstall: true, isFresh: false });
      expect(future.madeBeforeStart).toBeUndefined();
      // A proof made now passes, once.
      const fresh = { ...proof('made-after-start', 0), iat: Math.ceil(Date.now() / 1000) };
      expect((await after.store.authenticate({ ...fresh, nowMs: fresh.iat * 1000 })).isFresh).toBe(true);
      expect((await after.store.authenticate({ ...fresh, nowMs: fresh.iat * 1000 })).isFresh).toBe(false);
    } finally {
      await after.storeDb.close();
    }
  });

  it('accepts no proof once the store is closed (it would be missing from the saved jtis)', async () => {
    const { storeDb, store } = await open(dir.path);
    await store.registerInstall('install-1', '{}', Date.now());
    expect((await store.authenticate(proof('before-close'))).isFresh).toBe(true);
    await storeDb.close();
    await expect(store.authenticate(proof('after-close'))).rejects.toThrow(/closed/);
  });
});
