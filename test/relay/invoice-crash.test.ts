// The relay dies (SIGKILL) after Xero accepted a batch but before the relay recorded it.
// After a restart the worker must find the invoices by number instead of posting again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRelayClient } from '../../lib/relay-client';
import { NZ_TENANT_ID } from '../../xero-sim/seed';
import type { RunningSim } from '../../xero-sim/start';
import {
  type CrashStack,
  connectAccount,
  exited,
  newInstall,
  STORE_KINDS,
  type StoreKind,
  startCrashStack,
} from './harness';
import { items, simInvoiceCounts, waitForJob } from './invoice-helpers';
import { crashingRelay, spawnRelay } from './spawn';

describe.each(STORE_KINDS)(
  'a relay killed between Xero accepting and recording (%s store)',
  (storeKind: StoreKind) => {
    let stack: CrashStack;
    let sim: RunningSim;
    beforeAll(async () => {
      stack = await startCrashStack(storeKind);
      sim = stack.sim;
    });
    afterAll(() => stack?.stop());

    it('leaves exactly one invoice per item after the restart', { timeout: 90_000 }, async () => {
      const { env } = stack;
      const doomed = await spawnRelay(env, { args: crashingRelay('invoices') });
      const ext = await newInstall(doomed.url);
      const { connectionId } = await connectAccount(ext, 'nz-crash', [NZ_TENANT_ID]);
      // A bill too: Xero refuses a second ACCREC with the same number, but happily stores a
      // second ACCPAY, so only the relay's own de-duplication protects bills.
      const batch = items(5000, 5003);
      batch[2] = { ...batch[2]!, invoice: { ...batch[2]!.invoice, Type: 'ACCPAY' } };
      const { jobId } = await ext.client.submitInvoices({
        connectionId,
        accountId: 'nz-crash',
        invoices: batch,
      });
      const exitCode = await exited(doomed.child);
      expect(exitCode).toBeNull(); // killed by SIGKILL, not exited
      expect(doomed.child.signalCode).toBe('SIGKILL');
      // Xero has them; the relay never wrote that down.
      expect(batch.every((i) => simInvoiceCounts(sim, NZ_TENANT_ID).get(i.invoice.InvoiceNumber) === 1)).toBe(
        true,
      );

      // Xero forgets idempotency keys within minutes (the sim after 10): only the relay's own
      // look-up by invoice number can stop a second post now.
      sim.clock.advance(11 * 60_000);
      const revived = await spawnRelay(env);
      try {
        const client = createRelayClient({ baseUrl: revived.url, key: ext.key });
        const job = await waitForJob(
          client,
          jobId,
          (j) => j.state === 'done' || j.state === 'failed',
          60_000,
        );
        const counts = simInvoiceCounts(sim, NZ_TENANT_ID);
        expect(batch.map((i) => counts.get(i.invoice.InvoiceNumber))).toEqual([1, 1, 1]);
        expect(job.state).toBe('done');
        expect(job.items.every((i) => i.invoiceId)).toBe(true);
        const ids = new Set(
          [...(sim.state.orgs.get(NZ_TENANT_ID)?.invoices.values() ?? [])]
            .filter((i) => batch.some((b) => b.invoice.InvoiceNumber === i.InvoiceNumber))
            .map((i) => i.InvoiceID),
        );
        expect(new Set(job.items.map((i) => i.invoiceId))).toEqual(ids);
        const replays = (await sim.controls.calls()).filter((c) => c.isIdempotentReplay);
        expect(replays).toEqual([]);
      } finally {
        await revived.stop();
      }
    });
  },
);
