// Authentication reads the store once per request (relay/store/queries.ts `authenticate`)
// and keeps only immutable derivations in memory (imported public keys). These tests pin
// what that must never cost: two instances behind one public URL on one PostgreSQL, each
// with warm caches, see a disconnect or a removed install made through the other at once;
// a proof used on one instance is refused on the other; a proof used before a restart is
// refused after it (both stores).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRelayClient } from '../../lib/relay-client';
import { NZ_TENANT_ID } from '../../xero-sim/seed';
import type { RunningSim } from '../../xero-sim/start';
import {
  connectAccount,
  createPgSchema,
  freePort,
  newInstall,
  type RelayUnderTest,
  STORE_KINDS,
  startRelay,
  startTestSim,
  tempDir,
} from './harness';

let sim: RunningSim;
beforeAll(async () => {
  sim = await startTestSim();
});
afterAll(async () => {
  await sim?.stop();
});

/** A fetch that sends requests addressed to `publicUrl` to one instance's own address. */
const toInstance =
  (publicUrl: string, instance: RelayUnderTest): typeof fetch =>
  (input, init) =>
    fetch(String(input).replace(publicUrl, instance.url), init);

describe('two relay instances on one PostgreSQL, behind one public URL', () => {
  let schema: Awaited<ReturnType<typeof createPgSchema>>;
  let publicUrl: string;
  let a: RelayUnderTest;
  let b: RelayUnderTest;

  beforeAll(async () => {
    schema = await createPgSchema();
    const port = await freePort();
    publicUrl = `http://127.0.0.1:${port}`;
    const env = { PUBLIC_URL: publicUrl };
    a = await startRelay({ sim, store: 'postgres', schema: schema.schema, port, env });
    b = await startRelay({ sim, store: 'postgres', schema: schema.schema, env });
  });
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await schema?.drop();
  });

  /** One install, as seen through instance A and through instance B. */
  async function installOnBoth() {
    const ext = await newInstall(publicUrl);
    const viaB = createRelayClient({ baseUrl: publicUrl, key: ext.key, fetch: toInstance(publicUrl, b) });
    return { ext, viaA: ext.client, viaB };
  }

  it('refuses a disconnected connection on the other instance at once, warm caches or not', async () => {
    const { ext, viaA, viaB } = await installOnBoth();
    const { connectionId } = await connectAccount(ext, 'nz', [NZ_TENANT_ID]);
    // B has authenticated this install, read this connection and kept its organisation facts.
    for (let i = 0; i < 3; i++) {
      expect((await viaB.organisation({ connectionId, accountId: 'nz' })).name).toBeTruthy();
    }
    expect(await viaA.disconnect({ connectionId })).toEqual({ affectedAccountIds: ['nz'] });
    // A disconnect withdraws the connection's grants: the account is refused for that.
    const err = await viaB.organisation({ connectionId, accountId: 'nz' }).catch((e) => e);
    expect(err).toMatchObject({ status: 403, code: 'not_granted' });
    expect(await viaB.listConnections()).toMatchObject([{ id: connectionId, status: 'disconnected' }]);
  });

  it('refuses a grant withdrawn on the other instance at once', async () => {
    const { ext, viaB } = await installOnBoth();
    const { connectionId } = await connectAccount(ext, 'nz', [NZ_TENANT_ID]);
    await viaB.organisation({ connectionId, accountId: 'nz' });
    await a.relay.store.db.deleteFrom('grants').where('connection_id', '=', connectionId).execute();
    const err = await viaB.organisation({ connectionId, accountId: 'nz' }).catch((e) => e);
    expect(err).toMatchObject({ status: 403, code: 'not_granted' });
  });

  it('refuses a removed install on the other instance at once', async () => {
    const { ext, viaB } = await installOnBoth();
    expect(await viaB.listConnections()).toEqual([]);
    const id = ext.key.installId;
    // What retention (or an operator) does to an install: its rows go.
    await a.relay.store.db.deleteFrom('dpop_proofs').where('install_id', '=', id).execute();
    await a.relay.store.db.deleteFrom('installs').where('id', '=', id).execute();
    const err = await viaB.listConnections().catch((e) => e);
    expect(err).toMatchObject({ status: 401, code: 'unknown_install' });
  });

  it('refuses on one instance a proof already used on the other', async () => {
    const { ext } = await installOnBoth();
    const url = `${publicUrl}/v1/connections`;
    const proof = await ext.key.createProof('GET', url);
    expect((await fetch(`${a.url}/v1/connections`, { headers: { DPoP: proof } })).status).toBe(200);
    const again = await fetch(`${b.url}/v1/connections`, { headers: { DPoP: proof } });
    expect(again.status).toBe(401);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe('replayed_proof');
  });

  it('records each of many concurrent uses of one proof once: exactly one answer is 200', async () => {
    const { ext } = await installOnBoth();
    const proof = await ext.key.createProof('GET', `${publicUrl}/v1/connections`);
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        fetch(`${(i % 2 ? a : b).url}/v1/connections`, { headers: { DPoP: proof } }).then((r) => r.status),
      ),
    );
    expect(answers.filter((s) => s === 200)).toHaveLength(1);
    expect(answers.filter((s) => s === 401)).toHaveLength(9);
  });
});

describe.each(STORE_KINDS)('a proof used before a restart (%s store)', (store) => {
  it('is refused after it', async () => {
    const dir = tempDir();
    const schema = store === 'postgres' ? await createPgSchema() : undefined;
    const port = await freePort();
    const opts = { sim, store, port, dataDir: dir.path, schema: schema?.schema };
    try {
      const first = await startRelay(opts);
      const ext = await newInstall(first.url);
      const url = `${first.url}/v1/connections`;
      const proof = await ext.key.createProof('GET', url);
      expect((await fetch(url, { headers: { DPoP: proof } })).status).toBe(200);
      await first.stop();
      const second = await startRelay(opts);
      try {
        const again = await fetch(url, { headers: { DPoP: proof } });
        expect(again.status).toBe(401);
        expect(((await again.json()) as { error: { code: string } }).error.code).toBe('replayed_proof');
        expect(await ext.client.listConnections()).toEqual([]); // a fresh proof still works
      } finally {
        await second.stop();
      }
    } finally {
      dir.remove();
      await schema?.drop();
    }
  }, 60_000);
});
