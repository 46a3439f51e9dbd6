// Xero refresh tokens are single use: if two relay instances refresh the same one, the
// loser gets invalid_grant and the connection is lost. Two real relay processes share one
// PostgreSQL; 50 concurrent calls that all need a refresh must cause exactly one refresh.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromKeyPair, generateKeyPair } from '../../lib/install-key';
import { createRelayClient } from '../../lib/relay-client';
import { SEED_CLIENT_ID, SEED_CLIENT_SECRET, UK_TENANT_ID } from '../../xero-sim/seed';
import type { RunningSim } from '../../xero-sim/start';
import { connectAccount, createPgSchema, PG_URL, startTestSim, TOKEN_KEY_A } from './harness';
import { type RelayProcess, spawnRelay } from './spawn';

describe('one refresh at a time across relay instances on one PostgreSQL', () => {
  let sim: RunningSim;
  let schema: Awaited<ReturnType<typeof createPgSchema>>;
  const relays: RelayProcess[] = [];

  beforeAll(async () => {
    // No grace period: a second refresh of the same token is fatal, as when Xero's grace has
    // passed, so a missing lock cannot hide behind a grace replay. Limits raised so Xero's
    // per-organisation quota is not what this test measures.
    sim = await startTestSim({
      refreshGraceMs: 0,
      limits: { concurrentPerTenant: 1000, perMinutePerTenant: 100_000, perDayPerTenant: 1_000_000 },
    });
    schema = await createPgSchema();
    const env = {
      XERO_CLIENT_ID: SEED_CLIENT_ID,
      XERO_CLIENT_SECRET: SEED_CLIENT_SECRET,
      XERO_IDENTITY_URL: sim.url,
      XERO_API_URL: sim.url,
      TOKEN_KEYS: TOKEN_KEY_A,
      DATABASE_URL: PG_URL,
      DATABASE_SCHEMA: schema.schema,
      LOG_LEVEL: 'warn',
      RATE_LIMIT_PER_MINUTE: '1000',
    };
    relays.push(...(await Promise.all([spawnRelay(env), spawnRelay(env)])));
  }, 90_000);

  afterAll(async () => {
    await Promise.all(relays.map((r) => r.stop()));
    await sim?.stop();
    await schema?.drop();
  });

  it('50 concurrent calls needing a refresh: one refresh at Xero, no caller fails, connection healthy', async () => {
    const pair = await generateKeyPair();
    const key = await fromKeyPair(pair);
    const [a, b] = relays.map((r) => createRelayClient({ baseUrl: r.url, key }));
    await a!.register();
    const { connectionId } = await connectAccount({ key, client: a! }, 'us', [UK_TENANT_ID]);
    await a!.grant({ connectionId, accountIds: ['ca'] });
    await b!.organisation({ connectionId, accountId: 'ca' }); // both instances warmed up

    // Thirty minutes pass: Xero rejects the access token and the relays know it expired.
    await sim.controls.expireAccessTokens();
    const db = new pg.Client({ connectionString: PG_URL });
    await db.connect();
    await db.query(`update "${schema.schema}".connections set access_expires_at = 0 where id = $1`, [
      connectionId,
    ]);
    const before = (await sim.controls.state()).counts;

    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) =>
        (i % 2 ? a! : b!).organisation({ connectionId, accountId: i % 3 ? 'us' : 'ca' }),
      ),
    );
    const after = (await sim.controls.state()).counts;
    const failures = results
      .filter((r) => r.status === 'rejected')
      .map((r) => String((r as PromiseRejectedResult).reason));
    expect(failures).toEqual([]);
    expect({
      refreshes: after.refreshes - before.refreshes,
      graceReplays: after.refreshGraceReplays - before.refreshGraceReplays,
      refreshFailures: after.refreshFailures - before.refreshFailures,
    }).toEqual({ refreshes: 1, graceReplays: 0, refreshFailures: 0 });
    const row = await db.query(`select status from "${schema.schema}".connections where id = $1`, [
      connectionId,
    ]);
    await db.end();
    expect(row.rows[0].status).toBe('connected');
    expect((await a!.listConnections())[0]).toMatchObject({ status: 'connected' });
  });
});

describe('one refresh at a time inside one relay on the embedded store', () => {
  it('50 concurrent calls needing a refresh share one refresh (single flight)', async () => {
    const { newInstall, startRelay } = await import('./harness');
    const sim = await startTestSim({
      refreshGraceMs: 0,
      limits: { concurrentPerTenant: 1000, perMinutePerTenant: 100_000, perDayPerTenant: 1_000_000 },
    });
    const rut = await startRelay({ sim, store: 'pglite', env: { RATE_LIMIT_PER_MINUTE: '1000' } });
    try {
      const ext = await newInstall(rut.url);
      const { connectionId } = await connectAccount(ext, 'us', [UK_TENANT_ID]);
      await sim.controls.expireAccessTokens();
      await rut.relay.store.db.updateTable('connections').set({ access_expires_at: 0 }).execute();
      const before = (await sim.controls.state()).counts;
      const results = await Promise.allSettled(
        Array.from({ length: 50 }, () => ext.client.organisation({ connectionId, accountId: 'us' })),
      );
      const after = (await sim.controls.state()).counts;
      expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
      expect(after.refreshes - before.refreshes).toBe(1);
      expect(after.refreshFailures - before.refreshFailures).toBe(0);
      // The 50 asks shared one read of the organisation: its three calls, not 150.
      expect(after.apiCalls - before.apiCalls).toBe(3);
      expect((await ext.client.listConnections())[0]).toMatchObject({ status: 'connected' });
    } finally {
      await rut.stop();
      await sim.stop();
    }
  });
});
