// Child of proof-memory.test.ts: accepts two proofs on a PGlite folder, then dies by SIGKILL
// (a crash: no clean stop, no saved jtis, a stale lock).
import { openDb } from '../../relay/store/db';
import { Store } from '../../relay/store/queries';

const dir = process.argv[2] ?? '';
const storeDb = await openDb({ dataDir: dir });
const store = new Store(storeDb.db, storeDb.dialect, storeDb.authCache);
await store.registerInstall('install-1', '{}', Date.now());
const nowMs = Date.now();
const at = (iat: number) => ({ installId: 'install-1', iat, nowMs, expiresAt: nowMs + 120_000 });
const pastIat = Math.floor(nowMs / 1000) - 1;
const futureIat = Math.floor(nowMs / 1000) + 50;
const past = await store.authenticate({ ...at(pastIat), jti: 'made-before-crash' });
const future = await store.authenticate({ ...at(futureIat), jti: 'from-the-future' });
process.stdout.write(
  `${JSON.stringify({ past: past.isFresh, future: future.isFresh, pastIat, futureIat })}\n`,
);
process.kill(process.pid, 'SIGKILL');
