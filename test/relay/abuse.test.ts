// Abuse limits and retention against the real relay and sim: a registration flood from one
// address, the per-instance request budget, the per-install queue quota, and the sweep that
// keeps the store from growing without bound.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyRetention } from '../../relay/build-relay';
import { NZ_TENANT_ID, SEED_CLIENT_ID, SEED_CLIENT_SECRET } from '../../xero-sim/seed';
import type { RunningSim } from '../../xero-sim/start';
import {
  connectAccount,
  consent,
  newInstall,
  RETURN_URL,
  startRelay,
  startTestSim,
  TOKEN_KEY_A,
} from './harness';
import { items, waitForJob } from './invoice-helpers';
import { type RelayProcess, spawnRelay } from './spawn';

const DAY = 24 * 3600_000;
const p50 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

let sim: RunningSim;
beforeAll(async () => {
  sim = await startTestSim();
});
afterAll(async () => {
  await sim?.stop();
});

describe('registration flood from one address', () => {
  let relay: RelayProcess;
  beforeAll(async () => {
    // A real relay process with its default registration limits, so the flood's client work
    // in this process does not share the relay's event loop.
    relay = await spawnRelay({
      XERO_CLIENT_ID: SEED_CLIENT_ID,
      XERO_CLIENT_SECRET: SEED_CLIENT_SECRET,
      XERO_IDENTITY_URL: sim.url,
      XERO_API_URL: sim.url,
      TOKEN_KEYS: TOKEN_KEY_A,
      RELAY_DATA_DIR: 'memory://',
      LOG_LEVEL: 'warn',
      RATE_LIMIT_PER_MINUTE: '100000',
      // The per-instance budget has its own test below; a flood the relay refuses faster than
      // 1000 a second would otherwise (rightly) answer the normal install "busy" too.
      GLOBAL_REQUESTS_PER_SECOND: '1000000',
    });
  }, 60_000);
  afterAll(async () => {
    await relay?.stop();
  });

  it('answers 429 after the per-address limit and keeps a normal install served', async () => {
    const normal = await newInstall(relay.url);
    const timed = async () => {
      const t = performance.now();
      await normal.client.listConnections();
      return performance.now() - t;
    };
    // The flood runs in its own process, as an attacker's would: its client work (signing,
    // fetch) is not done on the prober's event loop.
    const flood = spawn(
      process.execPath,
      ['--import', 'tsx', 'test/relay/flood-client.ts', relay.url, '2000', '50'],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    const lines = createInterface({ input: flood.stdout! })[Symbol.asyncIterator]();
    expect((await lines.next()).value).toBe('ready'); // proofs signed before anything is timed
    // The idle figure is taken before and after the flood, so a machine that gets busier or
    // quieter while the test runs moves it as much as the flood figure; the first calls to a
    // fresh relay are slower (code not yet optimised) and count in neither.
    for (let i = 0; i < 100; i++) await timed();
    const idle: number[] = [];
    for (let i = 0; i < 60; i++) idle.push(await timed());

    const busy: number[] = [];
    let flooding = true;
    const prober = (async () => {
      while (flooding) busy.push(await timed());
    })();
    const started = performance.now();
    flood.stdin!.write('go\n');
    const report = JSON.parse((await lines.next()).value as string) as { statuses: Record<string, number> };
    const floodMs = performance.now() - started;
    flooding = false;
    await prober;
    for (let i = 0; i < 60; i++) idle.push(await timed());
    const statuses = report.statuses;

    // Timing is reported, never asserted (machine noise); the refusals are asserted. The
    // issue's acceptance figure is the ratio: at most 2.
    console.log(
      `registration flood (separate process, 2000 requests, 50 at a time, ${(floodMs / 1000).toFixed(1)} s): ${JSON.stringify(statuses)}; normal install p50 idle ${p50(idle).toFixed(1)} ms (${idle.length} calls, before and after), during flood ${p50(busy).toFixed(1)} ms (${busy.length} calls), ratio ${(p50(busy) / p50(idle)).toFixed(2)}`,
    );
    expect(statuses['429']).toBeGreaterThanOrEqual(2000 - 2 * 10);
    expect((statuses['200'] ?? 0) + (statuses['201'] ?? 0)).toBeLessThanOrEqual(2 * 10);
    expect(busy.length).toBeGreaterThan(0);
  }, 180_000);
});

describe('registration refusals before the app', () => {
  it('answers 429 with Retry-After and the security headers, logs one summary, and leaves other routes to the app', async () => {
    const rut = await startRelay({
      sim,
      store: 'pglite',
      env: {
        REGISTRATIONS_PER_ADDRESS_PER_MINUTE: '2',
        REGISTRATIONS_PER_MINUTE: '1000',
        METRICS_TOKEN: 'metrics-token-for-tests',
      },
    });
    try {
      const register = async () => (await newInstall(rut.url, false)).client.register().catch((e) => e);
      expect(await register()).toMatchObject({ isNew: true });
      expect(await register()).toMatchObject({ isNew: true });
      const refused = await Promise.all(Array.from({ length: 5 }, register));
      for (const e of refused) {
        expect(e).toMatchObject({ status: 429, code: 'rate_limited' });
        expect(e.message).toMatch(/Too many installs registered from this address\. Try again in \d+ s\./);
      }
      const raw = await fetch(`${rut.url}/v1/installs`, {
        method: 'POST',
        headers: {
          origin: 'chrome-extension://abcdefghijklmnopabcdefghijklmnop',
          'content-type': 'application/json',
        },
        body: '{}',
      });
      expect(raw.status).toBe(429);
      expect(Number(raw.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(raw.headers.get('access-control-allow-origin')).toBe(
        'chrome-extension://abcdefghijklmnopabcdefghijklmnop',
      );
      // The same security headers as every answer the app makes.
      const appAnswer = await fetch(`${rut.url}/v1/connections`);
      for (const h of [
        'cache-control',
        'content-security-policy',
        'referrer-policy',
        'x-content-type-options',
        'x-frame-options',
        'strict-transport-security',
        'cross-origin-resource-policy',
        'cross-origin-opener-policy',
      ])
        expect(raw.headers.get(h), h).toBe(appAnswer.headers.get(h));
      // Refused before the app: no request line each, one summary when the relay stops.
      const lines = () => rut.logs.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(
        lines().filter((l) => l.msg === 'request' && l.path === '/v1/installs' && l.status === 429),
      ).toEqual([]);
      rut.relay.registrations.flush();
      expect(lines().filter((l) => l.msg === 'registrations refused (rate limited)')).toEqual([
        expect.objectContaining({
          refused: 6,
          byLimit: { address: 6, instance: 0 },
          addresses: 1,
          top: { '127.0.0.1': 6 },
        }),
      ]);
      // Counted at /metrics like the app's own answers.
      const metrics = await (
        await fetch(`${rut.url}/metrics`, { headers: { authorization: 'Bearer metrics-token-for-tests' } })
      ).text();
      expect(metrics).toContain(
        'relay_http_requests_total{method="POST",route="/v1/installs",status="429"} 6',
      );
      // Other routes are the app's as before.
      expect((await fetch(`${rut.url}/healthz`)).status).toBe(200);
    } finally {
      await rut.stop();
    }
  });
});

describe('an address past its limit waits for its refusals', () => {
  const METRICS = { authorization: 'Bearer metrics-token-for-tests' };
  const heldNow = async (url: string) => {
    const text = await (await fetch(`${url}/metrics`, { headers: METRICS })).text();
    return Number(/^relay_registration_refusals_held (\d+)$/m.exec(text)?.[1]);
  };
  /** Polls the gauge until it reads `n` (the test's timeout bounds the wait). */
  const untilHeld = async (url: string, n: number) => {
    while ((await heldNow(url)) !== n) await new Promise((r) => setTimeout(r, 20));
  };
  const post = (url: string) => {
    const hangUp = new AbortController();
    let isSettled = false;
    const status = fetch(`${url}/v1/installs`, { method: 'POST', signal: hangUp.signal }).then(
      (r) => r.status,
      () => 'hung up' as const,
    );
    void status.finally(() => {
      isSettled = true;
    });
    return { status, hangUp: () => hangUp.abort(), isSettled: () => isSettled };
  };

  it('holds refusals for the address limit, sends them at once past the held maximum, and frees a place when a client hangs up', {
    timeout: 90_000,
  }, async () => {
    const rut = await startRelay({
      sim,
      store: 'pglite',
      env: {
        REGISTRATIONS_PER_ADDRESS_PER_MINUTE: '1',
        REGISTRATION_REFUSAL_DELAY_MS: '60000',
        REGISTRATION_REFUSALS_HELD_MAX: '2',
        METRICS_TOKEN: 'metrics-token-for-tests',
      },
    });
    const posts: ReturnType<typeof post>[] = [];
    const send = () => {
      const p = post(rut.url);
      posts.push(p);
      return p;
    };
    try {
      // The address's one registration (turned away by the app for its missing proof).
      expect(await send().status).not.toBe(429);
      const first = send();
      const second = send();
      await untilHeld(rut.url, 2);
      // Past the held maximum: answered at once, while the first two still wait.
      expect(await send().status).toBe(429);
      expect([first.isSettled(), second.isSettled()]).toEqual([false, false]);
      // A client that hangs up frees its place for the next refusal.
      first.hangUp();
      expect(await first.status).toBe('hung up');
      await untilHeld(rut.url, 1);
      const third = send();
      await untilHeld(rut.url, 2);
      expect(await send().status).toBe(429);
      expect([second.isSettled(), third.isSettled()]).toEqual([false, false]);
    } finally {
      for (const p of posts) p.hangUp();
      await rut.stop();
    }
  });

  it('sends refusals for the instance-wide limit at once: they turn everyone away, not one address', {
    timeout: 45_000,
  }, async () => {
    const rut = await startRelay({
      sim,
      store: 'pglite',
      env: {
        REGISTRATIONS_PER_MINUTE: '1',
        REGISTRATION_REFUSAL_DELAY_MS: '60000',
        METRICS_TOKEN: 'metrics-token-for-tests',
      },
    });
    try {
      expect(await post(rut.url).status).not.toBe(429);
      // Held for its 60 s, this answer would come after the test's 45 s timeout.
      const refused = await fetch(`${rut.url}/v1/installs`, { method: 'POST' });
      expect(refused.status).toBe(429);
      expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(
        /registering too many installs/,
      );
      expect(await heldNow(rut.url)).toBe(0);
    } finally {
      await rut.stop();
    }
  });
});

describe('registration limit per client address behind a reverse proxy', () => {
  const registerFrom = async (url: string, forwardedFor: string) =>
    (await fetch(`${url}/v1/installs`, { method: 'POST', headers: { 'x-forwarded-for': forwardedFor } }))
      .status;

  it('with TRUST_PROXY=1 counts the address the proxy forwarded, so one client cannot use up another’s', {
    timeout: 90_000,
  }, async () => {
    const rut = await startRelay({
      sim,
      store: 'pglite',
      env: { TRUST_PROXY: '1', REGISTRATIONS_PER_ADDRESS_PER_MINUTE: '2' },
    });
    try {
      const a = [];
      for (let i = 0; i < 3; i++) a.push(await registerFrom(rut.url, '203.0.113.1'));
      // Refused for a bad proof, not for the limit, until the third.
      expect(a.slice(0, 2)).not.toContain(429);
      expect(a[2]).toBe(429);
      expect(await registerFrom(rut.url, '203.0.113.2')).not.toBe(429);
    } finally {
      await rut.stop();
    }
  });

  it('without TRUST_PROXY ignores X-Forwarded-For, so a client cannot choose a fresh address', {
    timeout: 90_000,
  }, async () => {
    const rut = await startRelay({
      sim,
      store: 'pglite',
      env: { REGISTRATIONS_PER_ADDRESS_PER_MINUTE: '2' },
    });
    try {
      const statuses = [];
      for (const ip of ['203.0.113.1', '203.0.113.2', '203.0.113.3'])
        statuses.push(await registerFrom(rut.url, ip));
      expect(statuses.slice(0, 2)).not.toContain(429);
      expect(statuses[2]).toBe(429);
    } finally {
      await rut.stop();
    }
  });
});

describe('per-instance request budget', () => {
  it('answers 429 "busy" past GLOBAL_REQUESTS_PER_SECOND, and never for health checks', async () => {
    const rut = await startRelay({ sim, store: 'pglite', env: { GLOBAL_REQUESTS_PER_SECOND: '5' } });
    try {
      const answers = await Promise.all(Array.from({ length: 30 }, () => fetch(`${rut.url}/openapi.json`)));
      const refused = answers.filter((r) => r.status === 429);
      expect(refused.length).toBeGreaterThan(0);
      expect(refused[0]!.headers.get('retry-after')).toBe('1');
      expect(((await refused[0]!.json()) as { error: { message: string } }).error.message).toMatch(/busy/);
      const health = await Promise.all(Array.from({ length: 30 }, () => fetch(`${rut.url}/healthz`)));
      expect(health.every((r) => r.status === 200)).toBe(true);
    } finally {
      await rut.stop();
    }
  });
});

describe('per-install queue quota', () => {
  it('refuses a job that would pass the install’s queued-invoice limit and queues none of it', async () => {
    const rut = await startRelay({
      sim,
      store: 'pglite',
      env: { INSTALL_QUEUED_INVOICES_MAX: '3' },
      build: { isWorkerDisabled: true },
    });
    try {
      const ext = await newInstall(rut.url);
      const { connectionId } = await connectAccount(ext, 'nz', [NZ_TENANT_ID]);
      await ext.client.submitInvoices({ connectionId, accountId: 'nz', invoices: items(1, 3) });
      const err = await ext.client
        .submitInvoices({ connectionId, accountId: 'nz', invoices: items(3, 5) })
        .catch((e) => e);
      expect(err).toMatchObject({ status: 429, code: 'quota_exceeded' });
      expect(err.message).toMatch(/already has 2 invoices.*limit of 3 invoices/);
      expect(
        await rut.relay.store.db.selectFrom('invoice_items').select('idempotency_key').execute(),
      ).toHaveLength(2);
      // Another install has its own quota.
      const other = await newInstall(rut.url);
      const o = await connectAccount(other, 'nz', [NZ_TENANT_ID]);
      await other.client.submitInvoices({
        connectionId: o.connectionId,
        accountId: 'nz',
        invoices: items(10, 13),
      });
    } finally {
      await rut.stop();
    }
  });

  it('counts bytes as well', async () => {
    const rut = await startRelay({
      sim,
      store: 'pglite',
      env: { INSTALL_QUEUED_BYTES_MAX: '1000' },
      build: { isWorkerDisabled: true },
    });
    try {
      const ext = await newInstall(rut.url);
      const { connectionId } = await connectAccount(ext, 'nz', [NZ_TENANT_ID]);
      await ext.client.submitInvoices({ connectionId, accountId: 'nz', invoices: items(1, 2) });
      const err = await ext.client
        .submitInvoices({ connectionId, accountId: 'nz', invoices: items(2, 4) })
        .catch((e) => e);
      expect(err).toMatchObject({ status: 429, code: 'quota_exceeded' });
    } finally {
      await rut.stop();
    }
  });
});

describe('retention', () => {
  it('prunes finished jobs, used sign-ins and idle installs after their periods, and nothing live', async () => {
    const rut = await startRelay({ sim, store: 'pglite' });
    try {
      const db = rut.relay.store.db;
      const ext = await newInstall(rut.url);
      const { connectionId } = await connectAccount(ext, 'nz', [NZ_TENANT_ID]);
      const { jobId } = await ext.client.submitInvoices({
        connectionId,
        accountId: 'nz',
        invoices: items(1, 3),
      });
      await waitForJob(ext.client, jobId);
      const idle = await newInstall(rut.url);
      // A sign-in never redeemed: its parked token pair must not stay.
      const abandoned = await newInstall(rut.url);
      const { launchUrl } = await abandoned.client.startConnect({ accountId: 'x', returnUrl: RETURN_URL });
      await consent(launchUrl!, 'allow', [NZ_TENANT_ID]);
      const count = async () => ({
        jobs: (await db.selectFrom('invoice_jobs').select('id').execute()).length,
        items: (await db.selectFrom('invoice_items').select('job_id').execute()).length,
        codes: (await db.selectFrom('relay_codes').select('code_hash').execute()).length,
        installs: (await db.selectFrom('installs').select('id').execute()).map((r) => r.id).sort(),
        connections: (await db.selectFrom('connections').select('id').execute()).length,
      });
      const before = await count();
      expect(before).toMatchObject({ jobs: 1, items: 2, codes: 2, connections: 1 });

      const config = rut.config; // defaults: 90 days, 24 hours, 30 days
      await applyRetention(rut.relay.store, config, Date.now() + 2 * DAY);
      const soon = await count();
      expect(soon).toEqual({ ...before, codes: 0 }); // sign-ins go after 24 h, nothing else

      await applyRetention(rut.relay.store, config, Date.now() + 91 * DAY);
      const later = await count();
      expect(later).toEqual({
        jobs: 0,
        items: 0,
        codes: 0,
        installs: [ext.key.installId], // it holds a connection; the idle ones went
        connections: 1,
      });
      expect(later.installs).not.toContain(idle.key.installId);
      // The kept install still works.
      expect(await ext.client.listConnections()).toHaveLength(1);
    } finally {
      await rut.stop();
    }
  }, 120_000);
});
