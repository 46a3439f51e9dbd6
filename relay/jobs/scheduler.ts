// Xero's limits (docs/domain.md#xero-rules: per organisation 5 calls in flight, 60 per rolling minute,
// 5,000 per rolling day; per app 10,000 per rolling minute across every organisation), kept
// in the store so every relay instance on one database shares them.
//
// Every call to Xero's APIs goes through `call` (or `callInSlot` when the caller took the
// slot first): it waits for the organisation's and the app's budget, gives the call its
// deadline, counts it, classifies the outcome (relay/xero/errors.ts) and honours a 429's
// Retry-After for every instance. Each call to Xero is a row in xero_calls; admission
// counts rows under one lock (an advisory transaction lock on PostgreSQL, because the app
// limit spans every organisation; PGlite transactions are already serial), held only for
// the count and the insert. A 429 records `blocked_until` from Retry-After for every
// instance to honour. Waiting is per tenant: one organisation's full window never holds
// up another's calls.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { DialectName } from '../store/db';
import type { Store } from '../store/queries';
import type { LimitHeaders } from '../xero/client';
import { classifyCallOutcome, type XeroCallOutcome, XeroFailure } from '../xero/errors';
import type { SchedulerClock } from './clock';

export interface OrgLimits {
  concurrent: number;
  perMinute: number;
  perDay: number;
  /** Calls per rolling minute for the whole app, across every organisation and instance. */
  appPerMinute: number;
}

export const XERO_ORG_LIMITS: OrgLimits = {
  concurrent: 5,
  perMinute: 60,
  perDay: 5000,
  appPerMinute: 10_000,
};

/** What a call to Xero is for; metrics and logs count calls by it. */
export type XeroCallKind =
  | 'invoices.create'
  | 'invoices.find'
  | 'organisation'
  | 'organisation.actions'
  | 'currencies'
  | 'currencies.create'
  | 'accounts'
  | 'accounts.create'
  | 'tax-rates'
  | 'tracking'
  | 'attachments'
  | 'connections';

/** Calls shorter than every lease: a call past this is abandoned and treated as "may have happened". */
export const XERO_CALL_DEADLINE_MS = 10_000;

export interface CallOptions<T> {
  /**
   * Gives up waiting for a slot (not the call itself) when this aborts: the call is not made
   * and fails as rate_limited (the budget stayed in use), Retry-After 60 s.
   */
  signal?: AbortSignal;
  /** Xero's rate-limit headers from the answer, kept for estimates. */
  limitsOf?: (result: T) => LimitHeaders | undefined;
}

/** The row that holds the app-wide block in org_limits (no tenant id looks like this). */
const APP_ROW = '*app*';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
/** Longer than any one call may take (the gateway times out at 10 s). */
const CALL_LEASE_MS = 30_000;
/**
 * Our call stamps are taken just before the request leaves, Xero's when it arrives, so a
 * window is treated as this much longer than Xero's to never cross it on the boundary.
 */
const WINDOW_MARGIN_MS = 1_000;
/**
 * When Xero may last have seen a call, for the minute windows: when it ended; while it is
 * still under way, now; a call whose instance died holding it, when its lease ran out.
 */
function lastSeen(now: number) {
  return sql<number>`(case when finished_at is not null then finished_at when lease_until > ${now} then ${now} else lease_until end)`;
}

/** How long to wait before asking again when only the concurrency limit refused. */
const CONCURRENCY_RETRY_MS = 100;

export interface CallSlot {
  id: string;
  tenantId: string;
  /** Set once a call ran in it: a second call (e.g. the retry after a 401) takes a new slot. */
  isSpent?: boolean;
}

export type Admission =
  | { isAdmitted: true; slot: CallSlot }
  | { isAdmitted: false; reason: 'blocked' | 'minute' | 'day' | 'concurrent' | 'app'; retryAt: number };

export interface Budget {
  minuteRemaining: number;
  dayRemaining: number;
  blockedUntil: number;
  /** When the oldest call leaves the day window (for waits longer than the day budget). */
  dayFreesAt: number;
}

export class OrgScheduler {
  /** Mean seconds one call to Xero takes, for estimates (moving average, per process). */
  callSeconds = 1;
  /** Calls this process made, by kind and outcome (tests, the benchmark and metrics). */
  readonly outcomes = new Map<`${XeroCallKind}:${XeroCallOutcome}`, number>();
  /** Told of every call's outcome (e.g. a metrics counter). */
  onOutcome?: (kind: XeroCallKind, outcome: XeroCallOutcome, tenantId: string) => void;

  constructor(
    private readonly store: Store,
    private readonly clock: SchedulerClock,
    limits: Partial<OrgLimits> = {},
    readonly deadlineMs: number = XERO_CALL_DEADLINE_MS,
  ) {
    this.limits = { ...XERO_ORG_LIMITS, ...limits };
  }

  readonly limits: OrgLimits;

  /**
   * The one way to call Xero for an organisation: waits for its budget (and the app's),
   * runs `fn` with a deadline signal, counts the call and its outcome. A 429 blocks the
   * organisation (or the app) for Retry-After on every instance, then is rethrown.
   */
  async call<T>(
    tenantId: string,
    kind: XeroCallKind,
    fn: (signal: AbortSignal) => Promise<T>,
    options: CallOptions<T> = {},
  ): Promise<T> {
    const slot = await this.acquire(tenantId, options.signal);
    if (!slot) {
      // The caller stopped waiting: the organisation's (or the app's) budget stayed in use.
      throw new XeroFailure(
        'rate_limited',
        "This organisation's Xero call budget is in use (invoices are posting); the call was not made.",
        undefined,
        60,
      );
    }
    return this.callInSlot(slot, kind, fn, options);
  }

  /** As `call`, with a slot the caller already took (it is released here; a used slot is replaced). */
  async callInSlot<T>(
    slot: CallSlot,
    kind: XeroCallKind,
    fn: (signal: AbortSignal) => Promise<T>,
    options: CallOptions<T> = {},
  ): Promise<T> {
    let own = slot;
    if (slot.isSpent) {
      const fresh = await this.acquire(slot.tenantId, options.signal);
      if (!fresh) throw new XeroFailure('network', 'The relay is stopping; the call to Xero was not made.');
      own = fresh;
    }
    own.isSpent = true;
    const started = performance.now();
    let limits: LimitHeaders | undefined;
    let failure: unknown;
    try {
      const result = await fn(AbortSignal.timeout(this.deadlineMs));
      limits = options.limitsOf?.(result);
      return result;
    } catch (e) {
      failure = e ?? new Error('Xero call failed');
      throw e;
    } finally {
      const outcome = classifyCallOutcome(failure);
      const key = `${kind}:${outcome}` as const;
      this.outcomes.set(key, (this.outcomes.get(key) ?? 0) + 1);
      this.onOutcome?.(kind, outcome, own.tenantId);
      await this.release(own, limits, started);
      if (failure instanceof XeroFailure && failure.kind === 'rate_limited') {
        await this.block(own.tenantId, failure.retryAfterSeconds ?? 60, failure.problem === 'appminute');
      }
    }
  }

  /** How many calls of this kind (all outcomes, or one) this process made. */
  count(kind?: XeroCallKind, outcome?: XeroCallOutcome): number {
    let n = 0;
    for (const [key, value] of this.outcomes) {
      const [k, o] = key.split(':');
      if ((!kind || k === kind) && (!outcome || o === outcome)) n += value;
    }
    return n;
  }

  private get dialect(): DialectName {
    return this.store.dialect;
  }

  private lockTenant(trx: Store, tenantId: string) {
    if (this.dialect === 'postgres') {
      return sql`select pg_advisory_xact_lock(hashtext(${`settlebridge-org:${tenantId}`}))`.execute(trx.db);
    }
    return Promise.resolve();
  }

  /** Admission counts every organisation's calls for the app limit: one admission at a time. */
  private lockApp(trx: Store) {
    if (this.dialect === 'postgres') {
      return sql`select pg_advisory_xact_lock(hashtext('settlebridge-app'))`.execute(trx.db);
    }
    return Promise.resolve();
  }

  /** One attempt at admission; on success the call is counted at once. */
  async tryAdmit(tenantId: string): Promise<Admission> {
    return this.store.transaction(async (trx) => {
      await this.lockApp(trx);
      const now = this.clock.now();
      const blocks = await trx.db
        .selectFrom('org_limits')
        .select(['blocked_until'])
        .where('tenant_id', 'in', [tenantId, APP_ROW])
        .where('blocked_until', '>', now)
        .execute();
      if (blocks.length > 0) {
        return {
          isAdmitted: false,
          reason: 'blocked',
          retryAt: Math.max(...blocks.map((b) => b.blocked_until)),
        };
      }
      // A call stays in the minute window until a minute after it *ended*: Xero stamps it
      // when it arrives, which may be well after admission (a slow connection, a busy
      // process). Counting from admission alone let a call admitted at a window's edge
      // reach Xero while an earlier, slow one was still inside Xero's window (a 429).
      const seen = lastSeen(now);
      const windowStart = now - MINUTE - WINDOW_MARGIN_MS;
      const app = await trx.db
        .selectFrom('xero_calls')
        .select((eb) => [
          eb.fn.sum<string>(sql`case when ${seen} > ${windowStart} then 1 else 0 end`).as('minute'),
          eb.fn.min<number>(sql`case when ${seen} > ${windowStart} then ${seen} end`).as('oldest'),
        ])
        .where('started_at', '>', windowStart - CALL_LEASE_MS)
        .executeTakeFirstOrThrow();
      if (Number(app.minute ?? 0) >= this.limits.appPerMinute) {
        return {
          isAdmitted: false,
          reason: 'app',
          retryAt: Number(app.oldest) + MINUTE + WINDOW_MARGIN_MS + 1,
        };
      }
      const counts = await trx.db
        .selectFrom('xero_calls')
        .select((eb) => [
          eb.fn.countAll<string>().as('day'),
          eb.fn.sum<string>(sql`case when ${seen} > ${windowStart} then 1 else 0 end`).as('minute'),
          eb.fn
            .sum<string>(sql`case when finished_at is null and lease_until > ${now} then 1 else 0 end`)
            .as('inflight'),
          eb.fn.min<number>('started_at').as('oldest_day'),
          eb.fn.min<number>(sql`case when ${seen} > ${windowStart} then ${seen} end`).as('oldest_minute'),
        ])
        .where('tenant_id', '=', tenantId)
        .where('started_at', '>', now - DAY - WINDOW_MARGIN_MS)
        .executeTakeFirstOrThrow();
      const day = Number(counts.day ?? 0);
      const minute = Number(counts.minute ?? 0);
      const inflight = Number(counts.inflight ?? 0);
      if (day >= this.limits.perDay) {
        return {
          isAdmitted: false,
          reason: 'day',
          retryAt: Number(counts.oldest_day) + DAY + WINDOW_MARGIN_MS + 1,
        };
      }
      if (minute >= this.limits.perMinute) {
        return {
          isAdmitted: false,
          reason: 'minute',
          retryAt: Number(counts.oldest_minute) + MINUTE + WINDOW_MARGIN_MS + 1,
        };
      }
      if (inflight >= this.limits.concurrent) {
        return { isAdmitted: false, reason: 'concurrent', retryAt: now + CONCURRENCY_RETRY_MS };
      }
      const slot = { id: randomUUID(), tenantId };
      await trx.db
        .insertInto('xero_calls')
        .values({
          id: slot.id,
          tenant_id: tenantId,
          started_at: now,
          lease_until: now + CALL_LEASE_MS,
          finished_at: null,
        })
        .execute();
      return { isAdmitted: true, slot };
    });
  }

  /**
   * Waits until the organisation may take one more call. Window waits go through the
   * injected clock (a fast-forward clock jumps); concurrency waits are short real pauses,
   * because calls in flight end in real time.
   */
  async acquire(tenantId: string, signal?: AbortSignal): Promise<CallSlot | undefined> {
    while (!signal?.aborted) {
      const a = await this.tryAdmit(tenantId);
      if (a.isAdmitted) return a.slot;
      if (a.reason === 'concurrent') await new Promise((r) => setTimeout(r, CONCURRENCY_RETRY_MS));
      else await this.clock.sleepUntil(a.retryAt, signal);
    }
    return undefined;
  }

  /** The call is over; what Xero's headers said about the budget is kept for estimates. */
  async release(slot: CallSlot, limits?: LimitHeaders, startedAt?: number): Promise<void> {
    const now = this.clock.now();
    await this.store.db
      .updateTable('xero_calls')
      .set({ finished_at: now })
      .where('id', '=', slot.id)
      .execute();
    if (startedAt !== undefined) {
      const seconds = Math.max(0, (performance.now() - startedAt) / 1000);
      this.callSeconds = this.callSeconds * 0.8 + seconds * 0.2;
    }
    if (limits && (limits.minRemaining !== undefined || limits.dayRemaining !== undefined)) {
      await this.upsertLimits(slot.tenantId, {
        min_remaining: limits.minRemaining ?? null,
        day_remaining: limits.dayRemaining ?? null,
        seen_at: now,
      });
    }
  }

  /** Claimed a slot but had nothing to send: it never reached Xero, so it does not count. */
  async cancel(slot: CallSlot): Promise<void> {
    await this.store.db.deleteFrom('xero_calls').where('id', '=', slot.id).execute();
  }

  /**
   * Xero said 429: nobody calls this organisation (or, for the app-wide limit, anyone)
   * before Retry-After has passed.
   */
  async block(tenantId: string, retryAfterSeconds: number, isAppWide = false): Promise<number> {
    const until = this.clock.now() + Math.max(1, retryAfterSeconds) * 1000;
    const row = isAppWide ? APP_ROW : tenantId;
    await this.store.transaction(async (trx) => {
      await this.lockTenant(trx, row);
      const current = await trx.db
        .selectFrom('org_limits')
        .select('blocked_until')
        .where('tenant_id', '=', row)
        .executeTakeFirst();
      if (!current || current.blocked_until < until)
        await new OrgScheduler(trx, this.clock, this.limits).upsertLimits(row, { blocked_until: until });
    });
    return until;
  }

  private async upsertLimits(
    tenantId: string,
    values: Partial<{
      blocked_until: number;
      min_remaining: number | null;
      day_remaining: number | null;
      seen_at: number;
    }>,
  ) {
    await this.store.db
      .insertInto('org_limits')
      .values({
        tenant_id: tenantId,
        blocked_until: values.blocked_until ?? 0,
        min_remaining: values.min_remaining ?? null,
        day_remaining: values.day_remaining ?? null,
        seen_at: values.seen_at ?? null,
      })
      .onConflict((oc) => oc.column('tenant_id').doUpdateSet(values))
      .execute();
  }

  /** What is left of the organisation's budget: the lower of Xero's last word and our count. */
  async budget(tenantId: string): Promise<Budget> {
    const now = this.clock.now();
    const [limits, counts] = await Promise.all([
      this.store.db.selectFrom('org_limits').selectAll().where('tenant_id', '=', tenantId).executeTakeFirst(),
      this.store.db
        .selectFrom('xero_calls')
        .select((eb) => [
          eb.fn.countAll<string>().as('day'),
          eb.fn.sum<string>(sql`case when started_at > ${now - MINUTE} then 1 else 0 end`).as('minute'),
          eb.fn.min<number>('started_at').as('oldest_day'),
        ])
        .where('tenant_id', '=', tenantId)
        .where('started_at', '>', now - DAY)
        .executeTakeFirstOrThrow(),
    ]);
    let minuteRemaining = this.limits.perMinute - Number(counts.minute ?? 0);
    let dayRemaining = this.limits.perDay - Number(counts.day ?? 0);
    const seenAt = limits?.seen_at ?? undefined;
    if (seenAt !== undefined && limits) {
      if (limits.min_remaining !== null && now - seenAt < MINUTE)
        minuteRemaining = Math.min(minuteRemaining, limits.min_remaining);
      if (limits.day_remaining !== null && now - seenAt < DAY)
        dayRemaining = Math.min(dayRemaining, limits.day_remaining);
    }
    return {
      minuteRemaining: Math.max(0, minuteRemaining),
      dayRemaining: Math.max(0, dayRemaining),
      blockedUntil: limits?.blocked_until ?? 0,
      dayFreesAt: counts.oldest_day === null ? now : Number(counts.oldest_day) + DAY,
    };
  }

  /** Forget calls that left the day window. */
  async prune(): Promise<void> {
    await this.store.db
      .deleteFrom('xero_calls')
      .where('started_at', '<', this.clock.now() - DAY)
      .execute();
  }
}
