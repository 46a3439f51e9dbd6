// `relay:rekey` beside serving relays. On PGlite a second process opening the folder used
// to overwrite the relay's pages (connection rows lost); now the folder has one writer and
// rekey refuses while a relay holds it. On PostgreSQL rekey runs beside two serving relays
// that are refreshing tokens, and nothing is lost.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseStoreEnv } from '../../relay/env';
import { rekey } from '../../relay/rekey';
import { openDb } from '../../relay/store/db';
import { LOCK_FILE } from '../../relay/store/folder-lock';
import { Vault } from '../../relay/vault';
import { NZ_TENANT_ID, SEED_CLIENT_ID, SEED_CLIENT_SECRET } from '../../xero-sim/seed';
import type { RunningSim } from '../../xero-sim/start';
import {
  connectAccount,
  createPgSchema,
  type Extension,
  newInstall,
  PG_URL,
  startTestSim,
  TOKEN_KEY_A,
  TOKEN_KEY_B,
  tempDir,
} from './harness';
import { type RelayProcess, spawnRelay } from './spawn';

let sim: RunningSim;
beforeAll(async () => {
  sim = await startTestSim();
});
afterAll(async () => {
  await sim?.stop();
});

const relayEnv = (store: Record<string, string>, keys: string) => ({
  XERO_CLIENT_ID: SEED_CLIENT_ID,
  XERO_CLIENT_SECRET: SEED_CLIENT_SECRET,
  XERO_IDENTITY_URL: sim.url,
  XERO_API_URL: sim.url,
  TOKEN_KEYS: keys,
  LOG_LEVEL: 'warn',
  RATE_LIMIT_PER_MINUTE: '100000',
  REGISTRATIONS_PER_ADDRESS_PER_MINUTE: '100000',
  ...store,
});

/** Every connection row, and whether `keys` alone opens each token. */
async function rows(store: Record<string, string>, keys: string) {
  const config = parseStoreEnv({ ...store, TOKEN_KEYS: keys });
  const { db, close } = await openDb({
    databaseUrl: config.DATABASE_URL,
    schema: config.DATABASE_SCHEMA,
    dataDir: config.RELAY_DATA_DIR,
  });
  try {
    const vault = new Vault(config.TOKEN_KEYS);
    const all = await db.selectFrom('connections').selectAll().orderBy('id').execute();
    const grants = await db.selectFrom('grants').selectAll().execute();
    return all.map((r) => ({
      id: r.id,
      status: r.status,
      grants: grants.filter((g) => g.connection_id === r.id).length,
      opens: (() => {
        try {
          vault.decrypt(r.refresh_token_enc!, r.id);
          vault.decrypt(r.access_token_enc!, r.id);
          return true;
        } catch {
          return false;
        }
      })(),
    }));
  } finally {
    await close();
  }
}

async function connectMany(url: string, n: number): Promise<{ ext: Extension; connectionId: string }[]> {
  const out = [];
  for (let i = 0; i < n; i++) {
    const ext = await newInstall(url);
    const { connectionId } = await connectAccount(ext, `acct-${i}`, [NZ_TENANT_ID]);
    out.push({ ext, connectionId });
  }
  return out;
}

describe('relay:rekey beside a serving PGlite relay', () => {
  it('is refused while the relay holds the folder, with every row intact, and runs once it stops', async () => {
    const dir = tempDir();
    const store = { RELAY_DATA_DIR: dir.path };
    let relay: RelayProcess | undefined;
    try {
      relay = await spawnRelay(relayEnv(store, TOKEN_KEY_A));
      await connectMany(relay.url, 10);
      expect(existsSync(join(dir.path, LOCK_FILE))).toBe(true);

      const refused = await rekey(
        parseStoreEnv({ ...store, TOKEN_KEYS: `${TOKEN_KEY_B},${TOKEN_KEY_A}` }),
      ).catch((e: Error) => e);
      expect(refused).toBeInstanceOf(Error);
      expect((refused as Error).message).toMatch(
        new RegExp(`in use by process ${relay.child.pid}.*stop it first`),
      );
      // The relay still serves every connection.
      expect(relay.child.exitCode).toBeNull();
      expect(await relay.stop()).toBe(0);
      relay = undefined;
      expect(existsSync(join(dir.path, LOCK_FILE))).toBe(false);

      const before = await rows(store, TOKEN_KEY_A);
      expect(before).toHaveLength(10);
      expect(before.every((r) => r.status === 'connected' && r.grants === 1 && r.opens)).toBe(true);
      const done = await rekey(parseStoreEnv({ ...store, TOKEN_KEYS: `${TOKEN_KEY_B},${TOKEN_KEY_A}` }));
      expect(done).toMatchObject({ rewritten: 10, total: 10, keyId: 'b' });
      expect(await rows(store, TOKEN_KEY_B)).toEqual(before);
    } finally {
      await relay?.stop();
      dir.remove();
    }
  }, 180_000);

  it('takes over a lock left by a relay that was killed', async () => {
    const dir = tempDir();
    const store = { RELAY_DATA_DIR: dir.path };
    try {
      const relay = await spawnRelay(relayEnv(store, TOKEN_KEY_A));
      await connectMany(relay.url, 1);
      await relay.stop('SIGKILL');
      expect(existsSync(join(dir.path, LOCK_FILE))).toBe(true); // stale: its process is gone
      const done = await rekey(parseStoreEnv({ ...store, TOKEN_KEYS: `${TOKEN_KEY_B},${TOKEN_KEY_A}` }));
      expect(done).toMatchObject({ total: 1, keyId: 'b' });
    } finally {
      dir.remove();
    }
  }, 120_000);
});

describe('relay:rekey beside two serving PostgreSQL relays', () => {
  it('loses nothing while both relays refresh tokens during the rekey', async () => {
    const schema = await createPgSchema();
    const store = { DATABASE_URL: PG_URL, DATABASE_SCHEMA: schema.schema };
    const relays: RelayProcess[] = [];
    try {
      // Tokens sealed under the old key "a"...
      const first = await spawnRelay(relayEnv(store, TOKEN_KEY_A));
      const made = await connectMany(first.url, 10);
      await first.stop();
      // ...then the new key goes first on both relays, and they serve while rekey runs.
      relays.push(
        ...(await Promise.all([
          spawnRelay(relayEnv(store, `${TOKEN_KEY_B},${TOKEN_KEY_A}`)),
          spawnRelay(relayEnv(store, `${TOKEN_KEY_B},${TOKEN_KEY_A}`)),
        ])),
      );
      const before = await rows(store, TOKEN_KEY_A);
      expect(before).toHaveLength(10);
      // Every access token is due for refresh, so the relays rewrite rows while rekey does.
      await sim.controls.expireAccessTokens();
      const { db, close } = await openDb({ databaseUrl: PG_URL, schema: schema.schema });
      await db.updateTable('connections').set({ access_expires_at: 0 }).execute();
      await close();

      const traffic = Promise.all(
        made.flatMap(({ ext, connectionId }, i) =>
          [0, 1].map(async (r) => {
            const { createRelayClient } = await import('../../lib/relay-client');
            const client = createRelayClient({ baseUrl: relays[r]!.url, key: ext.key });
            return client.organisation({ connectionId, accountId: `acct-${i}` });
          }),
        ),
      );
      const [result, answers] = await Promise.all([
        rekey(parseStoreEnv({ ...store, TOKEN_KEYS: `${TOKEN_KEY_B},${TOKEN_KEY_A}` })),
        traffic,
      ]);
      expect(result).toMatchObject({ total: 10, keyId: 'b' });
      expect(answers.every((a) => a.name.length > 0)).toBe(true);

      // Every row is still there, connected, granted, and opens under the new key alone.
      const after = await rows(store, TOKEN_KEY_B);
      expect(after).toEqual(before.map((r) => ({ ...r, opens: true })));
      expect(after.every((r) => r.status === 'connected' && r.grants === 1 && r.opens)).toBe(true);
    } finally {
      await Promise.all(relays.map((r) => r.stop()));
      await schema.drop();
    }
  }, 240_000);
});
