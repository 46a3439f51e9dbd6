// Migrations as a deploy step on PostgreSQL: a relay refuses a schema it would have to
// migrate (unless MIGRATE_ON_START=1), and `relay:migrate` started twice at once on a fresh
// schema applies the migrations once and succeeds in both. On PGlite, which has no deploy
// step, a relay started with MIGRATE_ON_START unset migrates by itself.
import { spawn } from 'node:child_process';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATION_NAMES } from '../../relay/store/db';
import { SEED_CLIENT_ID, SEED_CLIENT_SECRET } from '../../xero-sim/seed';
import { createPgSchema, PG_URL, TOKEN_KEY_A, tempDir } from './harness';
import { spawnRelay } from './spawn';

function runMigrate(env: Record<string, string>): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'relay/migrate.ts'], {
      env: { PATH: process.env.PATH, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.once('exit', (code) => resolve({ code, out, err }));
  });
}

async function tablesIn(schema: string): Promise<string[]> {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  try {
    const r = await c.query<{ table_name: string }>(
      'select table_name from information_schema.tables where table_schema = $1 order by 1',
      [schema],
    );
    return r.rows.map((row) => row.table_name);
  } finally {
    await c.end();
  }
}

describe('relay:migrate on PostgreSQL', () => {
  let schema: Awaited<ReturnType<typeof createPgSchema>>;
  let env: Record<string, string>;
  beforeAll(async () => {
    schema = await createPgSchema();
    env = { DATABASE_URL: PG_URL, DATABASE_SCHEMA: schema.schema };
  });
  afterAll(async () => {
    await schema?.drop();
  });

  it('a relay refuses an out-of-date schema, says what to run, and changes nothing', {
    timeout: 60_000,
  }, async () => {
    const relayEnv = {
      ...env,
      XERO_CLIENT_ID: SEED_CLIENT_ID,
      XERO_CLIENT_SECRET: SEED_CLIENT_SECRET,
      TOKEN_KEYS: TOKEN_KEY_A,
      MIGRATE_ON_START: '',
    };
    const refused = await spawnRelay(relayEnv).then(
      (r) => r.stop().then(() => 'started' as const),
      (e: Error) => e.message,
    );
    expect(refused).toMatch(/relay exited with 78/);
    expect(refused).toContain(`schema is out of date (pending migrations: ${MIGRATION_NAMES.join(', ')})`);
    expect(refused).toMatch(/npm run relay:migrate/);
    expect(await tablesIn(schema.schema)).toEqual([]);
  });

  it('two runs at once: one applies, the other finds nothing to do, both succeed', {
    timeout: 90_000,
  }, async () => {
    // Hold the schema's migration lock ourselves so both runs are provably waiting on it at
    // the same moment, then let them race.
    const holder = new pg.Client({ connectionString: PG_URL });
    await holder.connect();
    const lockKey = `settlebridge-relay:${schema.schema}`;
    await holder.query('select pg_advisory_lock(hashtext($1))', [lockKey]);
    const runA = runMigrate(env);
    const runB = runMigrate(env);
    try {
      const deadline = Date.now() + 60_000;
      for (;;) {
        const r = await holder.query<{ n: string }>(
          `select count(*) as n from pg_locks l join pg_stat_activity s on s.pid = l.pid
           where l.locktype = 'advisory' and not l.granted and s.datname = current_database()
             and l.objid = (hashtext($1)::bigint & 4294967295)`,
          [lockKey],
        );
        if (Number(r.rows[0]!.n) === 2) break;
        if (Date.now() > deadline) throw new Error('the two migrations never both waited for the lock');
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(await tablesIn(schema.schema)).toEqual([]);
    } finally {
      await holder.query('select pg_advisory_unlock(hashtext($1))', [lockKey]);
      await holder.end();
      await Promise.allSettled([runA, runB]);
    }
    const [a, b] = await Promise.all([runA, runB]);
    expect([a.code, b.code], `${a.err}\n${b.err}`).toEqual([0, 0]);
    const outs = [a.out, b.out].sort();
    expect(outs[0]).toBe(`Applied ${MIGRATION_NAMES.length} migration(s): ${MIGRATION_NAMES.join(', ')}.\n`);
    expect(outs[1]).toMatch(/already up to date/);
    const tables = await tablesIn(schema.schema);
    expect(tables).toEqual(expect.arrayContaining(['connections', 'invoice_items', 'kysely_migration']));

    // Idempotent afterwards too.
    const again = await runMigrate(env);
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/already up to date/);
  });

  it('a relay then serves the migrated schema with MIGRATE_ON_START off', { timeout: 60_000 }, async () => {
    const relay = await spawnRelay({
      ...env,
      XERO_CLIENT_ID: SEED_CLIENT_ID,
      XERO_CLIENT_SECRET: SEED_CLIENT_SECRET,
      TOKEN_KEYS: TOKEN_KEY_A,
      MIGRATE_ON_START: '0',
    });
    try {
      const ready = await fetch(`${relay.url}/readyz`);
      expect(ready.status).toBe(200);
    } finally {
      expect(await relay.stop()).toBe(0);
    }
  });
});

describe('MIGRATE_ON_START on PGlite', () => {
  const relayEnv = (dataDir: string, migrateOnStart: string) => ({
    XERO_CLIENT_ID: SEED_CLIENT_ID,
    XERO_CLIENT_SECRET: SEED_CLIENT_SECRET,
    TOKEN_KEYS: TOKEN_KEY_A,
    RELAY_DATA_DIR: dataDir,
    // Empty is unset: spawnRelay's own default (1) does not apply.
    MIGRATE_ON_START: migrateOnStart,
  });

  it('unset, a relay on a new PGlite folder migrates it and serves, as `npm run relay` does', {
    timeout: 60_000,
  }, async () => {
    const dir = tempDir();
    try {
      const relay = await spawnRelay(relayEnv(dir.path, ''));
      try {
        expect((await fetch(`${relay.url}/readyz`)).status).toBe(200);
        expect(relay.stdout()).toContain('"msg":"store migrations applied"');
      } finally {
        expect(await relay.stop()).toBe(0);
      }
    } finally {
      dir.remove();
    }
  });

  it('0, a relay on a new PGlite folder refuses to serve it', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    try {
      const refused = await spawnRelay(relayEnv(dir.path, '0')).then(
        (r) => r.stop().then(() => 'started' as const),
        (e: Error) => e.message,
      );
      expect(refused).toMatch(/relay exited with 78/);
      expect(refused).toContain('schema is out of date');
    } finally {
      dir.remove();
    }
  });
});
