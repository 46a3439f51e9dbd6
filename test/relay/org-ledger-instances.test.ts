// Exactly once per organisation across relay instances: two installs, each through its own
// connection and its own relay instance on one PostgreSQL, send overlapping sets of bills to
// one organisation at the same time. Xero stores repeated bill numbers, and the two PUTs
// differ (so no Idempotency-Key merges them): only the relay can keep each bill single.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InvoicePayload } from '../../lib/relay-api';
import { NZ_TENANT_ID } from '../../xero-sim/seed';
import type { RunningSim } from '../../xero-sim/start';
import {
  connectAccount,
  createPgSchema,
  newInstall,
  type RelayUnderTest,
  startRelay,
  startTestSim,
} from './harness';
import { invoice, simInvoiceCounts, waitForJob } from './invoice-helpers';

const bill = (n: number): InvoicePayload =>
  invoice(n, { Type: 'ACCPAY', Contact: { Name: 'Amazon Payments' } });
const bills = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => ({
    idempotencyKey: `nz-pair:settlement-P${from + i}:1`,
    invoice: bill(from + i),
  }));

describe('two installs through two relay instances on one PostgreSQL', () => {
  let sim: RunningSim;
  let schema: Awaited<ReturnType<typeof createPgSchema>>;
  let one: RelayUnderTest;
  let two: RelayUnderTest;

  beforeAll(async () => {
    sim = await startTestSim();
    schema = await createPgSchema();
    const build = { workerPollMs: 50 };
    one = await startRelay({ sim, store: 'postgres', schema: schema.schema, build });
    two = await startRelay({ sim, store: 'postgres', schema: schema.schema, build });
  });
  afterAll(async () => {
    await one?.stop();
    await two?.stop();
    await sim?.stop();
    await schema?.drop();
  });

  it('post each of the bills both send once, and both show it done with the same invoice', async () => {
    const a = await newInstall(one.url);
    const b = await newInstall(two.url);
    const viaA = await connectAccount(a, 'nz-pair', [NZ_TENANT_ID]);
    const viaB = await connectAccount(b, 'nz-pair', [NZ_TENANT_ID]);
    // Slow answers, so both look-ups find nothing before either bill is created.
    await sim.controls.setLatency(300);
    const [sentA, sentB] = await Promise.all([
      a.client.submitInvoices({
        connectionId: viaA.connectionId,
        accountId: 'nz-pair',
        invoices: bills(0, 10),
      }),
      b.client.submitInvoices({
        connectionId: viaB.connectionId,
        accountId: 'nz-pair',
        invoices: bills(5, 15),
      }),
    ]);
    const [jobA, jobB] = await Promise.all([
      waitForJob(a.client, sentA.jobId),
      waitForJob(b.client, sentB.jobId),
    ]);
    await sim.controls.setLatency(0);

    expect(jobA.counts.done).toBe(10);
    expect(jobB.counts.done).toBe(10);
    const counts = simInvoiceCounts(sim, NZ_TENANT_ID);
    expect(bills(0, 15).map((i) => counts.get(i.invoice.InvoiceNumber))).toEqual(Array(15).fill(1));
    const idsA = new Map(jobA.items.map((i) => [i.invoiceNumber, i.invoiceId]));
    for (const item of jobB.items.slice(0, 5)) expect(item.invoiceId).toBe(idsA.get(item.invoiceNumber));
  });
});
