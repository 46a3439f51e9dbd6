import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createClock } from '../../xero-sim/clock.ts';
import { NZ_TENANT_ID, UK_TENANT_ID } from '../../xero-sim/seed.ts';
import { api, connect, inProcessSim, startTestSim } from './helpers.ts';

type Sim = Awaited<ReturnType<typeof startTestSim>>;
const MINUTE = 60_000;

describe('rate limits', () => {
  it('reports remaining minute, day and app-minute calls on every answer', async () => {
    const sim = inProcessSim({ clock: createClock({ frozenAt: Date.now() }) });
    const { access_token } = await connect(sim);
    const res = await api(sim, access_token, NZ_TENANT_ID, '/Organisation');
    expect(res.headers.get('x-minlimit-remaining')).toBe('59');
    expect(res.headers.get('x-daylimit-remaining')).toBe('4999');
    expect(res.headers.get('x-appminlimit-remaining')).toBe('9999');
  });

  it('refuses the 61st call in a minute with Retry-After, then admits again a minute later', async () => {
    const sim = inProcessSim({ clock: createClock({ frozenAt: Date.now() }) });
    const { access_token } = await connect(sim);
    for (let i = 0; i < 60; i++) {
      expect((await api(sim, access_token, NZ_TENANT_ID, '/Organisation')).status).toBe(200);
      sim.clock.advance(100);
    }
    const refused = await api(sim, access_token, NZ_TENANT_ID, '/Organisation');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('x-rate-limit-problem')).toBe('minute');
    expect(refused.headers.get('x-minlimit-remaining')).toBe('0');
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(54);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // The limit is per organisation: the other one is unaffected.
    expect((await api(sim, access_token, UK_TENANT_ID, '/Organisation')).status).toBe(200);
    sim.clock.advance(retryAfter * 1000);
    expect((await api(sim, access_token, NZ_TENANT_ID, '/Organisation')).status).toBe(200);
  });

  it('refuses the 5,001st call in a day, then admits again after 24 hours', async () => {
    const sim = inProcessSim({ clock: createClock({ frozenAt: Date.now() }) });
    let { access_token } = await connect(sim);
    for (let i = 0; i < 5_000; i++) {
      // 2 seconds apart keeps every minute at 30 calls, so only the day limit can bite.
      const res = await api(sim, access_token, NZ_TENANT_ID, '/Organisation');
      if (res.status !== 200) throw new Error(`call ${i} answered ${res.status}`);
      sim.clock.advance(2_000);
      if (i % 800 === 799) ({ access_token } = await connect(sim, { tenants: [NZ_TENANT_ID] }));
    }
    const refused = await api(sim, access_token, NZ_TENANT_ID, '/Organisation');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('x-rate-limit-problem')).toBe('day');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(60);
    sim.clock.advance(24 * 60 * MINUTE);
    ({ access_token } = await connect(sim, { tenants: [NZ_TENANT_ID] }));
    expect((await api(sim, access_token, NZ_TENANT_ID, '/Organisation')).status).toBe(200);
  }, 60_000);

  it('refuses calls beyond the app-wide minute limit across organisations', async () => {
    const sim = inProcessSim({
      clock: createClock({ frozenAt: Date.now() }),
      limits: { perMinutePerApp: 3 },
    });
    const { access_token } = await connect(sim);
    await api(sim, access_token, NZ_TENANT_ID, '/Organisation');
    await api(sim, access_token, UK_TENANT_ID, '/Organisation');
    await api(sim, access_token, NZ_TENANT_ID, '/Organisation');
    const refused = await api(sim, access_token, UK_TENANT_ID, '/Organisation');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('x-rate-limit-problem')).toBe('appminute');
  });

  describe('concurrency over real sockets', () => {
    let sim: Sim;
    beforeAll(async () => {
      sim = await startTestSim();
    });
    afterAll(() => sim.stop());

    it('refuses a 6th call in flight for one organisation with X-Rate-Limit-Problem: concurrent', async () => {
      const { access_token } = await connect(sim);
      await sim.controls.setLatency(300);
      const calls = Array.from({ length: 6 }, () => api(sim, access_token, UK_TENANT_ID, '/Organisation'));
      const statuses = await Promise.all(calls.map(async (p) => (await p).status));
      const refused = await Promise.all(
        calls.map(async (p) => (await p).headers.get('x-rate-limit-problem')),
      );
      await sim.controls.setLatency(0);
      expect(statuses.filter((s) => s === 200)).toHaveLength(5);
      expect(statuses.filter((s) => s === 429)).toHaveLength(1);
      expect(refused.filter((p) => p === 'concurrent')).toHaveLength(1);
      // Once the five finish, the slot is free again.
      expect((await api(sim, access_token, UK_TENANT_ID, '/Organisation')).status).toBe(200);
    });
  });
});

describe('idempotency keys', () => {
  let sim: Sim;
  let token: string;
  const body = (n: string) => ({
    Invoices: [
      {
        Type: 'ACCREC',
        Contact: { Name: 'Amazon.com' },
        InvoiceNumber: n,
        LineItems: [{ Description: 'x', UnitAmount: 10, AccountCode: '201', TaxType: 'NONE' }],
      },
    ],
  });
  const send = (key: string, payload: unknown, tenant = UK_TENANT_ID) =>
    api(sim, token, tenant, '/Invoices', {
      method: 'PUT',
      body: payload,
      headers: { 'Idempotency-Key': key },
    });
  const stored = async (tenant = UK_TENANT_ID) =>
    (await sim.controls.state()).tenants.find((t) => t.tenantId === tenant)?.invoices ?? [];

  beforeAll(async () => {
    sim = await startTestSim();
  });
  beforeEach(async () => {
    await sim.controls.reset();
    token = (await connect(sim)).access_token;
  });
  afterAll(() => sim.stop());

  it('replays the first answer for the same key and body', async () => {
    const first = await send('k-1', body('I-1'));
    const second = await send('k-1', body('I-1'));
    expect(second.status).toBe(first.status);
    expect(await second.text()).toBe(await first.text());
    expect(await stored()).toHaveLength(1);
    expect((await sim.controls.calls()).filter((c) => c.isIdempotentReplay)).toHaveLength(1);
  });

  it('replays a refusal too, instead of acting on the retry', async () => {
    await send('k-dup', body('I-9'));
    const first = await send('k-2', body('I-9'));
    expect(first.status).toBe(400);
    expect((await send('k-2', body('I-9'))).status).toBe(400);
  });

  it('refuses the same key with a different body', async () => {
    await send('k-3', body('I-3'));
    const res = await send('k-3', body('I-4'));
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('Idempotency-Key');
    expect((await stored()).map((i) => i.InvoiceNumber)).toEqual(['I-3']);
  });

  it('refuses a key longer than 128 characters and accepts one of exactly 128', async () => {
    expect((await send('x'.repeat(129), body('I-5'))).status).toBe(400);
    expect((await send('x'.repeat(128), body('I-5'))).status).toBe(200);
  });

  it('forgets a key after its time to live', async () => {
    await send('k-6', body('I-6'));
    sim.clock.advance(11 * MINUTE);
    const res = await send('k-6', body('I-6'));
    expect(res.status).toBe(400); // acted on again, so the number is now a duplicate
    expect(await res.text()).toContain('Invoice # must be unique.');
  });

  it('scopes keys to the organisation', async () => {
    await send('k-7', body('I-7'), UK_TENANT_ID);
    const other = await send(
      'k-7',
      { Invoices: [{ ...body('I-7').Invoices[0], Contact: { Name: 'Amazon.com.au' } }] },
      NZ_TENANT_ID,
    );
    expect(other.status).toBe(200);
    expect(await stored(NZ_TENANT_ID)).toHaveLength(1);
  });
});
