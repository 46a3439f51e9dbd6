import { beforeEach, describe, expect, it } from 'vitest';
import {
  createHistoryHandlers,
  createProblemWatch,
  currentProblems,
  type ProblemNotice,
} from '../../../lib/background/history';
import { createOutbox } from '../../../lib/background/outbox';
import type { RelayJobsPort } from '../../../lib/background/relay-port';
import { SettlebridgeDb } from '../../../lib/db';
import { setLocale } from '../../../lib/i18n';
// Every language's catalog, for the tests in other languages.
import '../../../lib/i18n-catalogs';
import type { Send, Settlement, SettlementStatus } from '../../../lib/record-schemas';
import type { Job, JobItem } from '../../../lib/relay-api';

const page = { sender: {} };
const US = '11111111-1111-4111-8111-111111111111';
const UK = '22222222-2222-4222-8222-222222222222';

/** A relay that finishes every job it is asked about, recording what was submitted. */
class FinishingRelay implements RelayJobsPort {
  submitted: string[][] = [];
  jobs = new Map<string, JobItem[]>();
  async submitInvoices(input: { invoices: { idempotencyKey: string; invoice: unknown }[] }) {
    this.submitted.push(input.invoices.map((i) => i.idempotencyKey));
    const jobId = `job-${this.jobs.size + 1}`;
    const items = input.invoices.map((i) => ({
      idempotencyKey: i.idempotencyKey,
      invoiceNumber: 'AMZ',
      state: 'queued' as const,
    }));
    this.jobs.set(jobId, items);
    return { jobId, items };
  }
  async getJob({ jobId }: { jobId: string }): Promise<Job> {
    const items = (this.jobs.get(jobId) ?? []).map((i) => ({
      ...i,
      state: 'done' as const,
      invoiceId: `inv-${i.idempotencyKey}`,
      xeroUrl: `https://go.xero.com/organisationlogin/default.aspx?shortcode=!abc&redirecturl=${i.idempotencyKey}`,
    }));
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

function settlement(accountId: string, id: string, periodEnd: string, status: SettlementStatus): Settlement {
  return {
    key: `${accountId}:${id}`,
    accountId,
    settlementId: id,
    currency: accountId === US ? 'USD' : 'GBP',
    depositTotalMinor: '-310',
    periodStart: '2025-01-01',
    periodEnd,
    depositDate: periodEnd,
    status,
    report: {},
    payloads: [{ InvoiceNumber: `AMZ-${id}`, fresh: true }],
    source: 'file',
    updatedAt: 1_000,
  };
}

function send(s: Settlement, state: Send['state'], extra: Partial<Send> = {}): Send {
  return {
    idempotencyKey: `sb:${s.accountId}:${s.settlementId}:0`,
    accountId: s.accountId,
    settlementKey: s.key,
    part: 0,
    state,
    connectionId: s.accountId === US ? 'c1' : 'c2',
    invoiceNumber: `AMZ-${s.settlementId}`,
    payload: { InvoiceNumber: `AMZ-${s.settlementId}`, fresh: false },
    attempts: 1,
    nextAttemptAt: 0,
    createdAt: 0,
    ...extra,
  };
}

describe('history handlers (the Settlements page)', () => {
  let db: SettlebridgeDb;
  let relay: FinishingRelay;
  let handlers: ReturnType<typeof createHistoryHandlers>;
  let notify: boolean;
  let sentKeys: string[];

  beforeEach(async () => {
    db = new SettlebridgeDb(`test-${crypto.randomUUID()}`);
    relay = new FinishingRelay();
    notify = true;
    sentKeys = [];
    const outbox = createOutbox({ db, relay: async () => relay, clock: { now: () => 5_000 } });
    handlers = createHistoryHandlers({
      db,
      outbox,
      send: async (key) => {
        sentKeys.push(key);
        return { settlementKey: key } as never;
      },
      preview: async (key) =>
        ({ settlementKey: key, status: (await db.settlements.get(key))!.status }) as never,
      notificationsEnabled: {
        get: async () => notify,
        set: async (v) => {
          notify = v;
        },
      },
      clock: { now: () => 5_000 },
    });
    await db.accounts.bulkPut([
      {
        id: US,
        name: 'Acme US',
        marketplace: 'US',
        currency: 'USD',
        xeroConnectionId: 'c1',
        createdAt: 0,
        updatedAt: 0,
      },
      {
        id: UK,
        name: 'Acme UK',
        marketplace: 'UK',
        currency: 'GBP',
        xeroConnectionId: 'c2',
        createdAt: 0,
        updatedAt: 0,
      },
    ]);
    await db.xeroConnections.bulkPut([
      { id: 'c1', tenantId: 't1', organisationName: 'Org One', status: 'connected', updatedAt: 0 },
      { id: 'c2', tenantId: 't2', organisationName: 'Org Two', status: 'connected', updatedAt: 0 },
    ]);
  });

  it('lists every account newest period first, one page at a time, with totals per status', async () => {
    const all = Array.from({ length: 120 }, (_, i) =>
      settlement(
        i % 2 ? US : UK,
        String(1000 + i),
        `2025-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')}`,
        i % 3 ? 'new' : 'sent',
      ),
    );
    await db.settlements.bulkPut(all);
    const first = await handlers['history/list']({ offset: 0, limit: 50 }, page);
    const second = await handlers['history/list']({ offset: 50, limit: 50 }, page);
    const third = await handlers['history/list']({ offset: 100, limit: 50 }, page);
    expect(first.total).toBe(120);
    expect(first.rows).toHaveLength(50);
    expect(third.rows).toHaveLength(20);
    const ends = [...first.rows, ...second.rows, ...third.rows].map((r) => r.periodEnd);
    expect(ends).toEqual(
      all
        .map((s) => s.periodEnd)
        .sort()
        .reverse(),
    );
    expect(new Set([...first.rows, ...second.rows, ...third.rows].map((r) => r.settlementKey)).size).toBe(
      120,
    );
    expect(first.counts).toMatchObject({ new: 80, sent: 40, failed: 0, conflict: 0 });
    expect(first.accounts.map((a) => a.name)).toEqual(['Acme UK', 'Acme US']);
  });

  it('filters by account, status, period and settlement id prefix, alone and together', async () => {
    await db.settlements.bulkPut([
      settlement(US, '100', '2025-01-10', 'sent'),
      settlement(US, '101', '2025-02-10', 'failed'),
      settlement(UK, '102', '2025-02-20', 'failed'),
      settlement(UK, '200', '2025-03-10', 'new'),
    ]);
    const ids = async (q: Parameters<(typeof handlers)['history/list']>[0]) =>
      (await handlers['history/list'](q, page)).rows.map((r) => r.settlementId);
    const q = { offset: 0, limit: 50 };
    expect(await ids({ ...q, accountId: US })).toEqual(['101', '100']);
    expect(await ids({ ...q, status: 'failed' })).toEqual(['102', '101']);
    expect(await ids({ ...q, accountId: UK, status: 'failed' })).toEqual(['102']);
    expect(await ids({ ...q, from: '2025-02-01', to: '2025-02-28' })).toEqual(['102', '101']);
    expect(await ids({ ...q, to: '2025-02-10' })).toEqual(['101', '100']);
    expect(await ids({ ...q, search: '10' })).toEqual(['102', '101', '100']);
    expect(await ids({ ...q, search: '10', accountId: US, status: 'sent' })).toEqual(['100']);
    expect((await handlers['history/list']({ ...q, search: '9' }, page)).total).toBe(0);
  });

  it('shows each row with its deposit in minor digits, invoice numbers, the link the relay gave and when it was sent', async () => {
    const sent = settlement(US, '300', '2025-04-01', 'sent');
    const failed = settlement(UK, '301', '2025-04-02', 'failed');
    await db.settlements.bulkPut([sent, { ...failed, lastError: 'Account code 200 is not valid.' }]);
    await db.sends.bulkAdd([
      send(sent, 'sent', { xeroUrl: 'https://go.xero.com/x?shortcode=!abc' }),
      send(failed, 'failed', { lastError: 'Account code 200 is not valid.' }),
    ]);
    const { rows } = await handlers['history/list']({ offset: 0, limit: 50 }, page);
    expect(rows[1]).toMatchObject({
      settlementId: '300',
      accountName: 'Acme US',
      deposit: '-3.10',
      currency: 'USD',
      status: 'sent',
      invoices: [{ number: 'AMZ-300', state: 'sent', xeroUrl: 'https://go.xero.com/x?shortcode=!abc' }],
      sentAt: 1_000,
      connectionId: 'c1',
    });
    expect(rows[0]).toMatchObject({ status: 'failed', error: 'Account code 200 is not valid.' });
    // A link anywhere but Xero's web app is not passed on.
    await db.sends.where('settlementKey').equals(sent.key).modify({ xeroUrl: 'javascript:alert(1)' });
    const again = await handlers['history/list']({ offset: 0, limit: 50 }, page);
    expect(again.rows[1]?.invoices[0]).toEqual({ number: 'AMZ-300', state: 'sent' });
    expect(rows[0]).not.toHaveProperty('sentAt');
  });

  it('shows whether each sent invoice carries its audit trail, and why not when it does not', async () => {
    const rows = async () => (await handlers['history/list']({ offset: 0, limit: 50 }, page)).rows;
    const a = settlement(US, '310', '2025-04-01', 'sent');
    await db.settlements.put(a);
    const files = (state: 'pending' | 'attached' | 'failed', error?: string) => [
      { fileName: 'settlement-310.txt', state: 'attached' as const },
      { fileName: 'settlement-310-summary.csv', state, ...(error ? { error } : {}) },
    ];
    const seq = await db.sends.add(send(a, 'sent', { attachments: files('pending') }));
    expect((await rows())[0]?.invoices[0]).toMatchObject({ attachments: 'attaching' });
    await db.sends.update(seq, { attachments: files('attached') });
    expect((await rows())[0]?.invoices[0]).toMatchObject({ attachments: 'attached' });
    expect((await rows())[0]?.invoices[0]).not.toHaveProperty('attachmentProblem');
    await db.sends.update(seq, {
      attachments: files('failed', 'settlement-310-summary.csv was not attached: no.'),
    });
    expect((await rows())[0]?.invoices[0]).toMatchObject({
      attachments: 'failed',
      attachmentProblem: 'settlement-310-summary.csv was not attached: no.',
    });
  });

  it('retries a failed settlement once, with the same key and its current payload, until Xero has it', async () => {
    const failed = settlement(US, '400', '2025-05-01', 'failed');
    await db.settlements.put(failed);
    await db.sends.add(send(failed, 'failed', { jobId: 'old', lastError: 'Refused' }));
    await handlers['history/retry']({ settlementKey: failed.key }, page);
    // The drain runs in the background; wait for it to bring the settlement home.
    await expect.poll(async () => (await db.settlements.get(failed.key))?.status).toBe('sent');
    expect(relay.submitted).toEqual([[`sb:${US}:400:0`]]);
    const [stored] = await db.sends.toArray();
    expect(stored).toMatchObject({ state: 'sent', payload: { fresh: true } });
    expect(stored?.lastError).toBeUndefined();
  });

  it('refuses to retry what has nothing to retry, and points a parked one at Reconnect', async () => {
    const fresh = settlement(US, '500', '2025-05-01', 'new');
    const parked = settlement(US, '501', '2025-05-02', 'needs_reconnect');
    await db.settlements.bulkPut([fresh, parked]);
    await db.sends.add(send(parked, 'parked'));
    await expect(handlers['history/retry']({ settlementKey: fresh.key }, page)).rejects.toMatchObject({
      code: 'nothing_to_retry',
    });
    await expect(handlers['history/retry']({ settlementKey: parked.key }, page)).rejects.toMatchObject({
      code: 'needs_reconnect',
    });
    expect((await db.sends.toArray())[0]?.state).toBe('parked');
    expect(relay.submitted).toEqual([]);
  });

  it('says why a retry is refused in the seller’s language, with the same error code', async () => {
    const fresh = settlement(US, '502', '2025-05-03', 'needs_reconnect');
    await db.settlements.put(fresh);
    try {
      await expect(handlers['history/retry']({ settlementKey: fresh.key }, page)).rejects.toMatchObject({
        code: 'needs_reconnect',
        message:
          'This settlement waits for its Xero connection: choose Reconnect instead. Nothing was changed.',
      });
      await db.settlements.put({ ...fresh, status: 'sent' });
      await expect(handlers['history/retry']({ settlementKey: fresh.key }, page)).rejects.toMatchObject({
        code: 'nothing_to_retry',
        message: 'Settlement 502 has nothing to retry (it is sent). Nothing was changed.',
      });
      setLocale('de');
      await expect(handlers['history/retry']({ settlementKey: fresh.key }, page)).rejects.toMatchObject({
        code: 'nothing_to_retry',
        message:
          'Bei Abrechnung 502 gibt es nichts zu wiederholen (Status: Gesendet). Es wurde nichts geändert.',
      });
    } finally {
      setLocale('en');
    }
  });

  it('sends through the one send path and keeps the notification switch', async () => {
    await handlers['history/send']({ settlementKey: 'k' }, page);
    expect(sentKeys).toEqual(['k']);
    expect(await handlers['history/notifications']({}, page)).toEqual({ enabled: true });
    expect(await handlers['history/notifications']({ enabled: false }, page)).toEqual({ enabled: false });
    expect(notify).toBe(false);
  });
});

describe('problem watch (badge and notifications)', () => {
  let db: SettlebridgeDb;
  let badge: string;
  let shown: ProblemNotice[];
  let enabled: boolean;
  let announced: string[];
  let watch: ReturnType<typeof createProblemWatch>;

  beforeEach(async () => {
    db = new SettlebridgeDb(`test-${crypto.randomUUID()}`);
    badge = 'unset';
    shown = [];
    enabled = true;
    announced = [];
    watch = createProblemWatch({
      db,
      setBadge: async (t) => {
        badge = t;
      },
      notify: async (n) => void shown.push(n),
      notificationsEnabled: {
        get: async () => enabled,
        set: async (v) => {
          enabled = v;
        },
      },
      announced: {
        get: async () => announced,
        set: async (v) => {
          announced = v;
        },
      },
    });
    await db.accounts.put({
      id: US,
      name: 'Acme US',
      marketplace: 'US',
      currency: 'USD',
      xeroConnectionId: 'c1',
      createdAt: 0,
      updatedAt: 0,
    });
    await db.xeroConnections.put({
      id: 'c1',
      tenantId: 't',
      organisationName: 'Org One',
      status: 'connected',
      updatedAt: 0,
    });
  });

  it('counts failed, needs reconnect and conflict on the badge, and clears it when none is left', async () => {
    const parked = settlement(US, '2', '2025-01-02', 'needs_reconnect');
    await db.settlements.bulkPut([
      settlement(US, '1', '2025-01-01', 'failed'),
      parked,
      settlement(US, '3', '2025-01-03', 'conflict'),
      settlement(US, '4', '2025-01-04', 'sent'),
      settlement(US, '5', '2025-01-05', 'queued'),
    ]);
    await db.sends.add(send(parked, 'parked'));
    await watch.refresh();
    expect(badge).toBe('3');
    await db.settlements.toCollection().modify({ status: 'sent' });
    await watch.refresh();
    expect(badge).toBe('');
  });

  it('announces each problem once, however often it is checked, and again only if it comes back', async () => {
    const failed = settlement(US, '1', '2025-01-01', 'failed');
    await db.settlements.put({ ...failed, lastError: 'Account code 200 is not valid.' });
    await watch.refresh();
    await watch.refresh();
    await Promise.all([watch.refresh(), watch.refresh()]);
    expect(shown).toHaveLength(1);
    expect(shown[0]).toMatchObject({ title: 'Settlement 1 was not sent' });
    expect(shown[0]?.message).toContain('Account code 200 is not valid.');
    await db.settlements.update(failed.key, { status: 'sent' });
    await watch.refresh();
    await db.settlements.update(failed.key, { status: 'failed' });
    await watch.refresh();
    expect(shown).toHaveLength(2);
  });

  it('announces a lost connection once for all the settlements waiting on it', async () => {
    const a = settlement(US, '1', '2025-01-01', 'needs_reconnect');
    const b = settlement(US, '2', '2025-01-02', 'needs_reconnect');
    await db.settlements.bulkPut([a, b]);
    await db.sends.bulkAdd([send(a, 'parked'), { ...send(b, 'parked'), idempotencyKey: 'other' }]);
    await db.xeroConnections.update('c1', { status: 'needs_reconnect' });
    await watch.refresh();
    expect(shown.map((n) => n.title)).toEqual(['Org One needs reconnecting']);
    expect(shown[0]?.message).toContain('2 settlements wait');
    expect(badge).toBe('2');
  });

  it('stays quiet when notifications are off, and does not replay old problems when they are turned on', async () => {
    enabled = false;
    await db.settlements.put(settlement(US, '1', '2025-01-01', 'failed'));
    await watch.refresh();
    expect(shown).toEqual([]);
    expect(badge).toBe('1');
    enabled = true;
    await watch.refresh();
    expect(shown).toEqual([]);
    await db.settlements.put(settlement(US, '2', '2025-01-02', 'conflict'));
    await watch.refresh();
    expect(shown.map((n) => n.title)).toEqual(['Settlement 2 conflicts with Xero']);
  });

  it('names problems by stable keys', async () => {
    await db.settlements.put(settlement(US, '1', '2025-01-01', 'failed'));
    expect((await currentProblems(db)).map((p) => p.key)).toEqual([`settlement:${US}:1:failed`]);
  });
});
