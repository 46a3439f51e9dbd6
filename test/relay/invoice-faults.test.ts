// The faults the invoice worker must survive, each ending by counting invoices in the sim.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fastForwardClock } from '../../relay/jobs/clock';
import { createClock } from '../../xero-sim/clock';
import { NZ_TENANT_ID } from '../../xero-sim/seed';
import type { RunningSim } from '../../xero-sim/start';
import {
  connectAccount,
  createPgSchema,
  newInstall,
  type RelayUnderTest,
  STORE_KINDS,
  type StoreKind,
  startRelay,
  startTestSim,
} from './harness';
import { items, simInvoiceCounts, waitForJob } from './invoice-helpers';

describe.each(STORE_KINDS)('invoice jobs under Xero faults (%s store)', (storeKind: StoreKind) => {
  describe('a 429 storm and 500s', () => {
    let sim: RunningSim;
    let relay: RelayUnderTest;
    let schema: Awaited<ReturnType<typeof createPgSchema>> | undefined;
    beforeAll(async () => {
      schema = storeKind === 'postgres' ? await createPgSchema() : undefined;
      // One fast-forward clock for the sim and the relay's scheduler: Retry-After: 60 is
      // honoured by jumping the clock, and the sim's call log shows the gap.
      const clock = createClock({ frozenAt: Date.UTC(2026, 10, 2, 9) });
      sim = await startTestSim({ clock });
      relay = await startRelay({
        sim,
        store: storeKind,
        schema: schema?.schema,
        build: { schedulerClock: fastForwardClock(clock), workerPollMs: 50 },
      });
    });
    afterAll(async () => {
      await relay?.stop();
      await sim?.stop();
      await schema?.drop();
    });

    it('sends every invoice once and waits Retry-After before calling the organisation again', async () => {
      const ext = await newInstall(relay.url);
      const { connectionId } = await connectAccount(ext, 'nz-storm', [NZ_TENANT_ID]);
      const since = (await sim.controls.calls()).length;
      await sim.controls.failNext({ kind: '429', count: 4, pathPrefix: '/api.xro/' });
      await sim.controls.failNext({ kind: '500', count: 2, pathPrefix: '/api.xro/' });
      const { jobId } = await ext.client.submitInvoices({
        connectionId,
        accountId: 'nz-storm',
        invoices: items(0, 120),
      });
      const job = await waitForJob(ext.client, jobId);
      expect(job.state).toBe('done');
      expect(job.counts.done).toBe(120);

      const counts = simInvoiceCounts(sim, NZ_TENANT_ID);
      expect([...counts.values()].every((n) => n === 1)).toBe(true);
      expect(items(0, 120).every((i) => counts.get(i.invoice.InvoiceNumber) === 1)).toBe(true);

      const calls = (await sim.controls.calls()).slice(since).filter((c) => c.path.startsWith('/api.xro/'));
      const throttled = calls.filter((c) => c.status === 429);
      expect(throttled.length).toBeGreaterThanOrEqual(1);
      // After a 429 (Retry-After: 60) nothing reached the organisation for 60 s of its clock.
      for (const t of throttled) {
        const next = calls.find((c) => c.at > t.at && c.status !== 429);
        if (next) expect(next.at - t.at).toBeGreaterThanOrEqual(60_000);
      }
      expect(calls.some((c) => c.status === 500)).toBe(true);
      // The batches that met a 500 were looked up by number before being posted again.
      expect(calls.some((c) => c.method === 'GET' && c.path.endsWith('/Invoices'))).toBe(true);
    });
  });

  describe('a disconnect inside Xero mid-bulk', () => {
    let sim: RunningSim;
    let relay: RelayUnderTest;
    let schema: Awaited<ReturnType<typeof createPgSchema>> | undefined;
    beforeAll(async () => {
      schema = storeKind === 'postgres' ? await createPgSchema() : undefined;
      sim = await startTestSim();
      relay = await startRelay({
        sim,
        store: storeKind,
        schema: schema?.schema,
        // One call at a time so the disconnect lands between batches deterministically.
        build: { workerPollMs: 50, orgLimits: { concurrent: 1, perMinute: 60, perDay: 5000 } },
      });
    });
    afterAll(async () => {
      await relay?.stop();
      await sim?.stop();
      await schema?.drop();
    });

    it('parks the remaining items as needs_reconnect and finishes them after Reconnect', async () => {
      const ext = await newInstall(relay.url);
      const { connectionId } = await connectAccount(ext, 'nz-bulk', [NZ_TENANT_ID]);
      await sim.controls.setLatency(150);
      const { jobId } = await ext.client.submitInvoices({
        connectionId,
        accountId: 'nz-bulk',
        invoices: items(1000, 1300),
      });
      await waitForJob(ext.client, jobId, (j) => j.counts.done >= 50);
      await sim.controls.disconnectTenant(NZ_TENANT_ID);
      const parked = await waitForJob(ext.client, jobId, (j) => j.counts.queued + j.counts.posting === 0);
      expect(parked.state).toBe('parked');
      expect(parked.counts.failed).toBe(0);
      expect(parked.counts.needs_reconnect).toBeGreaterThan(0);
      expect((await ext.client.listConnections())[0]?.status).toBe('needs_reconnect');
      // Parked means parked: no calls while waiting for the user.
      const before = sim.state.counts.apiCalls;
      await new Promise((r) => setTimeout(r, 400));
      expect(sim.state.counts.apiCalls).toBe(before);

      await sim.controls.setLatency(0);
      await connectAccount(ext, 'nz-bulk', [NZ_TENANT_ID], connectionId);
      const job = await waitForJob(ext.client, jobId, (j) => j.state === 'done' || j.state === 'failed');
      expect(job.state).toBe('done');
      expect(job.counts.done).toBe(300);
      const counts = simInvoiceCounts(sim, NZ_TENANT_ID);
      expect(items(1000, 1300).every((i) => counts.get(i.invoice.InvoiceNumber) === 1)).toBe(true);
    });
  });
});
