/**
 * The durable outbox. An intent to send is written to IndexedDB (strict durability) before
 * any network call; `drain()` moves it to the relay and follows the relay's job until Xero
 * has the invoice. It runs on start, on an alarm and on new work, so it survives the
 * service worker being stopped and the browser restarting. The idempotency key, derived
 * from (account, settlement, part), is unique here and at the relay, so retries, double
 * clicks and a second tab never post an invoice twice.
 */
import { type AuditTrail, auditTrail } from '../books/audit-trail';
import type { SettlebridgeDb } from '../db';
import { errorMessage } from '../errors';
import { getLocale, t } from '../i18n';
import type { Send, SendState, SettlementStatus } from '../record-schemas';
import type { InvoicePayload, JobItem } from '../relay-api';
import { relayErrorText } from '../relay-error-text';
import type { SettlementReport } from '../settlement/report';
import type { Clock } from './clock';
import type { RelayJobsPort } from './relay-port';

export interface OutboxDeps {
  db: SettlebridgeDb;
  relay: () => Promise<RelayJobsPort>;
  clock: Clock;
  random?: () => number;
  /** Told after settlements' statuses were recomputed (the badge and notifications follow). */
  onSettlementsChanged?: (keys: string[]) => void;
  /** Asks to be woken at `at` (a timer while the worker lives; the alarm covers the rest). */
  wakeAt?: (at: number) => void;
}

const BASE_DELAY_MS = 2_000;
const MAX_DELAY_MS = 5 * 60_000;
/** How often a job the relay is working on is read back. */
const POLL_MS = 1_500;
/** Base64 files per request, kept well under the relay's 4 MB body limit with the invoices. */
const FILES_PER_REQUEST_BYTES = 3 * 1024 * 1024;

const isAttaching = (s: Send) =>
  s.state === 'sent' && Boolean(s.jobId) && Boolean(s.attachments?.some((a) => a.state === 'pending'));

export const sendKey = (accountId: string, settlementId: string, part: number) =>
  `sb:${accountId}:${settlementId}:${part}`;

/** Exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff And Jitter"). */
export function backoffMs(attempts: number, random: () => number = Math.random): number {
  const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.max(0, attempts - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** A settlement's state as the user sees it, from the state of its parts. */
export function settlementStatusFrom(states: readonly SendState[]): SettlementStatus {
  if (states.length === 0) return 'new';
  if (states.includes('conflict')) return 'conflict';
  if (states.includes('failed')) return 'failed';
  if (states.includes('parked')) return 'needs_reconnect';
  if (states.every((s) => s === 'sent')) return 'sent';
  return states.includes('sending') ? 'sending' : 'queued';
}

/**
 * A file the relay could not attach, in the seller's language. The relay says
 * "<file> was not attached: <why>"; English keeps that, other languages say it from the
 * catalog and word the why from its code.
 */
export function attachmentError(fileName: string, error: { code: string; message: string }): string {
  if (getLocale() === 'en') return error.message;
  const prefix = `${fileName} was not attached: `;
  const why = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
  return `${t('history.fileNotAttached', { name: fileName })} ${relayErrorText(error.code, why)}`;
}

interface RelayFailure {
  code: string;
  message: string;
  status?: number;
  details?: { jobId?: string; retryAfterMs?: number; retryAfter?: number };
}

const asFailure = (e: unknown): RelayFailure => {
  const o = (typeof e === 'object' && e !== null ? e : {}) as Partial<RelayFailure>;
  return {
    code: typeof o.code === 'string' ? o.code : 'network_error',
    message: errorMessage(e),
    ...(typeof o.status === 'number' ? { status: o.status } : {}),
    ...(o.details && typeof o.details === 'object' ? { details: o.details } : {}),
  };
};

/** Errors a retry cannot fix: the user has to act (mapping, payload, access). */
const PERMANENT = new Set([
  // The relay's pre-send check found a line the organisation's books refuse: nothing was
  // queued, and only a change in Books setup (or in Xero) can fix it.
  'books_check_failed',
  'payload_too_large',
  'idempotency_conflict',
  'validation_error',
  'not_granted',
  'invalid_request',
  'not_found',
]);

export function createOutbox(deps: OutboxDeps) {
  const { db } = deps;
  const now = () => deps.clock.now();
  let running: Promise<void> | undefined;
  let again = false;
  /** The relay's latest estimate per job still in progress, in seconds. */
  const estimates = new Map<string, number>();

  async function updateSettlements(keys: Iterable<string>) {
    const unique = [...new Set(keys)];
    for (const key of unique) {
      const sends = await db.sends.where('settlementKey').equals(key).toArray();
      const failed = sends.find((s) => s.state === 'conflict') ?? sends.find((s) => s.state === 'failed');
      await db.settlements.update(key, {
        status: settlementStatusFrom(sends.map((s) => s.state)),
        lastError: failed?.lastError,
        updatedAt: now(),
      });
    }
    if (unique.length) deps.onSettlementsChanged?.(unique);
  }

  function applyItem(send: Send, item: JobItem): Partial<Send> {
    switch (item.state) {
      case 'done':
        return {
          state: 'sent',
          invoiceId: item.invoiceId,
          xeroUrl: item.xeroUrl,
          lastError: undefined,
          ...(item.attachments
            ? {
                attachments: item.attachments.map((a) => ({
                  fileName: a.fileName,
                  state: a.state,
                  ...(a.error ? { error: attachmentError(a.fileName, a.error) } : {}),
                })),
              }
            : {}),
        };
      case 'failed':
        // The relay found another invoice under this number in Xero: the user decides, nothing is retried.
        if (item.error?.code === 'invoice_conflict')
          return { state: 'conflict', lastError: relayErrorText(item.error.code, item.error.message) };
        return item.error?.isRetryable
          ? {
              state: 'queued',
              jobId: undefined,
              nextAttemptAt: now() + backoffMs(send.attempts + 1, deps.random),
              lastError: relayErrorText(item.error.code, item.error.message),
            }
          : {
              state: 'failed',
              lastError: item.error
                ? relayErrorText(item.error.code, item.error.message)
                : t('outbox.xeroRefused'),
            };
      case 'needs_reconnect':
        return {
          state: 'parked',
          lastError: t('outbox.needsReconnect'),
        };
      default:
        return { state: 'sending' };
    }
  }

  /** Hands due intents to the relay, one job per connection. */
  async function submitDue(relay: RelayJobsPort) {
    const due = await db.sends
      .where('state')
      .equals('queued')
      .filter((s) => s.nextAttemptAt <= now())
      .toArray();
    // One job per (connection, account): the relay checks the account's grant per request.
    const batches = new Map<string, Send[]>();
    for (const s of due) {
      const key = `${s.connectionId} ${s.accountId}`;
      batches.set(key, [...(batches.get(key) ?? []), s]);
    }
    const trails = new Map<string, AuditTrail | undefined>();
    async function trailOf(s: Send): Promise<AuditTrail | undefined> {
      if (!trails.has(s.settlementKey)) {
        const settlement = await db.settlements.get(s.settlementKey);
        const report = settlement?.report as SettlementReport | undefined;
        // The trail never holds an invoice back: a settlement without a usable report sends without one.
        trails.set(
          s.settlementKey,
          settlement?.source && Array.isArray(report?.invoices)
            ? auditTrail({
                settlementId: settlement.settlementId,
                source: settlement.source,
                report: report!,
              })
            : undefined,
        );
      }
      return trails.get(s.settlementKey);
    }
    // A request carries its invoices' files too: split so each stays under the body limit.
    const requests: Send[][] = [];
    for (const group of batches.values()) {
      let current: Send[] = [];
      let bytes = 0;
      for (const s of group) {
        const size = ((await trailOf(s))?.files ?? []).reduce((n, f) => n + f.contentBase64.length, 0);
        if (current.length > 0 && bytes + size > FILES_PER_REQUEST_BYTES) {
          requests.push(current);
          current = [];
          bytes = 0;
        }
        current.push(s);
        bytes += size;
      }
      if (current.length > 0) requests.push(current);
    }
    for (const batch of requests) {
      const { connectionId, accountId } = batch[0]!;
      try {
        const invoices = [];
        const notes = new Map<string, string | undefined>();
        for (const s of batch) {
          const trail = await trailOf(s);
          notes.set(s.idempotencyKey, trail?.note);
          invoices.push({
            idempotencyKey: s.idempotencyKey,
            // Frozen from toXeroPayload when the intent was written; the relay validates it again.
            invoice: s.payload as InvoicePayload,
            ...(trail ? { attachments: trail.files } : {}),
          });
        }
        const { jobId, items } = await relay.submitInvoices({ connectionId, accountId, invoices });
        const byKey = new Map(items.map((i) => [i.idempotencyKey, i]));
        await db.transaction('rw', db.sends, async () => {
          for (const s of batch) {
            const item = byKey.get(s.idempotencyKey);
            const note = notes.get(s.idempotencyKey);
            await db.sends.update(s.seq!, {
              jobId,
              attempts: s.attempts + 1,
              ...(note ? { attachmentNote: note } : {}),
              ...(item ? applyItem(s, item) : { state: 'sending' }),
            });
          }
        });
      } catch (error) {
        await recordFailure(batch, asFailure(error));
      }
      await updateSettlements(batch.map((s) => s.settlementKey));
    }
  }

  async function recordFailure(batch: Send[], f: RelayFailure) {
    const message = relayErrorText(f.code, f.message, f.details);
    await db.transaction('rw', db.sends, async () => {
      for (const s of batch) {
        const attempts = s.attempts + 1;
        let change: Partial<Send>;
        if (f.code === 'in_flight' && f.details?.jobId) {
          change = { state: 'sending', jobId: f.details.jobId };
        } else if (f.code === 'needs_reconnect') {
          change = { state: 'parked', lastError: message };
        } else if (PERMANENT.has(f.code)) {
          change = { state: 'failed', lastError: message };
        } else {
          const retryAfter =
            f.details?.retryAfterMs ?? (f.details?.retryAfter ? f.details.retryAfter * 1000 : 0);
          change = {
            nextAttemptAt: now() + Math.max(retryAfter, backoffMs(attempts, deps.random)),
            lastError: message,
          };
        }
        await db.sends.update(s.seq!, { attempts, ...change });
      }
    });
  }

  /** Reads back every job the relay is working on for us. */
  async function followJobs(relay: RelayJobsPort) {
    // Parked sends are read back too once their connection works again, whichever install
    // or page reconnected it: the relay resumes their jobs by itself.
    const connected = new Set(
      (await db.xeroConnections.where('status').equals('connected').toArray()).map((c) => c.id),
    );
    // Sent invoices whose files are still being attached are followed until they are.
    const sending = await db.sends
      .where('state')
      .anyOf('sending', 'parked', 'sent')
      .filter(
        (s) =>
          s.state === 'sending' ||
          (s.state === 'parked' && Boolean(s.jobId) && connected.has(s.connectionId)) ||
          isAttaching(s),
      )
      .toArray();
    const jobIds = [...new Set(sending.map((s) => s.jobId).filter((id): id is string => Boolean(id)))];
    for (const jobId of jobIds) {
      try {
        const job = await relay.getJob({ jobId });
        if (job.state === 'done' || job.state === 'failed') estimates.delete(jobId);
        else estimates.set(jobId, job.estimate.secondsRemaining);
        const byKey = new Map(job.items.map((i) => [i.idempotencyKey, i]));
        const mine = sending.filter((s) => s.jobId === jobId);
        await db.transaction('rw', db.sends, async () => {
          for (const s of mine) {
            const item = byKey.get(s.idempotencyKey);
            if (item) await db.sends.update(s.seq!, applyItem(s, item));
          }
        });
        await updateSettlements(mine.map((s) => s.settlementKey));
      } catch (error) {
        const f = asFailure(error);
        if (f.code === 'not_found') {
          // The relay forgot the job (e.g. a fresh store): submit again; the keys keep it single.
          await db.sends
            .where('jobId')
            .equals(jobId)
            .modify({ state: 'queued', jobId: undefined, nextAttemptAt: now() });
        }
      }
    }
  }

  async function pass() {
    const relay = await deps.relay();
    await submitDue(relay);
    await followJobs(relay);
  }

  async function nextWake(): Promise<number | undefined> {
    if ((await db.sends.where('state').equals('sending').count()) > 0) return now() + POLL_MS;
    if ((await db.sends.where('state').equals('sent').filter(isAttaching).count()) > 0)
      return now() + POLL_MS;
    const queued = await db.sends.where('state').equals('queued').sortBy('nextAttemptAt');
    return queued[0] ? Math.max(queued[0].nextAttemptAt, now() + 50) : undefined;
  }

  return {
    /** Runs one drain; concurrent callers share it, and a call during a drain queues one more. */
    drain(): Promise<void> {
      if (running) {
        again = true;
        return running;
      }
      running = (async () => {
        try {
          do {
            again = false;
            try {
              await pass();
            } catch {
              // Relay unreachable before any request: everything stays queued for the next wake.
            }
          } while (again);
          const at = await nextWake();
          if (at !== undefined) deps.wakeAt?.(at);
        } catch (error) {
          // The database went away (profile closing, extension updating): the alarm retries.
          console.warn('settlebridge: outbox drain stopped', error);
        } finally {
          running = undefined;
        }
      })();
      return running;
    },

    /** After Reconnect: parked intents go back to work (the relay resumes their jobs). */
    async resume(connectionId: string) {
      const resumed = await db.sends
        .where('connectionId')
        .equals(connectionId)
        .filter((s) => s.state === 'parked')
        .toArray();
      await db.sends
        .where('connectionId')
        .equals(connectionId)
        .filter((s) => s.state === 'parked')
        .modify((s) => {
          s.state = s.jobId ? 'sending' : 'queued';
          s.nextAttemptAt = now();
        });
      // Their settlements stop saying "needs reconnect" at once (the badge follows).
      await updateSettlements(resumed.map((s) => s.settlementKey));
    },

    updateSettlements,

    /** Seconds the relay expects the jobs still in progress to take, if it has said. */
    estimateSeconds(): number | undefined {
      return estimates.size ? Math.max(...estimates.values()) : undefined;
    },
  };
}

export type Outbox = ReturnType<typeof createOutbox>;
