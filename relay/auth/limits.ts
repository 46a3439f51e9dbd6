// Flood limits that hold before any expensive work (signature checks, database writes):
// registrations per client address and per instance, and a per-instance budget for every
// request. In memory, per instance: each instance protects itself; the per-install limit
// (middleware.ts) and the per-install queue quota (routes/invoice-jobs.ts) bound one
// install's share.
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { RelayHttpError } from '../errors';
import type { AppEnv, Services } from '../services';
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
  new RelayHttpError(429, 'rate_limited', `${message} Try again in ${retry} s.`, {
    'retry-after': String(retry),
  });

/** Every request except health checks counts against the instance's per-second budget. */
export function globalBudget(s: Services) {
  const counter = new WindowCounter(1000);
  return createMiddleware<AppEnv>(async (c, next) => {
    if (c.req.path === '/healthz' || c.req.path === '/readyz') return next();
    const retry = counter.hit('all', s.config.GLOBAL_REQUESTS_PER_SECOND, s.now());
    if (retry) throw tooMany('The relay is busy.', retry);
    await next();
  });
}

/** Registrations: per client address, then per instance, before the proof is even checked. */
export function registrationLimit(s: Services) {
  const perAddress = new WindowCounter(60_000);
  const overall = new WindowCounter(60_000);
  return (c: Context<AppEnv>) => {
    const now = s.now();
    const address = clientAddress(c);
    const retry = perAddress.hit(address, s.config.REGISTRATIONS_PER_ADDRESS_PER_MINUTE, now);
    if (retry) throw tooMany('Too many installs registered from this address.', retry);
    const retryAll = overall.hit('all', s.config.REGISTRATIONS_PER_MINUTE, now);
    if (retryAll) throw tooMany('The relay is registering too many installs right now.', retryAll);
  };
}
