/**
 * Typed HTTP client for the sim's /__sim controls, for any suite that runs the sim in
 * another process or only knows its URL.
 */
import {
  CONTROLS_PREFIX,
  type FaultRequest,
  type LimitsRequest,
  type SimCall,
  type SimStateSnapshot,
} from './controls-api.ts';

export interface SimControlsClient {
  /** The next `count` matching calls fail with `kind` (500, 503, 429, timeout, reset, hang). */
  failNext(fault: FaultRequest): Promise<{ queued: number }>;
  clearFaults(): Promise<void>;
  /** Changes Xero's limits from the next call on (e.g. `{ perMinutePerApp: 120 }`). */
  setLimits(limits: LimitsRequest): Promise<void>;
  /** Adds `ms` of latency to every Accounting API call (while it holds a concurrency slot). */
  setLatency(ms: number): Promise<void>;
  expireAccessTokens(): Promise<{ expired: number }>;
  /** As if the user disconnected the app from inside Xero. */
  disconnectTenant(tenantId: string): Promise<{ removed: number }>;
  state(): Promise<SimStateSnapshot>;
  calls(since?: number): Promise<SimCall[]>;
  reset(): Promise<void>;
  now(): Promise<number>;
  advanceClock(ms: number): Promise<number>;
}

export function createControlsClient(baseUrl: string, fetchImpl: typeof fetch = fetch): SimControlsClient {
  const root = `${baseUrl.replace(/\/$/, '')}${CONTROLS_PREFIX}`;
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetchImpl(`${root}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok)
      throw new Error(`xero-sim control ${method} ${path} failed: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }
  return {
    failNext: (fault) => call('POST', '/faults', fault),
    clearFaults: async () => {
      await call('DELETE', '/faults');
    },
    setLimits: async (limits) => {
      await call('POST', '/limits', limits);
    },
    setLatency: async (ms) => {
      await call('POST', '/latency', { ms });
    },
    expireAccessTokens: () => call('POST', '/expire-access-tokens'),
    disconnectTenant: (tenantId) => call('POST', `/tenants/${encodeURIComponent(tenantId)}/disconnect`),
    state: () => call('GET', '/state'),
    calls: (since = 0) => call('GET', `/calls?since=${since}`),
    reset: async () => {
      await call('POST', '/reset');
    },
    now: async () => (await call<{ now: number }>('GET', '/clock')).now,
    advanceClock: async (ms) => (await call<{ now: number }>('POST', '/clock/advance', { ms })).now,
  };
}
