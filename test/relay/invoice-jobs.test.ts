import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InvoicePayload } from '../../lib/relay-api';
import { RelayError } from '../../lib/relay-client';
import { DEFAULT_MAPPING_DOCUMENT, parseMapping, settle, toXeroPayload } from '../../lib/settlement/index';
import { NZ_TENANT_ID, UK_TENANT_ID } from '../../xero-sim/seed';
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
import { invoice, items, keyFor, simInvoiceCounts, waitForJob } from './invoice-helpers';

/** us.tsv through the real settlement engine, with the two lines Xero refuses remapped. */
async function usSettlementPayload(): Promise<{ payload: InvoicePayload; deposit: bigint }> {
  // 820 is Xero's system tax account (no line may post to it) and 205 is archived in the
  // sim's chart: a bookkeeper's mapping points those at 825 and 202.
  const doc = JSON.parse(
    JSON.stringify(DEFAULT_MAPPING_DOCUMENT).replaceAll('"820"', '"825"').replaceAll('"205"', '"202"'),
  );
  const mapping = parseMapping(doc);
  if (!mapping.ok) throw new Error('mapping');
  const result = await settle(readFileSync('test/fixtures/settlements/us.tsv', 'utf8'), {
    mapping: mapping.value,
  });
  if (!result.ok) throw new Error('settle');
  const [inv] = result.value.invoices.invoices;
  return { payload: toXeroPayload(inv!), deposit: result.value.invoices.depositTotal };
}

describe.each(STORE_KINDS)('invoice jobs (%s store)', (storeKind: StoreKind) => {
  let sim: RunningSim;
  let relay: RelayUnderTest;
  let schema: Awaited<ReturnType<typeof createPgSchema>> | undefined;

  beforeAll(async () => {
    sim = await startTestSim();
    schema = storeKind === 'postgres' ? await createPgSchema() : undefined;
    relay = await startRelay({ sim, store: storeKind, schema: schema?.schema, build: { workerPollMs: 50 } });
  });
  afterAll(async () => {
    await relay?.stop();
    await sim?.stop();
    await schema?.drop();
  });

  it('posts a real settlement once, as a DRAFT whose total is the deposit, and answers a re-send with the first result', async () => {
    const ext = await newInstall(relay.url);
    const { connectionId } = await connectAccount(ext, 'us-main', [UK_TENANT_ID]);
    const { payload, deposit } = await usSettlementPayload();
    const key = 'us-main:18004731211:1';
    const submitted = await ext.client.submitInvoices({
      connectionId,
      accountId: 'us-main',
      invoices: [{ idempotencyKey: key, invoice: payload }],
    });
    expect(submitted.items[0]?.state).toBe('queued');
    const job = await waitForJob(ext.client, submitted.jobId);
    expect(job.state).toBe('done');
    const [item] = job.items;
    expect(item?.invoiceId).toBeTruthy();
    expect(item?.xeroUrl).toBe(
      `https://go.xero.com/organisationlogin/default.aspx?shortcode=!hBr4q&redirecturl=/AccountsReceivable/View.aspx?InvoiceID=${item?.invoiceId}`,
    );

    const inSim = [...(sim.state.orgs.get(UK_TENANT_ID)?.invoices.values() ?? [])].filter(
      (i) => i.InvoiceNumber === payload.InvoiceNumber,
    );
    expect(inSim).toHaveLength(1);
    expect(inSim[0]?.Status).toBe('DRAFT');
    expect(inSim[0]?.Total).toBe(deposit * 100n); // sim keeps 1/10000 units; USD has 2 decimals

    const callsBefore = sim.state.counts.apiCalls;
    const again = await ext.client.submitInvoices({
      connectionId,
      accountId: 'us-main',
      invoices: [{ idempotencyKey: key, invoice: payload }],
    });
    expect(again.items[0]).toMatchObject({ state: 'done', invoiceId: item?.invoiceId });
    expect((await ext.client.getJob({ jobId: again.jobId })).state).toBe('done');
    await new Promise((r) => setTimeout(r, 300));
    expect(sim.state.counts.apiCalls).toBe(callsBefore);
  });

  it('refuses a key reused for another payload (422) and a key still in flight (409 with its job id)', async () => {
    const ext = await newInstall(relay.url);
    const { connectionId } = await connectAccount(ext, 'nz-a', [NZ_TENANT_ID]);
    await sim.controls.setLatency(300); // keep the first job in flight while we probe
    try {
      const first = await ext.client.submitInvoices({
        connectionId,
        accountId: 'nz-a',
        invoices: items(1, 3),
      });
      const inFlight = await ext.client
        .submitInvoices({ connectionId, accountId: 'nz-a', invoices: items(2, 4) })
        .catch((e: RelayError) => e);
      expect(inFlight).toBeInstanceOf(RelayError);
      expect(inFlight).toMatchObject({ status: 409, code: 'in_flight', details: { jobId: first.jobId } });

      const conflict = await ext.client
        .submitInvoices({
          connectionId,
          accountId: 'nz-a',
          invoices: [{ idempotencyKey: keyFor(1), invoice: invoice(1, { Reference: 'changed' }) }],
        })
        .catch((e: RelayError) => e);
      expect(conflict).toMatchObject({ status: 422, code: 'idempotency_conflict' });
      expect((conflict as RelayError).message).toContain(keyFor(1));
      await waitForJob(ext.client, first.jobId);
    } finally {
      await sim.controls.setLatency(0);
    }
    // Nothing of the refused requests was stored: key 3 is still free.
    const later = await ext.client.submitInvoices({ connectionId, accountId: 'nz-a', invoices: items(3, 4) });
    expect((await waitForJob(ext.client, later.jobId)).state).toBe('done');
    expect(simInvoiceCounts(sim, NZ_TENANT_ID).get(invoice(3).InvoiceNumber)).toBe(1);
  });

  it('fails only the invoice Xero rejects, with Xero’s message, and posts the rest of the batch', async () => {
    const ext = await newInstall(relay.url);
    const { connectionId } = await connectAccount(ext, 'nz-b', [NZ_TENANT_ID]);
    const batch = items(100, 104);
    // A negative total passes the books check (lib/books/check.ts) but Xero refuses it as an invoice.
    batch[1] = {
      idempotencyKey: keyFor(101),
      invoice: invoice(101, {
        LineItems: [{ ...invoice(101).LineItems[0]!, UnitAmount: '-999.00' }],
      }),
    };
    const callsBefore = (await sim.controls.calls()).length;
    const { jobId } = await ext.client.submitInvoices({ connectionId, accountId: 'nz-b', invoices: batch });
    const job = await waitForJob(ext.client, jobId);
    expect(job.state).toBe('failed');
    expect(job.counts).toMatchObject({ done: 3, failed: 1 });
    expect(job.items[1]).toMatchObject({
      state: 'failed',
      error: { code: 'xero_rejected', isRetryable: false },
    });
    expect(job.items[1]?.error?.message).toMatch(/total cannot be negative/);
    const puts = (await sim.controls.calls()).slice(callsBefore).filter((c) => c.method === 'PUT');
    expect(puts).toHaveLength(1); // one batch, not retried
    // Nothing left, so nothing to wait for; the budget shows the call just made.
    expect(job.estimate.secondsRemaining).toBe(0);
    expect(job.estimate.minuteRemaining).toBeLessThan(60);
    expect(job.estimate.dayRemaining).toBeLessThan(5000);
  });

  it('lets only the creating install read a job, and only granted accounts submit', async () => {
    const owner = await newInstall(relay.url);
    const { connectionId } = await connectAccount(owner, 'nz-c', [NZ_TENANT_ID]);
    const { jobId } = await owner.client.submitInvoices({
      connectionId,
      accountId: 'nz-c',
      invoices: items(200, 201),
    });
    const stranger = await newInstall(relay.url);
    await expect(stranger.client.getJob({ jobId })).rejects.toMatchObject({
      status: 403,
      code: 'not_granted',
    });
    await expect(
      owner.client.submitInvoices({ connectionId, accountId: 'not-granted', invoices: items(201, 202) }),
    ).rejects.toMatchObject({ status: 403, code: 'not_granted' });
    // Another install submitting is told what an ungranted account is told, not that the
    // connection belongs to someone else.
    await expect(
      stranger.client.submitInvoices({ connectionId, accountId: 'nz-c', invoices: items(201, 202) }),
    ).rejects.toMatchObject({
      status: 403,
      code: 'not_granted',
      message: expect.stringMatching(/^This Amazon account has not been given access/),
    });
    await waitForJob(owner.client, jobId);
  });
});
