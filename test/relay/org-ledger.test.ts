// Exactly once per Xero organisation, as Xero really behaves: bill numbers repeat (only
// ACCREC numbers are unique), a reconnected connection or a second install must not post a
// second bill, a sales invoice already in Xero is adopted, a clash is reported, and a call
// that hangs after Xero stored the invoice ends with one invoice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InvoicePayload } from '../../lib/relay-api';
import { NZ_TENANT_ID } from '../../xero-sim/seed';
import type { RunningSim } from '../../xero-sim/start';
import { connectAccount, newInstall, type RelayUnderTest, startRelay, startTestSim } from './harness';
import { invoice, simInvoiceCounts, waitForJob } from './invoice-helpers';

const NZ_SHORT_CODE = '!kWh9z';

function bill(n: number, overrides: Partial<InvoicePayload> = {}): InvoicePayload {
  return invoice(n, { Type: 'ACCPAY', Contact: { Name: 'Amazon Payments' }, ...overrides });
}

function simInvoices(sim: RunningSim, number: string) {
  return [...(sim.state.orgs.get(NZ_TENANT_ID)?.invoices.values() ?? [])].filter(
    (i) => i.InvoiceNumber === number && i.Status !== 'DELETED',
  );
}

async function putsFor(sim: RunningSim, since: number) {
  return (await sim.controls.calls())
    .slice(since)
    .filter((c) => c.method === 'PUT' && c.path.endsWith('/Invoices'));
}

describe('org ledger and look-ups', () => {
  let sim: RunningSim;
  let relay: RelayUnderTest;

  beforeAll(async () => {
    sim = await startTestSim();
    relay = await startRelay({
      sim,
      store: 'pglite',
      build: { workerPollMs: 50, xeroCallDeadlineMs: 1_500 },
    });
  });
  afterAll(async () => {
    await relay?.stop();
    await sim?.stop();
  });

  it('posts one bill when it is re-sent after Disconnect + Connect again and from a second install', async () => {
    const ext = await newInstall(relay.url);
    const first = await connectAccount(ext, 'nz-bills', [NZ_TENANT_ID]);
    const key = 'nz-bills:settlement-B1:1';
    const payload = bill(1);
    const sent = await ext.client.submitInvoices({
      connectionId: first.connectionId,
      accountId: 'nz-bills',
      invoices: [{ idempotencyKey: key, invoice: payload }],
    });
    const done = await waitForJob(ext.client, sent.jobId);
    const invoiceId = done.items[0]?.invoiceId;
    expect(done.items[0]?.state).toBe('done');
    // A bill links to Accounts Payable, through the organisation's login.
    expect(done.items[0]?.xeroUrl).toBe(
      `https://go.xero.com/organisationlogin/default.aspx?shortcode=${NZ_SHORT_CODE}&redirecturl=/AccountsPayable/Edit.aspx?InvoiceID=${invoiceId}`,
    );

    // Later that day: Xero has long forgotten the first call's Idempotency-Key.
    await sim.controls.advanceClock(60 * 60_000);
    await ext.client.disconnect({ connectionId: first.connectionId });
    const again = await connectAccount(ext, 'nz-bills', [NZ_TENANT_ID]);
    expect(again.connectionId).not.toBe(first.connectionId);
    const resent = await ext.client.submitInvoices({
      connectionId: again.connectionId,
      accountId: 'nz-bills',
      invoices: [{ idempotencyKey: key, invoice: payload }],
    });
    const afterReconnect = await waitForJob(ext.client, resent.jobId);
    expect(afterReconnect.items[0]).toMatchObject({ state: 'done', invoiceId });

    const other = await newInstall(relay.url);
    const third = await connectAccount(other, 'nz-bills', [NZ_TENANT_ID]);
    const fromOther = await other.client.submitInvoices({
      connectionId: third.connectionId,
      accountId: 'nz-bills',
      invoices: [{ idempotencyKey: key, invoice: payload }],
    });
    expect((await waitForJob(other.client, fromOther.jobId)).items[0]).toMatchObject({
      state: 'done',
      invoiceId,
    });

    expect(simInvoices(sim, payload.InvoiceNumber)).toHaveLength(1);
  });

  it('posts one bill when two installs send it at the same time through their own connections', async () => {
    const a = await newInstall(relay.url);
    const b = await newInstall(relay.url);
    const viaA = await connectAccount(a, 'nz-twice', [NZ_TENANT_ID]);
    const viaB = await connectAccount(b, 'nz-twice', [NZ_TENANT_ID]);
    expect(viaA.connectionId).not.toBe(viaB.connectionId);
    const key = 'nz-twice:settlement-B8:1';
    const payload = bill(8);
    // Slow answers, so both look-ups find nothing before either bill is created; A's batch
    // holds another bill too, so the two PUTs differ and Xero's Idempotency-Key cannot merge them.
    await sim.controls.setLatency(400);
    try {
      const [sentA, sentB] = await Promise.all([
        a.client.submitInvoices({
          connectionId: viaA.connectionId,
          accountId: 'nz-twice',
          invoices: [
            { idempotencyKey: key, invoice: payload },
            { idempotencyKey: 'nz-twice:settlement-B9:1', invoice: bill(9) },
          ],
        }),
        b.client.submitInvoices({
          connectionId: viaB.connectionId,
          accountId: 'nz-twice',
          invoices: [{ idempotencyKey: key, invoice: payload }],
        }),
      ]);
      const [jobA, jobB] = await Promise.all([
        waitForJob(a.client, sentA.jobId),
        waitForJob(b.client, sentB.jobId),
      ]);
      const stored = simInvoices(sim, payload.InvoiceNumber);
      expect(stored).toHaveLength(1);
      expect(jobA.items[0]).toMatchObject({ state: 'done', invoiceId: stored[0]?.InvoiceID });
      expect(jobA.items[1]?.state).toBe('done');
      expect(jobB.items[0]).toMatchObject({ state: 'done', invoiceId: stored[0]?.InvoiceID });
    } finally {
      await sim.controls.setLatency(0);
    }
  });

  it('looks a bill up before creating it: one already in Xero with the same total is adopted, nothing posted', async () => {
    const ext = await newInstall(relay.url);
    const { connectionId } = await connectAccount(ext, 'nz-adopt', [NZ_TENANT_ID]);
    const payload = bill(2);
    const first = await ext.client.submitInvoices({
      connectionId,
      accountId: 'nz-adopt',
      invoices: [{ idempotencyKey: 'nz-adopt:B2:1', invoice: payload }],
    });
    const invoiceId = (await waitForJob(ext.client, first.jobId)).items[0]?.invoiceId;
    await sim.controls.advanceClock(60 * 60_000);
    const since = (await sim.controls.calls()).length;
    // Another key for the same bill (e.g. a key scheme changed, or the ledger was lost).
    const second = await ext.client.submitInvoices({
      connectionId,
      accountId: 'nz-adopt',
      invoices: [{ idempotencyKey: 'nz-adopt:B2:other', invoice: payload }],
    });
    expect((await waitForJob(ext.client, second.jobId)).items[0]).toMatchObject({ state: 'done', invoiceId });
    expect(await putsFor(sim, since)).toEqual([]);
    expect(simInvoices(sim, payload.InvoiceNumber)).toHaveLength(1);
  });

  it('reports a conflict and posts nothing when a bill with the same number and contact has another total', async () => {
    const ext = await newInstall(relay.url);
    const { connectionId } = await connectAccount(ext, 'nz-clash', [NZ_TENANT_ID]);
    const original = bill(3);
    const first = await ext.client.submitInvoices({
      connectionId,
      accountId: 'nz-clash',
      invoices: [{ idempotencyKey: 'nz-clash:B3:1', invoice: original }],
    });
    await waitForJob(ext.client, first.jobId);
    const since = (await sim.controls.calls()).length;
    const changed = bill(3, {
      LineItems: [{ ...original.LineItems[0]!, UnitAmount: '999.99' }],
    });
    const second = await ext.client.submitInvoices({
      connectionId,
      accountId: 'nz-clash',
      invoices: [{ idempotencyKey: 'nz-clash:B3:2', invoice: changed }],
    });
    const job = await waitForJob(ext.client, second.jobId);
    expect(job.items[0]?.state).toBe('failed');
    expect(job.items[0]?.error?.code).toBe('invoice_conflict');
    expect(job.items[0]?.error?.message).toContain('different total');
    expect(await putsFor(sim, since)).toEqual([]);
    const inXero = simInvoices(sim, original.InvoiceNumber);
    expect(inXero).toHaveLength(1);
    expect(inXero[0]?.Total).toBe(932_500n); // 103.50 - 10.25, untouched
  });

  it('adopts a sales invoice Xero refuses as "must be unique" when it is the same one, and reports a different one', async () => {
    const ext = await newInstall(relay.url);
    const { connectionId } = await connectAccount(ext, 'nz-sales', [NZ_TENANT_ID]);
    const payload = invoice(4);
    const first = await ext.client.submitInvoices({
      connectionId,
      accountId: 'nz-sales',
      invoices: [{ idempotencyKey: 'nz-sales:S4:1', invoice: payload }],
    });
    const invoiceId = (await waitForJob(ext.client, first.jobId)).items[0]?.invoiceId;

    const same = await ext.client.submitInvoices({
      connectionId,
      accountId: 'nz-sales',
      invoices: [{ idempotencyKey: 'nz-sales:S4:2', invoice: payload }],
    });
    const adopted = await waitForJob(ext.client, same.jobId);
    expect(adopted.items[0]).toMatchObject({ state: 'done', invoiceId });
    expect(adopted.items[0]?.xeroUrl).toBe(
      `https://go.xero.com/organisationlogin/default.aspx?shortcode=${NZ_SHORT_CODE}&redirecturl=/AccountsReceivable/View.aspx?InvoiceID=${invoiceId}`,
    );

    const other = await ext.client.submitInvoices({
      connectionId,
      accountId: 'nz-sales',
      invoices: [
        {
          idempotencyKey: 'nz-sales:S4:3',
          invoice: invoice(4, { LineItems: [{ ...payload.LineItems[0]!, UnitAmount: '1.00' }] }),
        },
      ],
    });
    const clash = await waitForJob(ext.client, other.jobId);
    expect(clash.items[0]?.error?.code).toBe('invoice_conflict');
    expect(simInvoices(sim, payload.InvoiceNumber)).toHaveLength(1);
  });

  it('ends with one invoice when PUT /Invoices hangs after Xero stored it: times out, looks up, adopts', async () => {
    const ext = await newInstall(relay.url);
    const { connectionId } = await connectAccount(ext, 'nz-hang', [NZ_TENANT_ID]);
    const payload = invoice(5);
    const since = (await sim.controls.calls()).length;
    await sim.controls.failNext({
      kind: 'hang',
      hangPhase: 'after',
      pathPrefix: '/api.xro/2.0/Invoices',
      holdMs: 120_000,
    });
    const sent = await ext.client.submitInvoices({
      connectionId,
      accountId: 'nz-hang',
      invoices: [{ idempotencyKey: 'nz-hang:S5:1', invoice: payload }],
    });
    const job = await waitForJob(ext.client, sent.jobId);
    expect(job.items[0]?.state).toBe('done');
    const stored = simInvoices(sim, payload.InvoiceNumber);
    expect(stored).toHaveLength(1);
    expect(job.items[0]?.invoiceId).toBe(stored[0]?.InvoiceID);
    const calls = (await sim.controls.calls()).slice(since).filter((c) => c.path.endsWith('/Invoices'));
    expect(calls.filter((c) => c.method === 'PUT')).toHaveLength(1);
    expect(calls.some((c) => c.method === 'GET')).toBe(true);
  });

  it('posts once after retry when PUT /Invoices hangs before Xero stored it', async () => {
    const ext = await newInstall(relay.url);
    const { connectionId } = await connectAccount(ext, 'nz-hang2', [NZ_TENANT_ID]);
    const payload = invoice(6);
    const since = (await sim.controls.calls()).length;
    await sim.controls.failNext({
      kind: 'hang',
      hangPhase: 'before',
      pathPrefix: '/api.xro/2.0/Invoices',
      holdMs: 120_000,
    });
    const sent = await ext.client.submitInvoices({
      connectionId,
      accountId: 'nz-hang2',
      invoices: [{ idempotencyKey: 'nz-hang2:S6:1', invoice: payload }],
    });
    const job = await waitForJob(ext.client, sent.jobId);
    expect(job.items[0]?.state).toBe('done');
    expect(simInvoices(sim, payload.InvoiceNumber)).toHaveLength(1);
    const calls = (await sim.controls.calls()).slice(since).filter((c) => c.path.endsWith('/Invoices'));
    expect(calls.filter((c) => c.method === 'PUT')).toHaveLength(2);
    expect(simInvoiceCounts(sim, NZ_TENANT_ID).get(payload.InvoiceNumber)).toBe(1);
  });

  it('sends amounts beyond 2^53 minor units digit for digit and adopts them exactly on a look-up', async () => {
    const ext = await newInstall(relay.url);
    const { connectionId } = await connectAccount(ext, 'nz-big', [NZ_TENANT_ID]);
    // 19 significant digits: a double keeps about 16, so Number() would send 123456789012345.67.
    const payload = invoice(7, {
      LineItems: [{ ...invoice(7).LineItems[0]!, UnitAmount: '123456789012345.6789' }],
    });
    const sent = await ext.client.submitInvoices({
      connectionId,
      accountId: 'nz-big',
      invoices: [{ idempotencyKey: 'nz-big:S7:1', invoice: payload }],
    });
    const job = await waitForJob(ext.client, sent.jobId);
    expect(job.items[0]?.state).toBe('done');
    const [stored] = simInvoices(sim, payload.InvoiceNumber);
    expect(stored?.LineItems[0]?.UnitAmount).toBe(1_234_567_890_123_456_789n);
    // Xero rounds the line to cents: 123,456,789,012,345.68 (12,345,678,901,234,568 cents, beyond 2^53).
    expect(stored?.Total).toBe(1_234_567_890_123_456_800n);
    // A second key for it is looked up ("must be unique") and matched to the cent.
    const again = await ext.client.submitInvoices({
      connectionId,
      accountId: 'nz-big',
      invoices: [{ idempotencyKey: 'nz-big:S7:2', invoice: payload }],
    });
    expect((await waitForJob(ext.client, again.jobId)).items[0]).toMatchObject({
      state: 'done',
      invoiceId: stored?.InvoiceID,
    });
  });
});
