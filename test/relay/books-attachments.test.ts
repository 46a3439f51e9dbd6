// The audit trail: each posted invoice gets the settlement file and its summary CSV attached
// exactly once, through the real xero-node SDK and real HTTP to xero-sim, however the upload
// goes: answered, answered too late (stored, answer lost), refused, or the relay killed
// between Xero storing it and the relay recording it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InvoiceAttachment } from '../../lib/relay-api';
import { createRelayClient } from '../../lib/relay-client';
import { NZ_TENANT_ID } from '../../xero-sim/seed';
import type { RunningSim } from '../../xero-sim/start';
import {
  type CrashStack,
  connectAccount,
  createPgSchema,
  exited,
  newInstall,
  type RelayUnderTest,
  STORE_KINDS,
  type StoreKind,
  startCrashStack,
  startRelay,
  startTestSim,
} from './harness';
import { items, simInvoiceCounts, waitForJob } from './invoice-helpers';
import { crashingRelay, spawnRelay } from './spawn';

const b64 = (text: string) => Buffer.from(text).toString('base64');

function filesFor(n: number): InvoiceAttachment[] {
  return [
    {
      fileName: `settlement-T${n}.txt`,
      mimeType: 'text/plain',
      contentBase64: b64(`settlement-id\ttotal-amount\nT${n}\t${100 + n}.50\n`),
    },
    {
      fileName: `settlement-T${n}-summary.csv`,
      mimeType: 'text/csv',
      contentBase64: b64(`Line,Amount\nSales,${n}\n`),
    },
  ];
}

const withFiles = (from: number, to: number) =>
  items(from, to).map((i, k) => ({ ...i, attachments: filesFor(from + k) }));

/** Each invoice's attachments in the sim, by invoice number: [file name, text], by name (duplicates kept). */
function simAttachments(sim: RunningSim, numbers: string[]) {
  const org = sim.state.orgs.get(NZ_TENANT_ID)!;
  return numbers.map((n) => {
    const inv = [...org.invoices.values()].find((i) => i.InvoiceNumber === n);
    return (org.attachments.get(inv?.InvoiceID ?? '') ?? [])
      .map((a) => [a.FileName, Buffer.from(a.content).toString()])
      .sort((x, y) => (x[0]! < y[0]! ? -1 : x[0]! > y[0]! ? 1 : 0));
  });
}

const settled = (j: { items: { attachments?: { state: string }[] }[] }) =>
  j.items.every((i) => (i.attachments ?? []).every((a) => a.state !== 'pending'));

describe.each(STORE_KINDS)('invoice attachments (%s store)', (storeKind: StoreKind) => {
  let sim: RunningSim;
  let relay: RelayUnderTest;
  let schema: Awaited<ReturnType<typeof createPgSchema>> | undefined;
  beforeAll(async () => {
    schema = storeKind === 'postgres' ? await createPgSchema() : undefined;
    // Xero forgets idempotency keys within minutes; here at once, so only the relay's own
    // look on the invoice can stop a second upload of a file whose answer was lost.
    sim = await startTestSim({ idempotencyTtlMs: 1 });
    relay = await startRelay({
      sim,
      store: storeKind,
      schema: schema?.schema,
      build: { workerPollMs: 50, xeroCallDeadlineMs: 1_000 },
    });
  });
  afterAll(async () => {
    await relay?.stop();
    await sim?.stop();
    await schema?.drop();
  });

  it('attaches both files to each invoice once, and a re-send adds nothing', async () => {
    const ext = await newInstall(relay.url);
    const { connectionId } = await connectAccount(ext, 'nz-att', [NZ_TENANT_ID]);
    const batch = withFiles(7000, 7003);
    const { jobId } = await ext.client.submitInvoices({ connectionId, accountId: 'nz-att', invoices: batch });
    const job = await waitForJob(ext.client, jobId, (j) => j.state === 'done' && settled(j));
    expect(job.items.map((i) => i.attachments?.map((a) => a.state))).toEqual([
      ['attached', 'attached'],
      ['attached', 'attached'],
      ['attached', 'attached'],
    ]);
    const numbers = batch.map((i) => i.invoice.InvoiceNumber);
    expect(simAttachments(sim, numbers)).toEqual(
      batch.map((i) =>
        i.attachments
          .map((f) => [f.fileName, Buffer.from(f.contentBase64, 'base64').toString()])
          .sort((x, y) => (x[0]! < y[0]! ? -1 : 1)),
      ),
    );
    // The same keys again (a second click, another tab): answered from the store, nothing new.
    const again = await ext.client.submitInvoices({ connectionId, accountId: 'nz-att', invoices: batch });
    expect(
      again.items.every((i) => i.state === 'done' && i.attachments?.every((a) => a.state === 'attached')),
    ).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    expect(simAttachments(sim, numbers).map((l) => l.length)).toEqual([2, 2, 2]);
  });

  it('looks on the invoice instead of uploading again when an upload answer was lost', async () => {
    const ext = await newInstall(relay.url);
    const { connectionId } = await connectAccount(ext, 'nz-lost', [NZ_TENANT_ID]);
    // Xero stores the first file, then never answers in time: the relay gives up after 1 s.
    await sim.controls.failNext({
      kind: 'hang',
      hangPhase: 'after',
      holdMs: 2_500,
      method: 'PUT',
      pathPrefix: '/api.xro/2.0/Invoices/',
    });
    const batch = withFiles(7100, 7101);
    const { jobId } = await ext.client.submitInvoices({
      connectionId,
      accountId: 'nz-lost',
      invoices: batch,
    });
    const job = await waitForJob(ext.client, jobId, (j) => j.state === 'done' && settled(j));
    expect(job.items[0]?.attachments?.map((a) => a.state)).toEqual(['attached', 'attached']);
    const [files] = simAttachments(sim, [batch[0]!.invoice.InvoiceNumber]);
    expect(files?.map((f) => f[0]).sort()).toEqual(['settlement-T7100-summary.csv', 'settlement-T7100.txt']);
    expect(simInvoiceCounts(sim, NZ_TENANT_ID).get(batch[0]!.invoice.InvoiceNumber)).toBe(1);
  });

  it('shows a file Xero refuses as failed with its reason; the invoice stays posted once', async () => {
    const ext = await newInstall(relay.url);
    const { connectionId } = await connectAccount(ext, 'nz-refused', [NZ_TENANT_ID]);
    const batch = withFiles(7200, 7201);
    const number = batch[0]!.invoice.InvoiceNumber;
    // Every upload refused: the invoice itself must be unaffected.
    await sim.controls.failNext({
      kind: 'validation',
      message: 'The attachment could not be saved',
      method: 'PUT',
      pathPrefix: '/api.xro/2.0/Invoices/',
      count: 2,
    });
    // The invoice PUT goes to /Invoices (no trailing slash), so the fault only meets uploads.
    const { jobId } = await ext.client.submitInvoices({
      connectionId,
      accountId: 'nz-refused',
      invoices: batch,
    });
    const job = await waitForJob(ext.client, jobId, (j) => j.state === 'done' && settled(j));
    expect(job.items[0]?.state).toBe('done');
    expect(job.items[0]?.attachments?.map((a) => a.state)).toEqual(['failed', 'failed']);
    expect(job.items[0]?.attachments?.[0]?.error?.message).toMatch(/not attached: .*could not be saved/);
    expect(simInvoiceCounts(sim, NZ_TENANT_ID).get(number)).toBe(1);
    expect(simAttachments(sim, [number])).toEqual([[]]);
  });
});

describe.each(STORE_KINDS)(
  'a relay killed between Xero storing an attachment and recording it (%s store)',
  (storeKind: StoreKind) => {
    let stack: CrashStack;
    let sim: RunningSim;
    beforeAll(async () => {
      stack = await startCrashStack(storeKind);
      sim = stack.sim;
    });
    afterAll(() => stack?.stop());

    it('leaves each file attached once after the restart', { timeout: 90_000 }, async () => {
      const { env } = stack;
      const doomed = await spawnRelay(env, { args: crashingRelay('attachment') });
      const ext = await newInstall(doomed.url);
      const { connectionId } = await connectAccount(ext, 'nz-att-crash', [NZ_TENANT_ID]);
      const batch = withFiles(7300, 7301);
      const number = batch[0]!.invoice.InvoiceNumber;
      const { jobId } = await ext.client.submitInvoices({
        connectionId,
        accountId: 'nz-att-crash',
        invoices: batch,
      });
      await exited(doomed.child);
      expect(doomed.child.signalCode).toBe('SIGKILL');
      // The invoice and one file are in Xero; the relay never wrote the file down.
      expect(simInvoiceCounts(sim, NZ_TENANT_ID).get(number)).toBe(1);
      expect(simAttachments(sim, [number])[0]).toHaveLength(1);

      // Past Xero's idempotency window: only the relay's look on the invoice prevents a second copy.
      sim.clock.advance(11 * 60_000);
      const revived = await spawnRelay(env);
      try {
        const client = createRelayClient({ baseUrl: revived.url, key: ext.key });
        const job = await waitForJob(client, jobId, (j) => j.state === 'done' && settled(j), 60_000);
        expect(job.items[0]?.attachments?.map((a) => a.state)).toEqual(['attached', 'attached']);
        const names = simAttachments(sim, [number])[0]
          ?.map((f) => f[0])
          .sort();
        expect(names).toEqual(['settlement-T7300-summary.csv', 'settlement-T7300.txt']);
        expect(simInvoiceCounts(sim, NZ_TENANT_ID).get(number)).toBe(1);
      } finally {
        await revived.stop();
      }
    });
  },
);
