// The loop each relay process runs: it finds connections with queued invoices, and for
// each organisation keeps up to its concurrency limit of tasks going. A task takes a call
// slot from the shared scheduler first, then claims work, so nothing sits claimed while it
// waits for a rate-limit window:
//  - items that may already be in Xero (`needs_check`) are looked up by invoice number
//    (one GET for up to 50) and marked done if found: the cure for a crash between Xero
//    accepting and us recording;
//  - the rest go out 50 per PUT /Invoices with summarizeErrors=false and an
//    Idempotency-Key derived from the batch's item keys, so a retried batch replays.
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { InvoicePayload } from '../../lib/relay-api';
import { RelayHttpError } from '../errors';
import type { ConnectionRow, Store } from '../store/queries';
import type { InvoiceItemError } from '../store/schema';
import type { TokenService } from '../tokens';
import type { LimitHeaders, OutgoingInvoice, XeroGateway } from '../xero/client';
import type { SchedulerClock } from './clock';
import type { OrgScheduler } from './scheduler';
import type { ItemRow, JobStore } from './store';

export const BATCH_SIZE = 50;
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
  /** Test hook (refused in production config): die right after Xero accepted a batch. */
  crashAfterAccept?: boolean;
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
  readonly stats = { puts: 0, gets: 0, rateLimited: 0, serverErrors: 0 };

  constructor(private readonly o: WorkerOptions) {}

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
    const task = this.runTask(connectionId, tenantId)
      .catch((e) =>
        this.o.log.warn(
          { connectionId, err: { name: (e as Error).name, message: (e as Error).message } },
          'invoice task failed',
        ),
      )
      .finally(() => {
        this.activeByTenant.set(tenantId, (this.activeByTenant.get(tenantId) ?? 1) - 1);
        this.tasks.delete(task);
        this.wake();
      });
    this.tasks.add(task);
  }

  private async runTask(connectionId: string, tenantId: string): Promise<void> {
    const slot = await this.o.scheduler.acquire(tenantId, this.stopCtl.signal);
    if (!slot) return;
    let limits: LimitHeaders | undefined;
    let isUsed = false;
    const started = performance.now();
    try {
      const conn = await this.o.store.findConnection(connectionId);
      if (conn?.status !== 'connected') return;
      const now = this.o.clock.now();
      const toCheck = await this.o.jobs.claim(connectionId, 'check', now, this.o.leaseMs, BATCH_SIZE);
      if (toCheck.length > 0) {
        isUsed = true;
        limits = await this.check(conn, toCheck);
        return;
      }
      const toPost = await this.o.jobs.claim(connectionId, 'post', now, this.o.leaseMs, BATCH_SIZE);
      if (toPost.length > 0) {
        isUsed = true;
        limits = await this.post(conn, toPost);
      }
    } finally {
      if (isUsed) await this.o.scheduler.release(slot, limits, started);
      else await this.o.scheduler.cancel(slot);
    }
  }

  private async check(conn: ConnectionRow, items: ItemRow[]): Promise<LimitHeaders | undefined> {
    const keysOf = (rows: ItemRow[]) => rows.map((r) => r.idempotency_key);
    try {
      this.stats.gets++;
      const { found, limits } = await this.o.tokens.withToken(conn, (token) =>
        this.o.xero.findInvoicesByNumber(
          token,
          conn.tenant_id,
          items.map((i) => i.invoice_number),
        ),
      );
      const now = this.o.clock.now();
      const absent: ItemRow[] = [];
      for (const item of items) {
        const type = (item.payload as InvoicePayload).Type;
        const hit = found.find(
          (f) => f.invoiceNumber.toLowerCase() === item.invoice_number.toLowerCase() && f.type === type,
        );
        if (hit) await this.o.jobs.markDone(conn.id, item.idempotency_key, hit.invoiceId, now);
        else absent.push(item);
      }
      await this.o.jobs.checkedAbsent(conn.id, keysOf(absent), now);
      this.o.log.info(
        { connectionId: conn.id, checked: items.length, alreadyInXero: items.length - absent.length },
        'invoice numbers checked',
      );
      return limits;
    } catch (e) {
      await this.failed(conn, items, e, 'check');
      return undefined;
    }
  }

  private async post(conn: ConnectionRow, items: ItemRow[]): Promise<LimitHeaders | undefined> {
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
    let limits: LimitHeaders;
    try {
      this.stats.puts++;
      ({ results, limits } = await this.o.tokens.withToken(conn, (token) =>
        this.o.xero.createInvoices(token, conn.tenant_id, invoices, key),
      ));
    } catch (e) {
      await this.failed(conn, items, e, 'post');
      return undefined;
    }
    if (this.o.crashAfterAccept) {
      this.o.log.warn('RELAY_TEST_CRASH_AFTER_ACCEPT: dying after Xero accepted, before recording');
      process.kill(process.pid, 'SIGKILL');
    }
    const now = this.o.clock.now();
    let done = 0;
    let failed = 0;
    const unknown: string[] = [];
    for (const [index, item] of items.entries()) {
      // Xero answers in request order; the number confirms the pairing.
      const r = results[index];
      if (!r || (r.invoiceNumber && r.invoiceNumber.toLowerCase() !== item.invoice_number.toLowerCase())) {
        unknown.push(item.idempotency_key);
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
        await this.o.jobs.markDone(conn.id, item.idempotency_key, r.invoiceId, now);
      } else unknown.push(item.idempotency_key);
    }
    // Answers we cannot pair are looked up by number before anything is sent again.
    await this.o.jobs.requeue(conn.id, unknown, now, now);
    this.o.log.info(
      { connectionId: conn.id, sent: items.length, done, failed, unpaired: unknown.length },
      'invoice batch posted',
    );
    return limits;
  }

  private async failed(
    conn: ConnectionRow,
    items: ItemRow[],
    e: unknown,
    mode: 'check' | 'post',
  ): Promise<void> {
    const now = this.o.clock.now();
    const keys = items.map((i) => i.idempotency_key);
    const code = e instanceof RelayHttpError ? e.code : 'internal';
    const message = e instanceof Error ? e.message : 'Unexpected failure.';
    this.o.log.warn({ connectionId: conn.id, mode, items: items.length, code }, 'invoice batch not sent');
    if (code === 'rate_limited') {
      this.stats.rateLimited++;
      const retryAfter = Number((e as RelayHttpError).headers['retry-after'] ?? 60);
      const until = await this.o.scheduler.block(
        conn.tenant_id,
        Number.isFinite(retryAfter) ? retryAfter : 60,
      );
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
