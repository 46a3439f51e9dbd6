import { connect as netConnect } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createControlsClient } from '../../xero-sim/controls-client.ts';
import { NZ_TENANT_ID } from '../../xero-sim/seed.ts';
import { startSim } from '../../xero-sim/start.ts';
import { api, connect, startTestSim } from './helpers.ts';

type Sim = Awaited<ReturnType<typeof startTestSim>>;

describe('startSim', () => {
  it('listens on 127.0.0.1 with a free port and stops cleanly', async () => {
    const started = performance.now();
    const sim = await startSim({ port: 0 });
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${sim.url}/.well-known/openid-configuration`)).status).toBe(200);
    await sim.stop();
    await expect(fetch(`${sim.url}/`)).rejects.toThrow();
  });

  it('keeps the controls off unless enabled', async () => {
    const sim = await startSim({ port: 0 });
    try {
      expect((await fetch(`${sim.url}/__sim/state`)).status).toBe(404);
      await expect(sim.controls.state()).rejects.toThrow(/404/);
    } finally {
      await sim.stop();
    }
  });
});

describe('test controls', () => {
  let sim: Sim;
  let token: string;
  beforeAll(async () => {
    sim = await startTestSim();
  });
  beforeEach(async () => {
    await sim.controls.reset();
    token = (await connect(sim, { tenants: [NZ_TENANT_ID] })).access_token;
  });
  afterAll(() => sim.stop());

  const org = () => api(sim, token, NZ_TENANT_ID, '/Organisation');

  it.each([
    ['500', 500],
    ['503', 503],
    ['429', 429],
  ] as const)('fails the next N calls with %s and then recovers', async (kind, status) => {
    await sim.controls.failNext({ kind, count: 2 });
    expect((await org()).status).toBe(status);
    expect((await org()).status).toBe(status);
    expect((await org()).status).toBe(200);
  });

  it('sends an injected 429 with Retry-After and no body', async () => {
    await sim.controls.failNext({ kind: '429' });
    const res = await org();
    expect(res.headers.get('retry-after')).toBe('60');
    expect(res.headers.get('x-rate-limit-problem')).toBe('minute');
    expect(await res.text()).toBe('');
  });

  it('holds a call open on a timeout fault until the client gives up', async () => {
    await sim.controls.failNext({ kind: 'timeout', holdMs: 30_000 });
    const started = Date.now();
    await expect(
      sim.fetch(`${sim.url}/api.xro/2.0/Organisation`, {
        headers: { authorization: `Bearer ${token}`, 'xero-tenant-id': NZ_TENANT_ID },
        signal: AbortSignal.timeout(300),
      }),
    ).rejects.toThrow();
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect((await org()).status).toBe(200);
  });

  it('drops the connection on a reset fault', async () => {
    await sim.controls.failNext({ kind: 'reset' });
    await expect(org()).rejects.toThrow();
    expect((await org()).status).toBe(200);
  });

  it('limits faults to the identity scope or a path prefix when asked', async () => {
    await sim.controls.failNext({ kind: '503', scope: 'identity' });
    expect((await org()).status).toBe(200);
    expect((await sim.fetch(`${sim.url}/.well-known/openid-configuration`)).status).toBe(503);
    await sim.controls.failNext({ kind: '500', pathPrefix: '/api.xro/2.0/Invoices' });
    expect((await org()).status).toBe(200);
    expect((await api(sim, token, NZ_TENANT_ID, '/Invoices')).status).toBe(500);
  });

  it('answers a PUT with a ValidationException when a validation fault is queued for PUTs only', async () => {
    await sim.controls.failNext({
      kind: 'validation',
      method: 'PUT',
      pathPrefix: '/api.xro/2.0/Invoices',
      message: 'Account code 999 is not valid.',
    });
    // A GET on the same path is not the fault's method: it passes untouched.
    expect((await api(sim, token, NZ_TENANT_ID, '/Invoices')).status).toBe(200);
    const put = await api(sim, token, NZ_TENANT_ID, '/Invoices', { method: 'PUT', body: { Invoices: [] } });
    expect(put.status).toBe(400);
    expect(await put.json()).toMatchObject({
      ErrorNumber: 10,
      Type: 'ValidationException',
      Elements: [{ ValidationErrors: [{ Message: 'Account code 999 is not valid.' }] }],
    });
    expect((await sim.controls.state()).pendingFaults).toBe(0);
  });

  it('expires every access token issued so far', async () => {
    expect(await sim.controls.expireAccessTokens()).toMatchObject({ expired: expect.any(Number) });
    expect((await org()).status).toBe(401);
    const fresh = (await connect(sim, { tenants: [NZ_TENANT_ID] })).access_token;
    expect((await api(sim, fresh, NZ_TENANT_ID, '/Organisation')).status).toBe(200);
  });

  it('reports counts, refresh families, connections and the call log', async () => {
    await org();
    const state = await sim.controls.state();
    expect(state.counts).toMatchObject({
      consentsShown: 1,
      consentsApproved: 1,
      codeExchanges: 1,
      apiCalls: 1,
    });
    expect(state.refreshFamilies).toHaveLength(1);
    expect(state.connections.map((k) => k.tenantId)).toEqual([NZ_TENANT_ID]);
    const calls = await sim.controls.calls();
    expect(calls.at(-1)).toMatchObject({
      method: 'GET',
      path: '/api.xro/2.0/Organisation',
      status: 200,
      tenantId: NZ_TENANT_ID,
    });
  });

  it('resets to the seed', async () => {
    await sim.controls.reset();
    const state = await sim.controls.state();
    expect(state.connections).toEqual([]);
    expect(state.counts.codeExchanges).toBe(0);
    expect((await org()).status).toBe(401);
  });

  it('advances the clock, which expires tokens', async () => {
    const before = await sim.controls.now();
    const after = await sim.controls.advanceClock(31 * 60_000);
    expect(after - before).toBeGreaterThanOrEqual(31 * 60_000);
    expect((await org()).status).toBe(401);
  });

  it('works through a client built from the URL alone', async () => {
    const client = createControlsClient(`${sim.url}/`);
    expect((await client.state()).tenants.map((t) => t.tenantId)).toContain(NZ_TENANT_ID);
  });

  it('never answers on anything but the loopback interface by default', async () => {
    await new Promise<void>((resolve, reject) => {
      const socket = netConnect({ host: '127.0.0.1', port: sim.port }, () => {
        socket.end();
        resolve();
      });
      socket.on('error', reject);
    });
    expect(sim.url.startsWith('http://127.0.0.1:')).toBe(true);
  });
});
