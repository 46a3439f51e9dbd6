// Invoices for the sim's NZ organisation, polling a relay job until it settles, and counting
// what reached the sim: shared by the invoice-job suites and `npm run bench:send`.
import type { InvoicePayload, Job } from '../../lib/relay-api';
import type { RelayClient } from '../../lib/relay-client';
import type { RunningSim } from '../../xero-sim/start';

/** A small NZD invoice that the sim's NZ organisation accepts. */
export function invoice(n: number, overrides: Partial<InvoicePayload> = {}): InvoicePayload {
  return {
    Type: 'ACCREC',
    Contact: { Name: 'Amazon.com' },
    Date: '2025-06-21',
    DueDate: '2025-06-21',
    LineAmountTypes: 'NoTax',
    InvoiceNumber: `AMZ-T${String(n).padStart(6, '0')}`,
    Reference: `Amazon.com settlement T${n}`,
    CurrencyCode: 'NZD',
    LineItems: [
      {
        Description: 'Amazon sales',
        Quantity: 1,
        UnitAmount: `${100 + n}.50`,
        AccountCode: '200',
        TaxType: 'NONE',
        Tracking: [],
      },
      {
        Description: 'Amazon commission',
        Quantity: 1,
        UnitAmount: '-10.25',
        AccountCode: '430',
        TaxType: 'NONE',
        Tracking: [],
      },
    ],
    ...overrides,
  };
}

export const keyFor = (n: number) => `acct-nz:settlement-T${n}:1`;

export const items = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => ({
    idempotencyKey: keyFor(from + i),
    invoice: invoice(from + i),
  }));

/** Polls the job until `isDone` holds; bounded so a stuck worker fails the test instead of hanging. */
export async function waitForJob(
  client: RelayClient,
  jobId: string,
  isDone: (job: Job) => boolean = (j) => j.counts.queued + j.counts.posting === 0,
  timeoutMs = 60_000,
): Promise<Job> {
  const deadline = Date.now() + timeoutMs;
  let job = await client.getJob({ jobId });
  while (!isDone(job)) {
    if (Date.now() > deadline) throw new Error(`job ${jobId} did not settle: ${JSON.stringify(job.counts)}`);
    await new Promise((r) => setTimeout(r, 100));
    job = await client.getJob({ jobId });
  }
  return job;
}

/** Invoices in the sim's organisation by number, counting duplicates. */
export function simInvoiceCounts(sim: RunningSim, tenantId: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const inv of sim.state.orgs.get(tenantId)?.invoices.values() ?? []) {
    if (inv.Status === 'DELETED') continue;
    counts.set(inv.InvoiceNumber, (counts.get(inv.InvoiceNumber) ?? 0) + 1);
  }
  return counts;
}
