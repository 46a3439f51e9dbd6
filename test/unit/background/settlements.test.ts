import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { createAccountHandlers } from '../../../lib/background/accounts';
import { orgMappingId, setupId } from '../../../lib/background/books';
import { systemClock } from '../../../lib/background/clock';
import { createMappingHandlers } from '../../../lib/background/mapping';
import { createOutbox, settlementStatusFrom } from '../../../lib/background/outbox';
import type { RelayJobsPort } from '../../../lib/background/relay-port';
import { createSettlementHandlers } from '../../../lib/background/settlements';
import { SettlebridgeDb } from '../../../lib/db';
import type { Account } from '../../../lib/record-schemas';
import type { InvoiceAttachment, Job, JobItem } from '../../../lib/relay-api';
import { DEFAULT_MAPPING_DOCUMENT } from '../../../lib/settlement';
import { noSellerCentral } from './no-seller-central';

const fixture = (name: string) =>
  readFileSync(join(import.meta.dirname, '../../fixtures/settlements', name), 'utf8');
const page = { sender: {} };

/** A relay that accepts invoice jobs; each call can be told to fail first. */
class FakeJobs implements RelayJobsPort {
  submitted: { idempotencyKey: string }[][] = [];
  /** The files each request carried, per idempotency key. */
  files = new Map<string, { fileName: string; mimeType: string; contentBase64: string }[]>();
  /** Reads of a done job that still report its files as pending. */
  attachingReads = 0;
  jobs = new Map<string, JobItem[]>();
  failNext: { code: string; message: string; details?: Record<string, unknown> }[] = [];
  finishOnRead = true;

  private maybeFail() {
    const f = this.failNext.shift();
    if (f) throw Object.assign(new Error(f.message), f);
  }
  async submitInvoices(input: {
    invoices: { idempotencyKey: string; invoice: unknown; attachments?: InvoiceAttachment[] }[];
  }) {
    this.maybeFail();
    this.submitted.push(input.invoices.map((i) => ({ idempotencyKey: i.idempotencyKey })));
    for (const i of input.invoices) if (i.attachments) this.files.set(i.idempotencyKey, i.attachments);
    const jobId = `job-${this.jobs.size + 1}`;
    const items = input.invoices.map((i) => ({
      idempotencyKey: i.idempotencyKey,
      invoiceNumber: (i.invoice as { InvoiceNumber: string }).InvoiceNumber,
      state: 'queued' as const,
    }));
    this.jobs.set(jobId, items);
    return { jobId, items };
  }
  async getJob({ jobId }: { jobId: string }): Promise<Job> {
    this.maybeFail();
    const items = this.jobs.get(jobId) ?? [];
    if (this.finishOnRead) {
      const state = this.attachingReads-- > 0 ? 'pending' : 'attached';
      for (const i of items)
        Object.assign(i, {
          state: 'done',
          invoiceId: `inv-${i.idempotencyKey}`,
          xeroUrl: `https://xero.example/${i.idempotencyKey}`,
          attachments: (this.files.get(i.idempotencyKey) ?? []).map((f) => ({ fileName: f.fileName, state })),
        });
    }
    return {
      jobId,
      connectionId: 'c1',
      state: 'done',
      counts: { queued: 0, posting: 0, done: items.length, failed: 0, needs_reconnect: 0 },
      items,
      estimate: { secondsRemaining: 0, minuteRemaining: 60, dayRemaining: 5000 },
    };
  }
}

describe('settlements and the outbox', () => {
  let db: SettlebridgeDb;
  let relay: FakeJobs;
  let now: number;
  let account: Account;
  let outbox: ReturnType<typeof createOutbox>;
  let handlers: ReturnType<typeof createSettlementHandlers> & ReturnType<typeof createMappingHandlers>;
  let tabAccount: Account | undefined;

  beforeEach(async () => {
    db = new SettlebridgeDb(`test-${crypto.randomUUID()}`);
    relay = new FakeJobs();
    now = 1_700_000_000_000;
    const clock = { now: () => now };
    outbox = createOutbox({ db, relay: async () => relay, clock, random: () => 0.5 });
    account = await createAccountHandlers({ db, clock, sellerCentral: noSellerCentral })['account/create'](
      { name: 'Acme US', marketplace: 'US' },
      page,
    );
    await db.xeroConnections.put({
      id: 'c1',
      tenantId: 't1',
      organisationName: 'Org',
      status: 'connected',
      updatedAt: now,
    });
    await db.accounts.update(account.id, { xeroConnectionId: 'c1' });
    // The organisation's saved Books setup (here the CLI default document stands in for one).
    await db.mappings.put({
      id: orgMappingId('t1'),
      name: 'Org',
      document: DEFAULT_MAPPING_DOCUMENT,
      updatedAt: now,
    });
    tabAccount = account;
    handlers = {
      ...createSettlementHandlers({ db, outbox, accountForTab: async () => tabAccount, clock }),
      ...createMappingHandlers({ db, clock, accountForTab: async () => tabAccount }),
    };
  });

  const ingest = (file = 'us.tsv') =>
    handlers['settlement/import']({ accountId: account.id, text: fixture(file) }, page);

  it('refuses to send before the organisation’s Books setup is saved, and queues nothing', async () => {
    await db.mappings.delete(orgMappingId('t1'));
    const view = await ingest();
    const err = await handlers['settlement/send']({ settlementKey: view.settlementKey }, page).catch(
      (e: Error) => e,
    );
    expect(err).toMatchObject({ code: 'books_setup_needed' });
    expect((err as Error).message).toMatch(/Set up books for Org before sending/);
    expect(await db.sends.count()).toBe(0);
  });

  it('sends with the organisation’s Books setup, not the mapping the preview was built with', async () => {
    const view = await ingest();
    const setup = JSON.parse(JSON.stringify(DEFAULT_MAPPING_DOCUMENT).replaceAll('"200"', '"4000"'));
    await db.mappings.put({ id: orgMappingId('t1'), name: 'Org', document: setup, updatedAt: now });
    await handlers['settlement/send']({ settlementKey: view.settlementKey }, page);
    const [send] = await db.sends.toArray();
    const codes = (send!.payload as { LineItems: { AccountCode: string }[] }).LineItems.map(
      (l) => l.AccountCode,
    );
    expect(codes).toContain('4000');
    expect(codes).not.toContain('200');
  });

  it('sends the settlement file and a summary CSV with each invoice and follows them until attached', async () => {
    const view = await ingest();
    relay.attachingReads = 100;
    await handlers['settlement/send']({ settlementKey: view.settlementKey }, page);
    await outbox.drain();
    const [send] = await db.sends.toArray();
    const files = relay.files.get(send!.idempotencyKey) ?? [];
    expect(files.map((f) => [f.fileName, f.mimeType])).toEqual([
      [`settlement-${view.settlementId}.txt`, 'text/plain'],
      [`settlement-${view.settlementId}-summary.csv`, 'text/csv'],
    ]);
    const decode = (b64: string) =>
      new TextDecoder().decode(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)));
    expect(decode(files[0]!.contentBase64)).toBe(fixture('us.tsv'));
    const csv = decode(files[1]!.contentBase64);
    expect(csv.split('\r\n')[0]).toBe('Invoice,Type,Date,Currency,Line,Account,Tax,Tracking,Amount');
    expect(csv).toContain(view.report.invoices[0]!.number);
    // Sent, but its files were still going on: followed, not forgotten.
    expect(send?.state).toBe('sent');
    expect(send?.attachments?.map((a) => a.state)).toEqual(['pending', 'pending']);
    relay.attachingReads = 0;
    await outbox.drain();
    expect((await db.sends.toArray())[0]?.attachments?.map((a) => a.state)).toEqual(['attached', 'attached']);
  });

  it("puts the account's tracking option from Books setup on every line it posts, and only its own", async () => {
    await db.mappings.put({
      id: setupId('t1'),
      name: 'Org',
      document: {
        groups: {},
        trackingByAccount: {
          [account.id]: { category: 'Channel', option: 'Amazon US' },
          'another-account': { category: 'Channel', option: 'Amazon UK' },
        },
      },
      updatedAt: now,
    });
    const view = await ingest();
    await handlers['settlement/send']({ settlementKey: view.settlementKey }, page);
    const [send] = await db.sends.toArray();
    const lines = (send!.payload as { LineItems: { Tracking: { Name: string; Option: string }[] }[] })
      .LineItems;
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines) expect(line.Tracking).toEqual([{ Name: 'Channel', Option: 'Amazon US' }]);
    const report = (await db.settlements.get(view.settlementKey))?.report as {
      invoices: { lines: { tracking: unknown[] }[] }[];
    };
    expect(report.invoices[0]?.lines.every((l) => l.tracking.length === 1)).toBe(true);
  });

  it('previews a settlement whose invoice total equals the deposit', async () => {
    const view = await ingest();
    expect(view.status).toBe('new');
    expect(view.report.discrepancy).toBeNull();
    expect(view.report.invoices).toHaveLength(1);
    expect(view.report.invoices[0]?.total).toBe(view.report.depositTotal);
    expect(await db.sends.count()).toBe(0);
  });

  it('refuses a file that is not a settlement, saying where, and saves nothing', async () => {
    await expect(
      handlers['settlement/import']({ accountId: account.id, text: 'hello\tworld\n1\t2\n' }, page),
    ).rejects.toMatchObject({ code: 'invalid_settlement' });
    expect(await db.settlements.count()).toBe(0);
  });

  it('refuses a settlement in another currency than the account', async () => {
    await expect(ingest('uk.tsv')).rejects.toMatchObject({ code: 'currency_mismatch' });
    expect(await db.settlements.count()).toBe(0);
  });

  it('shows nothing to send for a zero settlement without rows, and Send queues nothing', async () => {
    const view = await ingest('zero.tsv');
    expect(view.report).toMatchObject({ isNothingToSend: true, invoices: [] });
    await expect(
      handlers['settlement/send']({ settlementKey: view.settlementKey }, page),
    ).rejects.toMatchObject({ code: 'nothing_to_send' });
    expect(await db.sends.count()).toBe(0);
    expect((await db.settlements.get(view.settlementKey))?.status).toBe('new');
  });

  it('previews an older V1 flat file as such', async () => {
    await db.accounts.update(account.id, { currency: 'CAD' });
    const view = await ingest('ca-v1.tsv');
    expect(view.report).toMatchObject({ format: 'V1', depositTotal: '40.16', discrepancy: null });
    expect(view.report.invoices[0]?.total).toBe('40.16');
  });

  it('writes the intent before any network call and keeps it when the relay is down', async () => {
    const view = await ingest();
    relay.failNext.push({ code: 'network_error', message: 'The relay could not be reached' });
    await handlers['settlement/send']({ settlementKey: view.settlementKey }, page);
    await outbox.drain();
    const [send] = await db.sends.toArray();
    expect(send).toMatchObject({ state: 'queued', attempts: 1, lastError: 'The relay could not be reached' });
    expect(send!.nextAttemptAt).toBeGreaterThan(now);
    expect(relay.submitted).toHaveLength(0);
    now = send!.nextAttemptAt;
    await outbox.drain();
    expect((await db.settlements.get(view.settlementKey))?.status).toBe('sent');
    expect(relay.submitted).toHaveLength(1);
  });

  it('sends once for a double click and a second tab', async () => {
    const view = await ingest();
    await Promise.all([
      handlers['settlement/send']({ settlementKey: view.settlementKey }, page),
      handlers['settlement/send']({ settlementKey: view.settlementKey }, page),
      handlers['settlement/send']({ settlementKey: view.settlementKey }, { sender: {}, tabId: 9 }),
    ]);
    await outbox.drain();
    expect(await db.sends.count()).toBe(1);
    expect(relay.submitted.flat()).toHaveLength(1);
    const after = await handlers['settlement/preview']({ settlementKey: view.settlementKey }, page);
    expect(after.parts).toEqual([
      expect.objectContaining({
        state: 'sent',
        xeroUrl: `https://xero.example/sb:${account.id}:${view.settlementId}:0`,
      }),
    ]);
  });

  it('follows the relay job it was told is already in flight instead of failing', async () => {
    const view = await ingest();
    await relay.submitInvoices({ invoices: [{ idempotencyKey: 'x', invoice: { InvoiceNumber: 'n' } }] });
    relay.failNext.push({ code: 'in_flight', message: 'already in flight', details: { jobId: 'job-1' } });
    await handlers['settlement/send']({ settlementKey: view.settlementKey }, page);
    await outbox.drain();
    expect((await db.sends.toArray())[0]?.jobId).toBe('job-1');
  });

  it('parks on needs_reconnect and resumes after Reconnect', async () => {
    const view = await ingest();
    relay.failNext.push({ code: 'needs_reconnect', message: 'Reconnect Xero' });
    await handlers['settlement/send']({ settlementKey: view.settlementKey }, page);
    await outbox.drain();
    expect((await db.settlements.get(view.settlementKey))?.status).toBe('needs_reconnect');
    await outbox.resume('c1');
    // Shown as back in the queue at once, before the relay is asked anything.
    expect((await db.settlements.get(view.settlementKey))?.status).toBe('queued');
    await outbox.drain();
    expect((await db.settlements.get(view.settlementKey))?.status).toBe('sent');
  });

  it('gives up only on errors a retry cannot fix, and says which', async () => {
    const view = await ingest();
    relay.failNext.push({ code: 'idempotency_conflict', message: 'Key already used with other content' });
    await handlers['settlement/send']({ settlementKey: view.settlementKey }, page);
    await outbox.drain();
    const settlement = await db.settlements.get(view.settlementKey);
    expect(settlement).toMatchObject({ status: 'failed', lastError: 'Key already used with other content' });
  });

  it('fails at once, saying which line, when the relay’s books check refuses the send', async () => {
    const view = await ingest();
    const message =
      'Nothing was sent. AMZ-1: Line 1 “Amazon sales” goes to 200 · Amazon Sales, which is archived in Xero; choose an active account in Books setup.';
    relay.failNext.push({ code: 'books_check_failed', message });
    await handlers['settlement/send']({ settlementKey: view.settlementKey }, page);
    await outbox.drain();
    const settlement = await db.settlements.get(view.settlementKey);
    expect(settlement?.status).toBe('failed');
    expect(settlement?.lastError).toContain('Line 1 “Amazon sales”');
    expect((await db.sends.toArray())[0]?.state).toBe('failed');
  });

  it("honours the relay's Retry-After when rate limited", async () => {
    const view = await ingest();
    relay.failNext.push({ code: 'rate_limited', message: 'Slow down', details: { retryAfter: 120 } });
    await handlers['settlement/send']({ settlementKey: view.settlementKey }, page);
    await outbox.drain();
    expect((await db.sends.toArray())[0]!.nextAttemptAt).toBe(now + 120_000);
  });

  it('refuses to send before the account is connected, and writes nothing', async () => {
    const view = await ingest();
    await db.xeroConnections.update('c1', { status: 'needs_reconnect' });
    await expect(
      handlers['settlement/send']({ settlementKey: view.settlementKey }, page),
    ).rejects.toMatchObject({
      code: 'needs_reconnect',
    });
    expect(await db.sends.count()).toBe(0);
  });

  it("refuses a content script's request for a settlement of an account its tab does not show", async () => {
    const view = await ingest();
    tabAccount = { ...account, id: crypto.randomUUID() };
    await expect(
      handlers['settlement/send']({ settlementKey: view.settlementKey }, { sender: {}, tabId: 3 }),
    ).rejects.toMatchObject({ code: 'forbidden' });
    expect(await db.sends.count()).toBe(0);
  });

  it('maps an unknown fee from the preview and rebuilds the invoice without the Unmapped line', async () => {
    const view = await ingest('unknown-fee.tsv');
    const unmapped = view.report.unmapped[0]!;
    expect(unmapped.key).toBe('other-transaction/other-transaction/FBAInboundPlacementServiceFee');
    const fixed = await handlers['mapping/set-account'](
      { settlementKey: view.settlementKey, key: unmapped.key, accountCode: '431' },
      page,
    );
    expect(fixed.report.unmapped).toEqual([]);
    expect(fixed.report.invoices[0]?.total).toBe(view.report.invoices[0]?.total);
  });
});

describe('settlementStatusFrom', () => {
  it.each([
    [[], 'new'],
    [['sent', 'sent'], 'sent'],
    [['sent', 'sending'], 'sending'],
    [['queued'], 'queued'],
    [['sent', 'parked'], 'needs_reconnect'],
    [['parked', 'failed'], 'failed'],
    [['sent', 'conflict', 'failed'], 'conflict'],
  ] as const)('%o → %s', (states, expected) => {
    expect(settlementStatusFrom(states)).toBe(expected);
  });
});

describe('outbox after a reconnect made elsewhere', () => {
  it('reads parked jobs back once the connection is connected again, without resume()', async () => {
    const db = new SettlebridgeDb(`test-${crypto.randomUUID()}`);
    const relay = new FakeJobs();
    const outbox = createOutbox({ db, relay: async () => relay, clock: systemClock });
    await db.xeroConnections.put({
      id: 'c1',
      tenantId: 't1',
      organisationName: 'Org',
      status: 'needs_reconnect',
      updatedAt: 0,
    });
    const { jobId } = await relay.submitInvoices({
      invoices: [{ idempotencyKey: 'k1', invoice: { InvoiceNumber: 'AMZ-1' } }],
    });
    await db.settlements.put({
      key: 'a:1',
      accountId: crypto.randomUUID(),
      settlementId: '1',
      currency: 'USD',
      depositTotalMinor: '100',
      periodStart: '',
      periodEnd: '',
      depositDate: '',
      status: 'needs_reconnect',
      report: {},
      payloads: [],
      source: '',
      updatedAt: 0,
    });
    await db.sends.add({
      idempotencyKey: 'k1',
      accountId: crypto.randomUUID(),
      settlementKey: 'a:1',
      part: 0,
      state: 'parked',
      connectionId: 'c1',
      invoiceNumber: 'AMZ-1',
      payload: {},
      jobId,
      attempts: 1,
      nextAttemptAt: 0,
      createdAt: 0,
    });
    await outbox.drain();
    expect((await db.sends.toArray())[0]?.state).toBe('parked');
    await db.xeroConnections.update('c1', { status: 'connected' });
    await outbox.drain();
    expect((await db.sends.toArray())[0]?.state).toBe('sent');
    expect((await db.settlements.get('a:1'))?.status).toBe('sent');
  });
});

describe('outbox when Xero already holds the number with another total', () => {
  it("shows the send and its settlement as a conflict with the relay's message, and does not retry it", async () => {
    const db = new SettlebridgeDb(`test-${crypto.randomUUID()}`);
    const relay = new FakeJobs();
    relay.finishOnRead = false;
    const outbox = createOutbox({ db, relay: async () => relay, clock: systemClock });
    await db.xeroConnections.put({
      id: 'c1',
      tenantId: 't1',
      organisationName: 'Org',
      status: 'connected',
      updatedAt: 0,
    });
    const { jobId } = await relay.submitInvoices({
      invoices: [{ idempotencyKey: 'k1', invoice: { InvoiceNumber: 'AMZ-1' } }],
    });
    const message = 'Xero already has bill AMZ-1 for Amazon dated 2025-06-21 with a different total.';
    Object.assign(relay.jobs.get(jobId)![0]!, {
      state: 'failed',
      error: { code: 'invoice_conflict', message, isRetryable: false },
    });
    await db.settlements.put({
      key: 'a:1',
      accountId: crypto.randomUUID(),
      settlementId: '1',
      currency: 'USD',
      depositTotalMinor: '100',
      periodStart: '',
      periodEnd: '',
      depositDate: '',
      status: 'sending',
      report: {},
      payloads: [],
      source: '',
      updatedAt: 0,
    });
    await db.sends.add({
      idempotencyKey: 'k1',
      accountId: crypto.randomUUID(),
      settlementKey: 'a:1',
      part: 0,
      state: 'sending',
      connectionId: 'c1',
      invoiceNumber: 'AMZ-1',
      payload: {},
      jobId,
      attempts: 1,
      nextAttemptAt: 0,
      createdAt: 0,
    });
    await outbox.drain();
    const [send] = await db.sends.toArray();
    expect(send?.state).toBe('conflict');
    expect(send?.lastError).toBe(message);
    const settlement = await db.settlements.get('a:1');
    expect(settlement?.status).toBe('conflict');
    expect(settlement?.lastError).toBe(message);
    await outbox.drain();
    expect(relay.submitted).toHaveLength(1);
  });
});
