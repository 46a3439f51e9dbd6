/**
 * Xero's rate limits: per organisation 5 calls in flight, 60 per rolling minute and
 * 5,000 per rolling day; per app 10,000 per rolling minute. Every answer carries the
 * remaining counts; a refusal says which limit was hit and when to retry.
 * https://developer.xero.com/documentation/guides/oauth2/limits/
 */
import type { SimClock } from './clock.ts';
import type { Limits } from './state.ts';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** Call timestamps in ascending order, trimmed from the front as they leave the window. */
class Window {
  private stamps: number[] = [];
  private head = 0;

  constructor(private readonly spanMs: number) {}

  count(now: number): number {
    const from = now - this.spanMs;
    while (this.head < this.stamps.length && (this.stamps[this.head] as number) <= from) this.head++;
    if (this.head > 4096 && this.head * 2 > this.stamps.length) {
      this.stamps = this.stamps.slice(this.head);
      this.head = 0;
    }
    return this.stamps.length - this.head;
  }

  add(now: number): void {
    this.stamps.push(now);
  }

  /** Whole seconds until the oldest counted call leaves the window (at least 1). */
  retryAfterSeconds(now: number): number {
    const oldest = this.stamps[this.head];
    if (oldest === undefined) return 1;
    return Math.max(1, Math.ceil((oldest + this.spanMs - now) / 1000));
  }
}

interface TenantUsage {
  inFlight: number;
  minute: Window;
  day: Window;
}

export type RateLimitProblem = 'day' | 'minute' | 'appminute' | 'concurrent';

export type Admission =
  | { isAllowed: true; headers: Record<string, string>; release: () => void }
  | {
      isAllowed: false;
      problem: RateLimitProblem;
      retryAfterSeconds: number;
      headers: Record<string, string>;
    };

export class RateLimiter {
  private readonly tenants = new Map<string, TenantUsage>();
  private readonly apps = new Map<string, Window>();

  constructor(
    private readonly limits: Limits,
    private readonly clock: SimClock,
  ) {}

  /** Admits one call for `tenantId` made by app `clientId`, or says which limit refuses it. */
  admit(tenantId: string, clientId: string): Admission {
    const now = this.clock.now();
    const tenant = this.usage(tenantId);
    let app = this.apps.get(clientId);
    if (!app) {
      app = new Window(MINUTE);
      this.apps.set(clientId, app);
    }
    const L = this.limits;
    const dayUsed = tenant.day.count(now);
    const minuteUsed = tenant.minute.count(now);
    const appUsed = app.count(now);
    const remaining = (extra: number) => ({
      'X-DayLimit-Remaining': String(Math.max(0, L.perDayPerTenant - dayUsed - extra)),
      'X-MinLimit-Remaining': String(Math.max(0, L.perMinutePerTenant - minuteUsed - extra)),
      'X-AppMinLimit-Remaining': String(Math.max(0, L.perMinutePerApp - appUsed - extra)),
    });
    // Most lasting limit first, so the caller learns the wait that actually matters.
    let refusal: { problem: RateLimitProblem; retryAfterSeconds: number } | undefined;
    if (dayUsed >= L.perDayPerTenant) {
      refusal = { problem: 'day', retryAfterSeconds: tenant.day.retryAfterSeconds(now) };
    } else if (appUsed >= L.perMinutePerApp) {
      refusal = { problem: 'appminute', retryAfterSeconds: app.retryAfterSeconds(now) };
    } else if (minuteUsed >= L.perMinutePerTenant) {
      refusal = { problem: 'minute', retryAfterSeconds: tenant.minute.retryAfterSeconds(now) };
    } else if (tenant.inFlight >= L.concurrentPerTenant) {
      refusal = { problem: 'concurrent', retryAfterSeconds: 1 };
    }
    if (refusal) return { isAllowed: false, ...refusal, headers: remaining(0) };

    tenant.day.add(now);
    tenant.minute.add(now);
    app.add(now);
    tenant.inFlight++;
    let isReleased = false;
    return {
      isAllowed: true,
      headers: remaining(1),
      release: () => {
        if (isReleased) return;
        isReleased = true;
        tenant.inFlight--;
      },
    };
  }

  inFlight(tenantId: string): number {
    return this.tenants.get(tenantId)?.inFlight ?? 0;
  }

  private usage(tenantId: string): TenantUsage {
    let usage = this.tenants.get(tenantId);
    if (!usage) {
      usage = { inFlight: 0, minute: new Window(MINUTE), day: new Window(DAY) };
      this.tenants.set(tenantId, usage);
    }
    return usage;
  }
}
