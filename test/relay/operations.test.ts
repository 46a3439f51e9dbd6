import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { relayRoutes } from '../../lib/relay-api';
import { openApiPath } from '../../relay/openapi';
import { rekey } from '../../relay/rekey';
import { NZ_TENANT_ID, SEED_CLIENT_ID, SEED_CLIENT_SECRET } from '../../xero-sim/seed';
import type { RunningSim } from '../../xero-sim/start';
import {
  connectAccount,
  newInstall,
  type RelayUnderTest,
  startRelay,
  startTestSim,
  TOKEN_KEY_A,
  TOKEN_KEY_B,
  tempDir,
} from './harness';
import { spawnRelay } from './spawn';

describe('relay operations', () => {
  let sim: RunningSim;
  let rut: RelayUnderTest;

  beforeAll(async () => {
    sim = await startTestSim();
    rut = await startRelay({ sim, store: 'pglite' });
  });
  afterAll(async () => {
    await rut?.stop();
    await sim?.stop();
  });

  it('answers /healthz and /readyz (store reachable)', async () => {
    expect(await (await fetch(`${rut.url}/healthz`)).json()).toEqual({ status: 'ok' });
    expect(await (await fetch(`${rut.url}/readyz`)).json()).toEqual({ status: 'ready' });
  });

  it('publishes an OpenAPI document naming every /v1 route', async () => {
    const doc = (await (await fetch(`${rut.url}/openapi.json`)).json()) as {
      openapi: string;
      paths: Record<string, unknown>;
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/installs',
        '/v1/connect/start',
        '/v1/oauth/callback',
        '/v1/connect/redeem',
        '/v1/connections',
        '/v1/connections/{connectionId}',
        '/v1/connections/{connectionId}/grants',
        '/v1/connections/{connectionId}/organisation',
        '/v1/connections/{connectionId}/currencies',
        '/v1/connections/{connectionId}/books',
        '/v1/connections/{connectionId}/books/accounts',
        '/v1/connections/{connectionId}/invoice-jobs',
        '/v1/invoice-jobs/{jobId}',
      ]),
    );
  });

  it('serves exactly the routes of the table in lib/relay-api.ts, each documented', async () => {
    // Hono lists middleware as method ALL; every other entry is a handler a caller can reach.
    const served = rut.relay.app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method} ${r.path}`);
    const listed = Object.values(relayRoutes).map((r) => `${r.method} ${r.path}`);
    expect([...new Set(served)].sort()).toEqual([...listed].sort());
    const doc = (await (await fetch(`${rut.url}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(documented.sort()).toEqual(
      Object.values(relayRoutes)
        .map((r) => `${r.method} ${openApiPath(r.path)}`)
        .sort(),
    );
  });

  it('logs structured JSON with request ids and echoes the id to the caller', async () => {
    const res = await fetch(`${rut.url}/healthz`);
    const id = res.headers.get('x-request-id');
    expect(id).toBeTruthy();
    const line = rut.logs.lines.map((l) => JSON.parse(l)).find((l) => l.reqId === id);
    expect(line).toMatchObject({ msg: 'request', method: 'GET', path: '/healthz', status: 200 });
  });

  it('answers unknown routes with the error shape', async () => {
    const res = await fetch(`${rut.url}/v1/nope`, { method: 'POST' });
    expect(res.status).toBe(401); // every /v1 route needs a proof first
    expect(await res.json()).toMatchObject({ error: { code: 'invalid_proof' } });
  });

  it('asks no proof on the public routes, and on nothing else', async () => {
    const answer = async (method: string, path: string) => {
      const res = await fetch(`${rut.url}${path}`, { method, redirect: 'manual' });
      const body = res.headers.get('content-type')?.includes('json')
        ? ((await res.json()) as { error: { code: string } })
        : undefined;
      return `${res.status} ${body?.error.code ?? ''}`.trim();
    };
    // The public routes answer themselves: registration checks its proof, the OAuth pages their state.
    expect(await answer('POST', '/v1/installs')).toBe('401 invalid_proof');
    expect(await answer('GET', '/v1/oauth/authorize?state=unknown')).toBe('400');
    expect(await answer('GET', '/v1/oauth/callback?state=unknown')).toBe('400');
    // Beside them: another method, or another path under /v1/oauth/, is simply not there.
    expect(await answer('GET', '/v1/installs')).toBe('404 not_found');
    expect(await answer('DELETE', '/v1/installs')).toBe('404 not_found');
    expect(await answer('POST', '/v1/oauth/callback')).toBe('404 not_found');
    expect(await answer('GET', '/v1/oauth/elsewhere/deeper')).toBe('404 not_found');
    expect(await answer('GET', '/v1/oauth/')).toBe('404 not_found');
    // Everything else under /v1 wants a proof first, even a path that only looks public.
    expect(await answer('GET', '/v1/oauth')).toBe('401 invalid_proof');
    expect(await answer('GET', '/v1/installs/')).toBe('401 invalid_proof');
    expect(await answer('GET', '/v1/installs/elsewhere')).toBe('401 invalid_proof');
    expect(await answer('GET', '/v1/connections')).toBe('401 invalid_proof');
    expect(await answer('POST', '/v1/connections/c1/invoice-jobs')).toBe('401 invalid_proof');
    expect(await answer('GET', '/v1')).toBe('401 invalid_proof');
  });
});

describe('relay:rekey', () => {
  it('re-encrypts every stored token under the current key and the relay still uses them', async () => {
    const sim = await startTestSim();
    const dir = tempDir();
    try {
      const first = await startRelay({ sim, store: 'pglite', dataDir: dir.path });
      const ext = await newInstall(first.url);
      const { connectionId } = await connectAccount(ext, 'nz', [NZ_TENANT_ID]);
      await first.stop();

      const result = await rekey({
        RELAY_DATA_DIR: dir.path,
        DATABASE_SCHEMA: 'public',
        TOKEN_KEYS: [
          { id: 'b', key: Buffer.from(TOKEN_KEY_B.slice(2), 'base64') },
          { id: 'a', key: Buffer.from(TOKEN_KEY_A.slice(2), 'base64') },
        ],
      });
      expect(result).toEqual({ rewritten: 1, total: 1, keyId: 'b' });

      // Only the new key is left: the relay must still open every token.
      const second = await startRelay({
        sim,
        store: 'pglite',
        dataDir: dir.path,
        env: { TOKEN_KEYS: TOKEN_KEY_B },
      });
      try {
        const row = await second.relay.store.findConnection(connectionId);
        expect(row?.refresh_token_enc).toMatch(/^v1\.b\./);
        const client = (await import('../../lib/relay-client')).createRelayClient({
          baseUrl: second.url,
          key: ext.key,
        });
        expect((await client.organisation({ connectionId, accountId: 'nz' })).name).toBeTruthy();
      } finally {
        await second.stop();
      }
    } finally {
      await sim.stop();
      dir.remove();
    }
  });
});

describe('graceful shutdown', () => {
  it('stops on SIGTERM with exit code 0 after closing the store', async () => {
    const sim = await startTestSim();
    const dir = tempDir();
    try {
      const relay = await spawnRelay({
        XERO_CLIENT_ID: SEED_CLIENT_ID,
        XERO_CLIENT_SECRET: SEED_CLIENT_SECRET,
        XERO_IDENTITY_URL: sim.url,
        XERO_API_URL: sim.url,
        TOKEN_KEYS: TOKEN_KEY_A,
        RELAY_DATA_DIR: dir.path,
      });
      expect((await fetch(`${relay.url}/readyz`)).status).toBe(200);
      expect(await relay.stop('SIGTERM')).toBe(0);
      expect(relay.stdout()).toMatch(/relay stopped/);
    } finally {
      await sim.stop();
      dir.remove();
    }
  });
});
