// The scheduler's sense of time. Every wait for a rate-limit window goes through
// `sleepUntil`, so a benchmark or test can hand in a clock that jumps forward instead of
// sleeping (shared with xero-sim, both sides agree on what a minute is).

export interface SchedulerClock {
  now(): number;
  /** Resolves at `at` (or at once if past), or early when `signal` aborts. */
  sleepUntil(at: number, signal?: AbortSignal): Promise<void>;
}

export const realClock: SchedulerClock = {
  now: () => Date.now(),
  sleepUntil: (at, signal) =>
    new Promise<void>((resolve) => {
      const ms = at - Date.now();
      if (ms <= 0 || signal?.aborted) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      }
      signal?.addEventListener('abort', done, { once: true });
    }),
};

/**
 * A clock that only moves when something waits: `sleepUntil(at)` advances it to `at`.
 * `advance` is the shared clock's own (e.g. xero-sim's `createClock({ frozenAt })`).
 */
export function fastForwardClock(base: { now(): number; advance(ms: number): void }): SchedulerClock {
  return {
    now: () => base.now(),
    sleepUntil: async (at) => {
      const gap = at - base.now();
      if (gap > 0) base.advance(gap);
      // Yield so callers still interleave as they would after a real wait.
      await new Promise((r) => setImmediate(r));
    },
  };
}
