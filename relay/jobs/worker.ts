// The loop each relay process runs: it finds connections with queued invoices, and for
// each organisation keeps up to its concurrency limit of tasks going. A task takes a call
// slot from the shared scheduler first, then claims work, so nothing sits claimed while it
// waits for a rate-limit window:
//  - items that may already be in Xero (`needs_check`: every bill before it is created,
//    since Xero does not keep bill numbers unique; anything whose post may have landed —
//    a crash, a timeout, a 5xx; a sales invoice refused as "must be unique") are looked up
//    by invoice number (one GET for up to 50). An invoice of the same type, number, contact
//    and total is adopted as ours; the same number for the same contact with a different
//    total is a conflict, reported and never overwritten or duplicated;
//  - the rest go out up to 50 (and under 3.5 MB) per PUT /Invoices with summarizeErrors=
//    false and an Idempotency-Key derived from the batch's item keys, so a retry replays.
// Every call goes through the scheduler (scheduler.callInSlot), which gives it a deadline.
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { ErrorCode, InvoicePayload } from '../../lib/relay-api';
import { DomainError, domainErrorCode } from '../errors';
import type { ConnectionRow, Store } from '../store/queries';
import type { InvoiceItemError } from '../store/schema';
import type { TokenService } from '../tokens';
import { type FoundInvoice, type OutgoingInvoice, stringifyXeroJson, type XeroGateway } from '../xero/client';
import { type AttachmentRow, AttachmentStore, attachmentIdempotencyKey } from './attachments';
import type { SchedulerClock } from './clock';
import type { CallSlot, OrgScheduler } from './scheduler';
import type { ItemRow, JobStore } from './store';

export const BATCH_SIZE = 50;
/** Xero refuses a PUT/POST body over 3.5 MB (https://developer.xero.com/documentation/api/accounting/overview). */
export const MAX_REQUEST_BYTES = 3.5 * 1024 * 1024;
/** Room left for the envelope and anything the SDK adds around our invoices. */
const REQUEST_BYTES_MARGIN = 16 * 1024;
const MAX_ATTEMPTS = 10;
const MAX_IDLE_MS = 5_000;

export interface WorkerOptions {
  store: Store;
  jobs: JobStore;
  scheduler: OrgScheduler;
  tokens: TokenService;
  xero: XeroGateway;
  log: Logger;
  clock: SchedulerClock;
  invoiceStatus: 'DRAFT' | 'AUTHORISED';
  /** How long a claim holds; longer than a call to Xero may take. */
  leaseMs: number;
  /** Real-time pause between looks at the queue when nothing woke the loop. */
  pollMs?: number;
  /** PGlite is one process: whatever was posting at start belongs to a process that died. */
  reclaimPostingOnStart: boolean;
  /**
   * Told right after Xero accepted a batch of invoices or an attachment, before the worker
   * records it: the moment a crash would leave Xero holding what the store does not know of.
   */
  afterXeroAccepted?: (what: 'invoices' | 'attachment') => void;
}

/** Deterministic per batch: the same items (and status) always carry the same key. */
export function batchIdempotencyKey(keys: string[], status: string): string {
  const digest = createHash('sha256')
    .update(`${status}\n${[...keys].sort().join('\n')}`)
    .digest('base64url');
  return `sb-inv-${digest}`;
}

const backoffMs = (attempts: number) => Math.min(60_000, 1_000 * 2 ** Math.max(0, attempts - 1));

export class InvoiceWorker {
  private isRunning = false;
  private loop: Promise<void> | undefined;
  private wakeCtl = new AbortController();
  private readonly stopCtl = new AbortController();
  private readonly activeByTenant = new Map<string, number>();
  private readonly tasks = new Set<Promise<void>>();
  /** Xero calls made by this process, by kind (for tests and the benchmark). */
  readonly stats = { puts: 0, gets: 0, rateLimited: 0, serverErrors: 0, attachments: 0, attachmentLooks: 0 };
  private readonly files: AttachmentStore;

  constructor(private readonly o: WorkerOptions) {
    this.files = new AttachmentStore(o.store);
  }

  start(): void {
    if (this.isRunning) return;
    this.isRunning = true;
    this.loop = this.run();
  }

  wake(): void {
    this.wakeCtl.abort();
  }

  async stop(): Promise<void> {
    this.isRunning = false;
    this.stopCtl.abort();
    this.wake();
    await this.loop;
    await Promise.allSettled([...this.tasks]);
  }

  /** Resolves once nothing is queued or posting anywhere (tests and the benchmark). */
  get activeTasks(): number {
    return this.tasks.size;
  }

  private async run(): Promise<void> {
    let isFirst = true;
    let lastMaintained = Number.NEGATIVE_INFINITY;
    const pollMs = this.o.pollMs ?? 500;
    while (this.isRunning) {
      const signal = this.wakeCtl.signal;
      try {
        const now = this.o.clock.now();
        if (isFirst || performance.now() - lastMaintained > pollMs) {
          await this.o.jobs.maintain(now, { reclaimAllPosting: isFirst && this.o.reclaimPostingOnStart });
          if (isFirst) await this.o.scheduler.prune();
          isFirst = false;
          lastMaintained = performance.now();
        }
        const { due, nextAt } = await this.o.jobs.dueWork(now);
        for (const d of due) {
          let wanted = Math.ceil(d.count / BATCH_SIZE);
          while (
            wanted-- > 0 &&
            (this.activeByTenant.get(d.tenantId) ?? 0) < this.o.scheduler.limits.concurrent
          ) {
            this.launch(d.connectionId, d.tenantId);
          }
        }
        if (!signal.aborted) {
          if (this.tasks.size === 0 && due.length === 0 && nextAt !== undefined) {
            // Only future work: let time pass through the scheduler's clock.
            await this.o.clock.sleepUntil(Math.min(nextAt, now + MAX_IDLE_MS), signal);
          } else {
            await pause(pollMs, signal);
          }
        }
      } catch (e) {
        this.o.log.warn(
          { err: { name: (e as Error).name, message: (e as Error).message } },
          'invoice worker loop failed',
        );
        await pause(pollMs, signal);
      }
      if (this.wakeCtl.signal.aborted) this.wakeCtl = new AbortController();
    }
  }

  private launch(connectionId: string, tenantId: string): void {
    this.activeByTenant.set(tenantId, (this.activeByTenant.get(tenantId) ?? 0) + 1);
    let didWork = false;
    const task = this.runTask(connectionId, tenantId)
      .then((worked) => {
        didWork = worked;
      })
      .catch((e) =>
        this.o.log.warn(
          { connectionId, err: { name: (e as Error).name, message: (e as Error).message } },
          'invoice task failed',
        ),
      )
      .finally(() => {
        this.activeByTenant.set(tenantId, (this.activeByTenant.get(tenantId) ?? 1) - 1);
        this.tasks.delete(task);
        // A task that found nothing it may take (say another connection is sending the same
        // invoice) waits for the next poll instead of going round again at once.
        if (didWork) this.wake();
      });
    this.tasks.add(task);
  }

  /** True when it made a call to Xero. */
  private async runTask(connectionId: string, tenantId: string): Promise<boolean> {
    const slot = await this.o.scheduler.acquire(tenantId, this.stopCtl.signal);
    if (!slot) return false;
    let isUsed = false;
    try {
      const conn = await this.o.store.findConnection(connectionId);
      if (conn?.status !== 'connected') return false;
      if (!this.knownOrgs.has(tenantId)) {
        this.knownOrgs.add(tenantId);
        if ((await this.o.jobs.shortCode(tenantId)) === undefined) {
          // Links open the right organisation only with its ShortCode: one task learns it.
          isUsed = true;
          await this.learnOrganisation(conn, slot);
          return true;
        }
      }
      const now = this.o.clock.now();
      const toCheck = await this.o.jobs.claim(connectionId, 'check', now, this.o.leaseMs, BATCH_SIZE);
      if (toCheck.length > 0) {
        isUsed = true;
        await this.check(conn, toCheck, slot);
        return true;
      }
      const claimed = await this.o.jobs.claim(connectionId, 'post', now, this.o.leaseMs, BATCH_SIZE);
      const toPost = await this.withinRequestSize(conn, claimed, now);
      if (toPost.length > 0) {
        isUsed = true;
        await this.post(conn, toPost, slot);
        return true;
      }
      // Invoices first; then the audit trail of those already in Xero, one file per call.
      const file = await this.files.claim(connectionId, now, this.o.leaseMs);
      if (file) {
        isUsed = true;
        await this.attach(conn, file, slot);
      }
      return isUsed;
    } finally {
      if (!isUsed) await this.o.scheduler.cancel(slot);
    }
  }

  private readonly knownOrgs = new Set<string>();

  private async learnOrganisation(conn: ConnectionRow, slot: CallSlot): Promise<void> {
    try {
      const org = await this.o.tokens.withToken(conn, (token) =>
        this.o.scheduler.callInSlot(slot, 'organisation', (signal) =>
          this.o.xero.getOrganisation(token, conn.tenant_id, { signal }),
        ),
      );
      await this.o.jobs.rememberShortCode(conn.tenant_id, org.shortCode ?? '', this.o.clock.now());
    } catch (e) {
      // Not worth holding invoices back for: links fall back to the plain path.
      this.o.log.warn({ connectionId: conn.id, code: failureOf(e).code }, 'organisation not read');
    }
  }

  /** Xero caps a request at 3.5 MB: keep the longest prefix under it, the rest waits its turn. */
  private async withinRequestSize(conn: ConnectionRow, items: ItemRow[], now: number): Promise<ItemRow[]> {
    let bytes = 32;
    let fit = 0;
    for (const item of items) {
      bytes += Buffer.byteLength(stringifyXeroJson(item.payload)) + 32;
      if (bytes > MAX_REQUEST_BYTES - REQUEST_BYTES_MARGIN && fit > 0) break;
      fit++;
    }
    const rest = items.slice(fit);
    if (rest.length > 0) {
      await this.o.jobs.requeue(
        conn.id,
        rest.map((r) => r.idempotency_key),
        now,
        now,
        { isKnownAbsent: true },
      );
    }
    return items.slice(0, fit);
  }

  private async check(conn: ConnectionRow, items: ItemRow[], slot: CallSlot): Promise<void> {
    const keysOf = (rows: ItemRow[]) => rows.map((r) => r.idempotency_key);
    try {
      this.stats.gets++;
      const { found } = await this.o.tokens.withToken(conn, (token) =>
        this.o.scheduler.callInSlot(
          slot,
          'invoices.find',
          (signal) =>
            this.o.xero.findInvoicesByNumber(
              token,
              conn.tenant_id,
              items.map((i) => i.invoice_number),
              { signal },
            ),
          { limitsOf: (r) => r.limits },
        ),
      );
      const now = this.o.clock.now();
      const absent: ItemRow[] = [];
      let adopted = 0;
      let conflicts = 0;
      for (const item of items) {
        const match = matchExisting(item.payload as InvoicePayload, found);
        if (match.kind === 'adopt') {
          adopted++;
          await this.o.jobs.markDone(item, match.invoice.invoiceId, now);
        } else if (match.kind === 'conflict') {
          conflicts++;
          await this.o.jobs.markFailed(conn.id, [item.idempotency_key], match.error, now, true);
        } else absent.push(item);
      }
      await this.o.jobs.checkedAbsent(conn.id, keysOf(absent), now);
      this.o.log.info(
        { connectionId: conn.id, checked: items.length, alreadyInXero: adopted, conflicts },
        'invoice numbers checked',
      );
    } catch (e) {
      await this.failed(conn, items, e, 'check');
    }
  }

  private async post(conn: ConnectionRow, items: ItemRow[], slot: CallSlot): Promise<void> {
    const status = this.o.invoiceStatus;
    const invoices: OutgoingInvoice[] = items.map((i) => ({
      ...(i.payload as InvoicePayload),
      Status: status,
    }));
    const key = batchIdempotencyKey(
      items.map((i) => i.idempotency_key),
      status,
    );
    let results: Awaited<ReturnType<XeroGateway['createInvoices']>>['results'];
    try {
      this.stats.puts++;
      ({ results } = await this.o.tokens.withToken(conn, (token) =>
        this.o.scheduler.callInSlot(
          slot,
          'invoices.create',
          (signal) => this.o.xero.createInvoices(token, conn.tenant_id, invoices, key, { signal }),
          { limitsOf: (r) => r.limits },
        ),
      ));
    } catch (e) {
      await this.failed(conn, items, e, 'post');
      return;
    }
    this.o.afterXeroAccepted?.('invoices');
    const now = this.o.clock.now();
    let done = 0;
    let failed = 0;
    const unknown: string[] = [];
    const taken: string[] = [];
    for (const [index, item] of items.entries()) {
      // Xero answers in request order; the number confirms the pairing.
      const r = results[index];
      if (!r || (r.invoiceNumber && r.invoiceNumber.toLowerCase() !== item.invoice_number.toLowerCase())) {
        unknown.push(item.idempotency_key);
      } else if (r.hasErrors && r.messages.some((m) => /must be unique/i.test(m))) {
        // Already in Xero, perhaps from an earlier connection: look it up and adopt it (or report the clash).
        taken.push(item.idempotency_key);
      } else if (r.hasErrors) {
        failed++;
        await this.o.jobs.markFailed(
          conn.id,
          [item.idempotency_key],
          {
            code: 'xero_rejected',
            message: r.messages.length ? r.messages.join('; ') : 'Xero rejected this invoice.',
            isRetryable: false,
          },
          now,
          true,
        );
      } else if (r.invoiceId) {
        done++;
        await this.o.jobs.markDone(item, r.invoiceId, now);
      } else unknown.push(item.idempotency_key);
    }
    // Answers we cannot pair are looked up by number before anything is sent again.
    await this.o.jobs.requeue(conn.id, unknown, now, now);
    await this.o.jobs.requeueForCheck(conn.id, taken, now);
    this.o.log.info(
      {
        connectionId: conn.id,
        sent: items.length,
        done,
        failed,
        unpaired: unknown.length,
        taken: taken.length,
      },
      'invoice batch posted',
    );
  }

  /**
   * One call for one file: a file whose upload may already have landed is looked for on the
   * invoice (by name and size) and recorded if there; any other is uploaded. The invoice's
   * own state is never touched here.
   */
  private async attach(conn: ConnectionRow, file: AttachmentRow, slot: CallSlot): Promise<void> {
    const log = { connectionId: conn.id, invoiceId: file.invoice_id, fileName: file.file_name };
    try {
      if (file.needs_check) {
        this.stats.attachmentLooks++;
        const { attachments } = await this.o.tokens.withToken(conn, (token) =>
          this.o.scheduler.callInSlot(
            slot,
            'attachments',
            (signal) =>
              this.o.xero.listInvoiceAttachments(token, conn.tenant_id, file.invoice_id, { signal }),
            { limitsOf: (r) => r.limits },
          ),
        );
        const now = this.o.clock.now();
        const there = attachments.find(
          (a) =>
            a.fileName === file.file_name &&
            (a.contentLength === undefined || a.contentLength === file.size_bytes),
        );
        if (there) {
          await this.files.markAttached(file, there.attachmentId, now);
          this.o.log.info(log, 'attachment already on the invoice');
        } else {
          await this.files.requeue(file, now, now, { isKnownAbsent: true });
        }
        return;
      }
      this.stats.attachments++;
      const { attachment } = await this.o.tokens.withToken(conn, (token) =>
        this.o.scheduler.callInSlot(
          slot,
          'attachments',
          (signal) =>
            this.o.xero.attachToInvoice(
              token,
              conn.tenant_id,
              {
                invoiceId: file.invoice_id,
                fileName: file.file_name,
                mimeType: file.mime_type,
                content: Buffer.from(file.content, 'base64'),
                idempotencyKey: attachmentIdempotencyKey(file),
              },
              { signal },
            ),
          { limitsOf: (r) => r.limits },
        ),
      );
      this.o.afterXeroAccepted?.('attachment');
      await this.files.markAttached(file, attachment.attachmentId, this.o.clock.now());
      this.o.log.info(log, 'attachment added');
    } catch (e) {
      const now = this.o.clock.now();
      const { code, retryAfterSeconds } = failureOf(e);
      const message = e instanceof Error ? e.message : 'Unexpected failure.';
      this.o.log.warn({ ...log, code }, 'attachment not added');
      if (code === 'rate_limited') {
        const retryAfter = retryAfterSeconds ?? 60;
        const until = now + (Number.isFinite(retryAfter) ? Math.max(1, retryAfter) : 60) * 1000;
        await this.files.requeue(file, until, now, { isKnownAbsent: !file.needs_check });
      } else if (code === 'xero_rejected') {
        // A refusal is an answer: nothing was attached by this call.
        await this.files.markFailed(
          file,
          { code, message: `${file.file_name} was not attached: ${message}`, isRetryable: false },
          now,
          !file.needs_check,
        );
      } else if (code === 'needs_reconnect' || code === 'disconnected') {
        // Waits with the connection (the loop only serves connected ones); Reconnect resumes it.
        await this.files.requeue(file, now, now, { isKnownAbsent: !file.needs_check });
      } else if (file.attempts >= MAX_ATTEMPTS) {
        await this.files.markFailed(
          file,
          {
            code: 'xero_unavailable',
            message: `${file.file_name} was not attached: ${message}`,
            isRetryable: true,
          },
          now,
          false,
        );
      } else {
        // May have landed: the next turn looks for it before uploading again.
        await this.files.requeue(file, now + backoffMs(file.attempts + 1), now, { isKnownAbsent: false });
      }
    }
  }

  private async failed(
    conn: ConnectionRow,
    items: ItemRow[],
    e: unknown,
    mode: 'check' | 'post',
  ): Promise<void> {
    const now = this.o.clock.now();
    const keys = items.map((i) => i.idempotency_key);
    const { code, retryAfterSeconds } = failureOf(e);
    const message = e instanceof Error ? e.message : 'Unexpected failure.';
    this.o.log.warn({ connectionId: conn.id, mode, items: items.length, code }, 'invoice batch not sent');
    if (code === 'rate_limited') {
      this.stats.rateLimited++;
      // The scheduler already blocked the organisation (or the app) for every instance.
      const retryAfter = retryAfterSeconds ?? 60;
      const until = now + (Number.isFinite(retryAfter) ? Math.max(1, retryAfter) : 60) * 1000;
      // A 429 is refused at the door: nothing was created, so no look-up is needed.
      await this.o.jobs.requeue(conn.id, keys, until, now, { isKnownAbsent: mode === 'post' });
      return;
    }
    if (code === 'needs_reconnect' || code === 'disconnected') {
      await this.o.jobs.park(conn.id, keys, now);
      return;
    }
    if (code === 'xero_rejected' && mode === 'post') {
      // summarizeErrors=false answers per invoice; a whole-request refusal saved nothing.
      if (items.length === 1) {
        await this.o.jobs.markFailed(conn.id, keys, { code, message, isRetryable: false }, now, true);
      } else {
        await this.o.jobs.requeue(conn.id, keys, now, now, { isKnownAbsent: true, isIsolated: true });
      }
      return;
    }
    if (code === 'xero_unavailable') this.stats.serverErrors++;
    const error: InvoiceItemError = {
      code: code === 'internal' ? 'xero_unavailable' : code,
      message,
      isRetryable: true,
    };
    const attempts = Math.max(...items.map((i) => i.attempts));
    if (attempts >= MAX_ATTEMPTS) {
      await this.o.jobs.markFailed(conn.id, keys, error, now, false);
      return;
    }
    await this.o.jobs.requeue(conn.id, keys, now + backoffMs(attempts), now, { error });
  }
}

/**
 * What a failed send stands for: the domain error's kind (as the relay code an item records)
 * and Xero's wait when it gave one. Anything else is unexpected.
 */
function failureOf(e: unknown): { code: ErrorCode | 'internal'; retryAfterSeconds?: number } {
  if (!(e instanceof DomainError)) return { code: 'internal' };
  return { code: domainErrorCode(e), retryAfterSeconds: e.retryAfterSeconds };
}

type Match =
  | { kind: 'adopt'; invoice: FoundInvoice }
  | { kind: 'conflict'; error: InvoiceItemError }
  | { kind: 'absent' };

/**
 * What Xero's invoices with this number mean for the item. Bill numbers repeat across
 * suppliers in Xero, so only an invoice of the same type for the same contact counts; of
 * those, one with the same total (the date preferred) is ours, and any other is a clash.
 */
export function matchExisting(payload: InvoicePayload, found: FoundInvoice[]): Match {
  const same = found.filter(
    (f) =>
      f.type === payload.Type &&
      f.invoiceNumber.toLowerCase() === payload.InvoiceNumber.toLowerCase() &&
      f.contactName.trim().toLowerCase() === payload.Contact.Name.trim().toLowerCase(),
  );
  if (same.length === 0) return { kind: 'absent' };
  const expected = expectedTotal(payload);
  const amountOf = (f: FoundInvoice) =>
    decimalUnits(payload.LineAmountTypes === 'Exclusive' ? f.subTotal : f.total);
  const equal = same.filter((f) => amountOf(f) === expected);
  if (equal.length > 0) {
    return {
      kind: 'adopt',
      invoice: equal.find((f) => f.date === payload.Date) ?? (equal[0] as FoundInvoice),
    };
  }
  const other = same[0] as FoundInvoice;
  const what = payload.Type === 'ACCPAY' ? 'bill' : 'invoice';
  return {
    kind: 'conflict',
    error: {
      code: 'invoice_conflict',
      message: `Xero already has ${what} ${other.invoiceNumber} for ${payload.Contact.Name} dated ${other.date} with a different total (${other.total} ${payload.CurrencyCode} in Xero, ${formatUnits(expected)} in this settlement). Nothing was posted or changed; check it in Xero, then void it there or keep it.`,
      isRetryable: false,
    },
  };
}

/** 1/10000 units of a decimal string, exactly; undefined when it is not one. */
export function decimalUnits(text: string): bigint | undefined {
  const m = /^(-)?(\d+)(?:\.(\d{1,4})\d*)?$/.exec(text.trim());
  if (!m) return undefined;
  const units = BigInt(m[2] as string) * 10_000n + BigInt((m[3] ?? '').padEnd(4, '0'));
  return m[1] ? -units : units;
}

function formatUnits(units: bigint | undefined): string {
  if (units === undefined) return '?';
  const sign = units < 0n ? '-' : '';
  const abs = units < 0n ? -units : units;
  const cents = (abs + 50n) / 100n;
  return `${sign}${cents / 100n}.${String(cents % 100n).padStart(2, '0')}`;
}

const ZERO_DECIMAL = new Set(['JPY', 'KRW', 'VND', 'CLP', 'ISK', 'HUF', 'TWD', 'UGX', 'XOF', 'XAF']);

/**
 * The total Xero will show: every line (quantity 1) rounded half away from zero to the
 * currency's minor units; for Exclusive amounts it is compared with Xero's SubTotal.
 */
export function expectedTotal(payload: InvoicePayload): bigint | undefined {
  const step = ZERO_DECIMAL.has(payload.CurrencyCode) ? 10_000n : 100n;
  let sum = 0n;
  for (const line of payload.LineItems) {
    const units = decimalUnits(line.UnitAmount);
    if (units === undefined) return undefined;
    const abs = units < 0n ? -units : units;
    const rounded = ((abs + step / 2n) / step) * step;
    sum += units < 0n ? -rounded : rounded;
  }
  return sum;
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
