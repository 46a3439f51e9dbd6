// `npm run bench:relay-start`: how long the relay takes from `node` to a listening socket,
// bundled (`node dist/relay/server.js`, after `npm run build:relay`) against today's
// `tsx relay/server.ts`, which compiles TypeScript at every start. Alternating runs so
// noise hits both, fresh in-memory PGlite store each time (migrations included), medians.
// Last line: {"bundle_ms":…,"tsx_ms":…}. BENCH_RUNS (default 5). BENCH_STORE=postgres starts
// on an already migrated PostgreSQL schema (TEST_DATABASE_URL) instead, which leaves out
// PGlite's WebAssembly start and shows the code-loading difference alone.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import pg from 'pg';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const isPostgres = process.env.BENCH_STORE === 'postgres';
const pgUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `bench_start_${process.pid}`;
const storeEnv: Record<string, string> = isPostgres
  ? { DATABASE_URL: pgUrl, DATABASE_SCHEMA: schema }
  : { RELAY_DATA_DIR: 'memory://' };

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

function startOnce(args: string[]): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    env: {
      PATH: process.env.PATH,
      XERO_CLIENT_ID: 'bench-client',
      XERO_CLIENT_SECRET: 'bench-secret',
      PUBLIC_URL: 'http://127.0.0.1:8787',
      TOKEN_KEYS: `bench:${randomBytes(32).toString('base64')}`,
      ...storeEnv,
      PORT: '0',
      LOG_LEVEL: 'warn',
      RELAY_ANNOUNCE: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (d) => {
    err += d;
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no start within 120 s: ${err}`));
    }, 120_000);
    let listenedAfter: number | undefined;
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (listenedAfter !== undefined || !line.includes('"relayListening"')) return;
      listenedAfter = performance.now() - started;
      clearTimeout(timer);
      child.kill('SIGTERM');
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (listenedAfter !== undefined) resolve(listenedAfter);
      else reject(new Error(`relay exited with ${code} before listening: ${err}`));
    });
  });
}

execFileSync(process.execPath, ['scripts/build-relay.mjs'], { stdio: 'inherit' });
if (isPostgres) {
  execFileSync(process.execPath, ['dist/relay/migrate.js'], {
    env: { PATH: process.env.PATH, ...storeEnv },
    stdio: 'inherit',
  });
}
const bundle: number[] = [];
const tsx: number[] = [];
for (let i = 0; i < RUNS; i++) {
  bundle.push(await startOnce(['dist/relay/server.js']));
  tsx.push(await startOnce(['--import', 'tsx', 'relay/server.ts']));
  console.log(`run ${i + 1}: bundle ${bundle.at(-1)!.toFixed(0)} ms, tsx ${tsx.at(-1)!.toFixed(0)} ms`);
}
if (isPostgres) {
  const c = new pg.Client({ connectionString: pgUrl });
  await c.connect();
  await c.query(`drop schema if exists "${schema}" cascade`);
  await c.end();
}
console.log(JSON.stringify({ bundle_ms: Math.round(median(bundle)), tsx_ms: Math.round(median(tsx)) }));
