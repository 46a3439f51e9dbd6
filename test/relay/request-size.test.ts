// Xero caps a request body at 3.5 MB whatever the invoice count: two invoices of 1.9 MB
// each go out in two PUTs, never one refused with 413.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NZ_TENANT_ID } from '../../xero-sim/seed';
import type { RunningSim } from '../../xero-sim/start';
import { connectAccount, newInstall, type RelayUnderTest, startRelay, startTestSim } from './harness';
import { invoice, simInvoiceCounts, waitForJob } from './invoice-helpers';

describe('batches under the request-size limit', () => {
  let sim: RunningSim;
  let relay: RelayUnderTest;
  beforeAll(async () => {
    sim = await startTestSim();
    relay = await startRelay({ sim, store: 'pglite', build: { workerPollMs: 50 } });
  });
  afterAll(async () => {
    await relay?.stop();
    await sim?.stop();
  });

  it('splits a batch that would pass 3.5 MB, so Xero never answers 413', async () => {
    const ext = await newInstall(relay.url);
    const { connectionId } = await connectAccount(ext, 'nz-big-body', [NZ_TENANT_ID]);
    const line = { ...invoice(0).LineItems[0]!, Description: 'd'.repeat(4_000), UnitAmount: '1.00' };
    const heavy = (n: number) => invoice(n, { LineItems: Array.from({ length: 475 }, () => line) });
    const since = (await sim.controls.calls()).length;
    const job = await ext.client.submitInvoices({
      connectionId,
      accountId: 'nz-big-body',
      invoices: [
        { idempotencyKey: 'nz-big-body:1', invoice: heavy(9001) },
        { idempotencyKey: 'nz-big-body:2', invoice: heavy(9002) },
      ],
    });
    expect((await waitForJob(ext.client, job.jobId)).counts.done).toBe(2);
    const calls = (await sim.controls.calls()).slice(since).filter((c) => c.path.endsWith('/Invoices'));
    expect(calls.filter((c) => c.status === 413)).toEqual([]);
    expect(calls.filter((c) => c.method === 'PUT')).toHaveLength(2);
    const counts = simInvoiceCounts(sim, NZ_TENANT_ID);
    expect([counts.get('AMZ-T009001'), counts.get('AMZ-T009002')]).toEqual([1, 1]);
  }, 180_000); // 7.6 MB of JSON through the relay and the sim: slow on a shared machine
});
