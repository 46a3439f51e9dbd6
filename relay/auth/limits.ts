// Flood limits that hold before any expensive work (signature checks, database writes):
// registrations per client address and per instance, and a per-instance budget for every
// request. In memory, per instance: each instance protects itself; the per-install limit
// (middleware.ts) and the per-install queue quota (routes/invoice-jobs.ts) bound one
// install's share.
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { Logger } from 'pino';
import type { AppEnv, RelayDeps } from '../deps';
import { RelayHttpError } from '../errors';
import { clientAddress } from './client-address';

/** Fixed windows keyed by anything; old keys are swept as the map grows. */
export class WindowCounter {
  private readonly windows = new Map<string, { start: number; count: number }>();
  constructor(private readonly windowMs: number) {}

  /** Counts one hit; returns the seconds to wait when `limit` is exceeded, else 0. */
  hit(key: string, limit: number, now: number): number {
    let w = this.windows.get(key);
    if (!w || now - w.start >= this.windowMs) {
      if (this.windows.size > 50_000) {
        for (const [k, v] of this.windows) if (now - v.start >= this.windowMs) this.windows.delete(k);
      }
      w = { start: now, count: 0 };
      this.windows.set(key, w);
    }
    w.count++;
    return w.count > limit ? Math.max(1, Math.ceil((w.start + this.windowMs - now) / 1000)) : 0;
  }
}

const tooMany = (message: string, retry: number) =>
  new RelayHttpError(429, 'rate_limited', message, {
    'retry-after': String(retry),
  });

/** Every request except health checks counts against the instance's per-second budget. */
export function globalBudget(s: RelayDeps) {
  const counter = new WindowCounter(1000);
  return createMiddleware<AppEnv>(async (c, next) => {
    if (c.req.path === '/healthz' || c.req.path === '/readyz') return next();
    const retry = counter.hit('all', s.config.GLOBAL_REQUESTS_PER_SECOND, s.now());
    if (retry) throw tooMany(`The relay is busy. Try again in ${retry} s.`, retry);
    await next();
  });
}

export interface RegistrationLimits {
  REGISTRATIONS_PER_ADDRESS_PER_MINUTE: number;
  REGISTRATIONS_PER_MINUTE: number;
}

/** Seconds to wait and the message, for a refused registration. */
export interface Refusal {
  retry: number;
  message: string;
  /** Which limit: the client address's own, or the whole instance's (which refuses everyone). */
  limit: 'address' | 'instance';
}

/**
 * Registrations: per client address, then per instance, before the proof is even checked.
 * Checked on Node's raw request (relay/http-server.ts) so a flood is answered without the
 * app building a request for it; the app checks requests that did not come that way
 * (app.request() in tests). Refusals are logged as one summary line per interval, not one
 * line each: a flood must not cost a log write per request.
 */
export class RegistrationLimiter {
  private readonly perAddress = new WindowCounter(60_000);
  private readonly overall = new WindowCounter(60_000);
  private refused = 0;
  private readonly refusedByLimit = { address: 0, instance: 0 };
  private readonly refusedBy = new Map<string, number>();
  private flushTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly limits: RegistrationLimits,
    private readonly log: Logger,
    private readonly summaryEveryMs = 10_000,
  ) {}

  /** Counts one registration from `address`; a refusal when a limit is passed. */
  check(address: string, now: number): Refusal | undefined {
    const retry = this.perAddress.hit(address, this.limits.REGISTRATIONS_PER_ADDRESS_PER_MINUTE, now);
    if (retry)
      return this.refuse(address, retry, 'address', 'Too many installs registered from this address.');
    const retryAll = this.overall.hit('all', this.limits.REGISTRATIONS_PER_MINUTE, now);
    if (retryAll)
      return this.refuse(
        address,
        retryAll,
        'instance',
        'The relay is registering too many installs right now.',
      );
    return undefined;
  }

  private refuse(address: string, retry: number, limit: Refusal['limit'], reason: string): Refusal {
    this.refused++;
    this.refusedByLimit[limit]++;
    if (this.refusedBy.size < 1000 || this.refusedBy.has(address))
      this.refusedBy.set(address, (this.refusedBy.get(address) ?? 0) + 1);
    this.flushTimer ??= setTimeout(() => this.flush(), this.summaryEveryMs).unref();
    return { retry, message: `${reason} Try again in ${retry} s.`, limit };
  }

  /** Logs what was refused since the last summary (also called on close). */
  flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.refused === 0) return;
    const top = [...this.refusedBy].sort((a, b) => b[1] - a[1]).slice(0, 5);
    this.log.warn(
      {
        refused: this.refused,
        byLimit: { ...this.refusedByLimit },
        addresses: this.refusedBy.size,
        top: Object.fromEntries(top),
        periodMs: this.summaryEveryMs,
      },
      'registrations refused (rate limited)',
    );
    this.refused = 0;
    this.refusedByLimit.address = 0;
    this.refusedByLimit.instance = 0;
    this.refusedBy.clear();
  }
}

/** The app's check, for a request Node's raw listener has not already counted. */
export function registrationLimit(s: RelayDeps, limiter: RegistrationLimiter) {
  return (c: Context<AppEnv>) => {
    const incoming = (c.env as { incoming?: object } | undefined)?.incoming;
    if (incoming && isRegistrationCounted(incoming)) return;
    const refusal = limiter.check(clientAddress(c, s.config.TRUST_PROXY), s.now());
    if (refusal) throw tooMany(refusal.message, refusal.retry);
  };
}

const counted = new WeakSet<object>();
/** Marks a raw request whose registration the raw listener has counted (and let through). */
export const markRegistrationCounted = (incoming: object) => counted.add(incoming);
const isRegistrationCounted = (incoming: object) => counted.has(incoming);
