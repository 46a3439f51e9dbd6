// Two relay instances on one PostgreSQL share one organisation's Xero budget: together
// they never exceed it (no 429), and every invoice is posted once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRelayClient } from '../../lib/relay-client';
import { NZ_TENANT_ID } from '../../xero-sim/seed';
import type { RunningSim } from '../../xero-sim/start';
import {
  connectAccount,
  newInstall,
  type RelayUnderTest,
  type SharedInstances,
  startSharedInstances,
} from './harness';
import { items, simInvoiceCounts, waitForJob } from './invoice-helpers';

describe('two relay instances on one PostgreSQL', () => {
  // A small minute limit on both sides keeps the test quick while still needing several
  // minute windows; the code path is the one the real 60/min takes.
  const limits = { concurrent: 5, perMinute: 6, perDay: 5000 };
  let instances: SharedInstances;
  let sim: RunningSim;
  let a: RelayUnderTest;
  let b: RelayUnderTest;

  beforeAll(async () => {
    instances = await startSharedInstances({
      count: 2,
      frozenAt: Date.UTC(2026, 10, 3, 9),
      simLimits: { concurrentPerTenant: 5, perMinutePerTenant: 6, perDayPerTenant: 5000 },
      orgLimits: limits,
    });
    sim = instances.sim;
    [a, b] = instances.relays as [RelayUnderTest, RelayUnderTest];
  });
  afterAll(() => instances?.stop());

  it('share the organisation’s limits: no 429 and each invoice once, with both doing work', async () => {
    const ext = await newInstall(a.url);
    const { connectionId } = await connectAccount(ext, 'nz-shared', [NZ_TENANT_ID]);
    const viaB = createRelayClient({ baseUrl: b.url, key: ext.key });
    const since = (await sim.controls.calls()).length;
    const jobs = [
      await ext.client.submitInvoices({ connectionId, accountId: 'nz-shared', invoices: items(7000, 7500) }),
      await viaB.submitInvoices({ connectionId, accountId: 'nz-shared', invoices: items(7500, 8000) }),
    ];
    for (const j of jobs) expect((await waitForJob(ext.client, j.jobId)).counts.done).toBe(500);

    const calls = (await sim.controls.calls()).slice(since).filter((c) => c.path.startsWith('/api.xro/'));
    expect(calls.filter((c) => c.status === 429)).toEqual([]);
    expect(calls.filter((c) => c.method === 'PUT')).toHaveLength(20);
    // 20 calls at 6 a minute span at least three full windows of the organisation's clock.
    expect(calls.at(-1)!.at - calls[0]!.at).toBeGreaterThanOrEqual(3 * 60_000);
    expect(a.relay.worker.stats.puts).toBeGreaterThan(0);
    expect(b.relay.worker.stats.puts).toBeGreaterThan(0);
    const counts = simInvoiceCounts(sim, NZ_TENANT_ID);
    expect(items(7000, 8000).every((i) => counts.get(i.invoice.InvoiceNumber) === 1)).toBe(true);
  });
});
