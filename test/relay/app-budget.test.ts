// Three relay instances on one PostgreSQL share Xero's app-wide limit (10,000 calls a minute
// across every organisation; here set low on both sides) as well as each organisation's:
// together they never draw a 429, and every invoice is posted once. Organisation facts and
// currency changes asked for during the bulk send wait their turn in the same budget.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRelayClient } from '../../lib/relay-client';
import { NZ_TENANT_ID, UK_TENANT_ID } from '../../xero-sim/seed';
import type { RunningSim } from '../../xero-sim/start';
import {
  connectAccount,
  newInstall,
  type RelayUnderTest,
  type SharedInstances,
  startSharedInstances,
} from './harness';
import { invoice, simInvoiceCounts, waitForJob } from './invoice-helpers';

const ukItems = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => ({
    idempotencyKey: `acct-uk:settlement-U${from + i}:1`,
    invoice: invoice(from + i, {
      CurrencyCode: 'GBP',
      InvoiceNumber: `AMZ-U${String(from + i).padStart(6, '0')}`,
    }),
  }));
const nzItems = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => ({
    idempotencyKey: `acct-nz:settlement-N${from + i}:1`,
    invoice: invoice(from + i),
  }));

describe('three relay instances under a low app-wide limit', () => {
  // The app limit (12 a minute) binds before either organisation's (10 a minute each).
  const limits = { concurrent: 5, perMinute: 10, perDay: 5000, appPerMinute: 12 };
  let instances: SharedInstances;
  let sim: RunningSim;
  let relays: RelayUnderTest[];

  beforeAll(async () => {
    instances = await startSharedInstances({
      count: 3,
      frozenAt: Date.UTC(2026, 10, 4, 9),
      simLimits: { perMinutePerTenant: 10 },
      prepareSim: (s) => s.controls.setLimits({ perMinutePerApp: 12 }),
      orgLimits: limits,
    });
    ({ sim, relays } = instances);
  });
  afterAll(() => instances?.stop());

  it('draw no 429 across two organisations, post each invoice once, and fit facts and currency changes in', async () => {
    const [a, b, c] = relays as [RelayUnderTest, RelayUnderTest, RelayUnderTest];
    const ext = await newInstall(a.url);
    const nz = await connectAccount(ext, 'acct-nz', [NZ_TENANT_ID]);
    const uk = await connectAccount(ext, 'acct-uk', [UK_TENANT_ID]);
    const viaB = createRelayClient({ baseUrl: b.url, key: ext.key });
    const viaC = createRelayClient({ baseUrl: c.url, key: ext.key });
    const since = (await sim.controls.calls()).length;

    const jobs = [
      await ext.client.submitInvoices({
        connectionId: nz.connectionId,
        accountId: 'acct-nz',
        invoices: nzItems(0, 200),
      }),
      await viaB.submitInvoices({
        connectionId: uk.connectionId,
        accountId: 'acct-uk',
        invoices: ukItems(0, 200),
      }),
      await viaC.submitInvoices({
        connectionId: nz.connectionId,
        accountId: 'acct-nz',
        invoices: nzItems(200, 400),
      }),
    ];
    // While the bulk send runs: organisation facts (3 calls each) and a currency change (4).
    const sideCalls = await Promise.all([
      viaB.organisation({ connectionId: nz.connectionId, accountId: 'acct-nz' }),
      viaC.organisation({ connectionId: uk.connectionId, accountId: 'acct-uk' }),
      ext.client.enableCurrency({ connectionId: uk.connectionId, accountId: 'acct-uk', currency: 'AUD' }),
    ]);
    expect(sideCalls[2].currencies).toContain('AUD');
    for (const j of jobs) expect((await waitForJob(ext.client, j.jobId)).counts.done).toBe(200);

    const calls = (await sim.controls.calls()).slice(since).filter((k) => k.path.startsWith('/api.xro/'));
    expect(calls.filter((k) => k.status === 429)).toEqual([]);
    // 24 PUTs + organisation reads + 10 side calls at 12 a minute: several app-wide windows.
    expect(calls.length).toBeGreaterThan(36);
    for (let i = 0; i < calls.length; i++) {
      const inWindow = calls.filter((k) => k.at > calls[i]!.at - 60_000 && k.at <= calls[i]!.at);
      expect(inWindow.length).toBeLessThanOrEqual(12);
    }
    expect(relays.filter((r) => r.relay.worker.stats.puts > 0).length).toBeGreaterThanOrEqual(2);
    const nzCounts = simInvoiceCounts(sim, NZ_TENANT_ID);
    const ukCounts = simInvoiceCounts(sim, UK_TENANT_ID);
    expect(nzItems(0, 400).every((i) => nzCounts.get(i.invoice.InvoiceNumber) === 1)).toBe(true);
    expect(ukItems(0, 200).every((i) => ukCounts.get(i.invoice.InvoiceNumber) === 1)).toBe(true);
  });
});
