// Prometheus metrics (prom-client) for operators: HTTP traffic, every call to Xero by
// outcome, token refreshes, the invoice queue and the per-organisation limiter. Label
// values come from fixed sets only (route patterns, gateway operations, outcome names,
// states): never a tenant, connection, install or invoice id, so cardinality stays bounded
// however many organisations use the relay. Each relay has its own registry, so several
// relays in one test process do not mix their numbers.
import { timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { Kysely } from 'kysely';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { OrgScheduler } from './jobs/scheduler';
import type { Database } from './store/schema';
import type { BooksGateway } from './xero/books';
import type { XeroGateway } from './xero/client';
import { XeroFailure } from './xero/errors';

/** What one call to Xero came to, as an operator reads it. */
export type XeroOutcome = 'ok' | '429' | '5xx' | 'timeout' | 'network' | '401' | '403' | '4xx';

export function xeroOutcome(e: unknown, elapsedMs: number, timeoutMs: number): XeroOutcome {
  if (!(e instanceof XeroFailure)) return '5xx';
  // A gateway that names its own deadline says so directly.
  if ((e.kind as string) === 'timeout') return 'timeout';
  switch (e.kind) {
    case 'rate_limited':
      return '429';
    case 'unauthorized':
    case 'invalid_grant':
      return '401';
    case 'forbidden':
      return '403';
    case 'validation':
    case 'not_found':
    case 'oauth':
      return e.status !== undefined && e.status >= 500 ? '5xx' : '4xx';
    case 'network':
      // The gateway turns its own deadline into the same network failure as a refused
      // connection; a failure at (or past) the deadline is the deadline.
      return elapsedMs >= timeoutMs * 0.95 ? 'timeout' : 'network';
    default:
      return '5xx';
  }
}

const GATEWAY_OPERATIONS = [
  'authorizationUrl',
  'exchangeCode',
  'refresh',
  'revoke',
  'listTenants',
  'deleteConnection',
  'getOrganisation',
  'isMulticurrencyAllowed',
  'listCurrencies',
  'enableCurrency',
  'createInvoices',
  'findInvoicesByNumber',
  'listInvoiceAttachments',
  'attachToInvoice',
] as const satisfies readonly (keyof XeroGateway)[];

/** Books reads and account creation, labelled `books.<method>`. */
const BOOKS_OPERATIONS = [
  'organisation',
  'currencies',
  'accounts',
  'taxRates',
  'trackingCategories',
  'createAccount',
] as const satisfies readonly (keyof BooksGateway)[];

// A gateway method that gains a new name must be listed above (a missing one would not be counted).
type UnlistedBooks = Exclude<keyof BooksGateway, (typeof BOOKS_OPERATIONS)[number]>;
const _everyBooksOperationListed: UnlistedBooks extends never ? true : never = true;
void _everyBooksOperationListed;
type Unlisted = Exclude<keyof XeroGateway, (typeof GATEWAY_OPERATIONS)[number]>;
const _everyOperationListed: Unlisted extends never ? true : never = true;
void _everyOperationListed;

export interface MetricsOptions {
  db: Kysely<Database>;
  now?: () => number;
  /** The gateway's own per-call deadline, to tell timeouts from other network failures. */
  xeroTimeoutMs?: number;
  /** Process metrics (CPU, memory, event loop); off in tests that build many relays. */
  isProcessMetricsEnabled?: boolean;
}

export class RelayMetrics {
  readonly registry = new Registry();
  private readonly now: () => number;
  private readonly xeroTimeoutMs: number;

  /** Registrations refused by the raw listener since the last scrape (see countEarlyRefusal). */
  private earlyRefusals = 0;
  private readonly httpRequests: Counter<'method' | 'route' | 'status'> = (() => {
    const takeEarlyRefusals = () => {
      const n = this.earlyRefusals;
      this.earlyRefusals = 0;
      return n;
    };
    return new Counter({
      name: 'relay_http_requests_total',
      help: 'HTTP requests answered, by method, route pattern and status.',
      labelNames: ['method', 'route', 'status'] as const,
      registers: [this.registry],
      collect() {
        const n = takeEarlyRefusals();
        if (n > 0) this.inc({ method: 'POST', route: '/v1/installs', status: '429' }, n);
      },
    });
  })();
  /** Registration refusals the raw listener is holding before it sends them. */
  private heldRefusals = 0;
  private readonly httpDuration = new Histogram({
    name: 'relay_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by method and route pattern.',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  private readonly xeroCalls = new Counter({
    name: 'relay_xero_calls_total',
    help: 'Calls to Xero by operation and outcome (ok, 429, 5xx, timeout, network, 401, 403, 4xx).',
    labelNames: ['operation', 'outcome'] as const,
    registers: [this.registry],
  });
  private readonly xeroDuration = new Histogram({
    name: 'relay_xero_call_duration_seconds',
    help: 'Time one call to Xero took, by operation.',
    labelNames: ['operation'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
    registers: [this.registry],
  });
  private readonly refreshes = new Counter({
    name: 'relay_xero_token_refreshes_total',
    help: 'Token refreshes sent to Xero, by result (ok, invalid_grant, failed).',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  private readonly limiterRefusals = new Counter({
    name: 'relay_limiter_refusals_total',
    help: 'Times the per-organisation limiter made a call wait, by reason (concurrent, minute, day, blocked after a 429).',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  private readonly limiterWait = new Histogram({
    name: 'relay_limiter_wait_seconds',
    help: 'Time a call to Xero waited for its organisation’s limiter before it could go.',
    buckets: [0, 0.1, 0.5, 1, 5, 15, 30, 60, 300, 3600],
    registers: [this.registry],
  });
  private readonly waitingTenants = new Map<string, number>();

  /**
   * A registration refused by the raw listener (relay/http-server.ts), before the app. A
   * flood makes thousands a second, so each is one addition here; the counter takes the sum
   * when /metrics is read.
   */
  countEarlyRefusal(): void {
    this.earlyRefusals++;
  }

  /** How many refusals the raw listener holds now (REGISTRATION_REFUSAL_DELAY_MS). */
  setHeldRefusals(n: number): void {
    this.heldRefusals = n;
  }

  constructor(o: MetricsOptions) {
    this.now = o.now ?? Date.now;
    this.xeroTimeoutMs = o.xeroTimeoutMs ?? 10_000;
    const waiting = this.waitingTenants;
    const heldRefusals = () => this.heldRefusals;
    new Gauge({
      name: 'relay_registration_refusals_held',
      help: 'Registration refusals held before they are sent, so a flooding client waits (REGISTRATION_REFUSAL_DELAY_MS).',
      registers: [this.registry],
      collect() {
        this.set(heldRefusals());
      },
    });
    new Gauge({
      name: 'relay_limiter_waiting_organisations',
      help: 'Organisations with at least one call waiting for the limiter in this process.',
      registers: [this.registry],
      collect() {
        this.set(waiting.size);
      },
    });
    const { db } = o;
    const now = this.now;
    // Queue gauges read the shared store, so every instance reports the same numbers:
    // aggregate them with max(), not sum().
    new Gauge({
      name: 'relay_invoice_items',
      help: 'Invoice items in the store by state: queued, posting (claimed, in flight), needs_reconnect (parked).',
      labelNames: ['state'] as const,
      registers: [this.registry],
      async collect() {
        const rows = await db
          .selectFrom('invoice_items')
          .select(['state', db.fn.countAll<string>().as('n')])
          .where('state', 'in', ['queued', 'posting', 'needs_reconnect'])
          .groupBy('state')
          .execute();
        for (const state of ['queued', 'posting', 'needs_reconnect'] as const) {
          this.set({ state }, Number(rows.find((r) => r.state === state)?.n ?? 0));
        }
      },
    });
    new Gauge({
      name: 'relay_invoice_oldest_queued_seconds',
      help: 'Age of the oldest invoice item still queued (0 when none is).',
      registers: [this.registry],
      async collect() {
        const row = await db
          .selectFrom('invoice_items')
          .select(db.fn.min<number | string | null>('created_at').as('oldest'))
          .where('state', '=', 'queued')
          .executeTakeFirst();
        const oldest = row?.oldest == null ? undefined : Number(row.oldest);
        this.set(oldest === undefined ? 0 : Math.max(0, (now() - oldest) / 1000));
      },
    });
    if (o.isProcessMetricsEnabled) collectDefaultMetrics({ register: this.registry, prefix: 'relay_' });
  }

  /** Hono middleware: counts and times every request under its route pattern. */
  http(): MiddlewareHandler {
    return async (c, next) => {
      const started = performance.now();
      try {
        await next();
      } finally {
        // The route whose handler served the request. Middleware is method ALL, and so is
        // app.ts's 404 for other methods on a public path; public routes are added ahead of
        // the /v1 middleware, so the last route matched may be middleware.
        const routes = matchedRoutes(c);
        const handler = routes.findLast((r) => r.method !== 'ALL');
        // An unmatched path only reaches middleware; its text is the caller's, not ours.
        const route = handler
          ? handler.path
          : c.res.status === 404
            ? 'unmatched'
            : (routes.at(-1)?.path ?? '');
        const method = ['GET', 'POST', 'DELETE', 'OPTIONS', 'HEAD', 'PUT', 'PATCH'].includes(c.req.method)
          ? c.req.method
          : 'OTHER';
        this.httpRequests.inc({ method, route, status: String(c.res.status) });
        this.httpDuration.observe({ method, route }, (performance.now() - started) / 1000);
      }
    };
  }

  /** The same gateway, with every call counted by outcome and timed. */
  instrumentGateway(xero: XeroGateway): XeroGateway {
    return this.instrument(xero, GATEWAY_OPERATIONS, '');
  }

  /** The books gateway likewise, so /metrics counts every call the relay makes to Xero. */
  instrumentBooks(books: BooksGateway): BooksGateway {
    return this.instrument(books, BOOKS_OPERATIONS, 'books.');
  }

  private instrument<G extends object>(gateway: G, ops: readonly (keyof G & string)[], prefix: string): G {
    const wrapped = { ...gateway };
    for (const name of ops) {
      const op = `${prefix}${name}`;
      const original = gateway[name] as (...args: unknown[]) => Promise<unknown>;
      (wrapped as Record<string, unknown>)[name] = async (...args: unknown[]) => {
        const started = performance.now();
        try {
          const result = await original.apply(gateway, args);
          this.xeroCalls.inc({ operation: op, outcome: 'ok' });
          if (op === 'refresh') this.refreshes.inc({ result: 'ok' });
          return result;
        } catch (e) {
          const elapsed = performance.now() - started;
          this.xeroCalls.inc({ operation: op, outcome: xeroOutcome(e, elapsed, this.xeroTimeoutMs) });
          if (op === 'refresh') {
            const isDead = e instanceof XeroFailure && e.kind === 'invalid_grant';
            this.refreshes.inc({ result: isDead ? 'invalid_grant' : 'failed' });
          }
          throw e;
        } finally {
          this.xeroDuration.observe({ operation: op }, (performance.now() - started) / 1000);
        }
      };
    }
    return wrapped;
  }

  /** Times limiter waits and counts refusals by reason, without tenant labels. */
  instrumentScheduler(scheduler: OrgScheduler): void {
    const tryAdmit = scheduler.tryAdmit.bind(scheduler);
    const acquire = scheduler.acquire.bind(scheduler);
    scheduler.tryAdmit = async (tenantId) => {
      const a = await tryAdmit(tenantId);
      if (!a.isAdmitted) this.limiterRefusals.inc({ reason: a.reason });
      return a;
    };
    scheduler.acquire = async (tenantId, signal) => {
      const started = performance.now();
      this.waitingTenants.set(tenantId, (this.waitingTenants.get(tenantId) ?? 0) + 1);
      try {
        const slot = await acquire(tenantId, signal);
        if (slot) this.limiterWait.observe((performance.now() - started) / 1000);
        return slot;
      } finally {
        const left = (this.waitingTenants.get(tenantId) ?? 1) - 1;
        if (left <= 0) this.waitingTenants.delete(tenantId);
        else this.waitingTenants.set(tenantId, left);
      }
    };
  }

  /** Prometheus text for GET /metrics. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

/** Constant-time check of `Authorization: Bearer <token>`. */
export function isMetricsTokenValid(header: string | undefined, token: string): boolean {
  const match = /^Bearer (.+)$/i.exec(header ?? '');
  if (!match) return false;
  const given = Buffer.from(match[1]!);
  const wanted = Buffer.from(token);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}
