/**
 * The sim's sense of time. Every expiry (codes, tokens, rate-limit windows, idempotency
 * keys) reads this clock, so tests can jump minutes or days ahead without waiting.
 */
export interface SimClock {
  now(): number;
  advance(ms: number): void;
}

/**
 * A clock that follows the wall clock plus an offset that `advance` grows. With `frozenAt`
 * it stands still until advanced, which makes rate-limit windows deterministic in tests.
 */
export function createClock(options: { frozenAt?: number } = {}): SimClock {
  let offset = 0;
  const frozenAt = options.frozenAt;
  return {
    now: () => (frozenAt === undefined ? Date.now() : frozenAt) + offset,
    advance(ms: number) {
      if (!Number.isFinite(ms) || ms < 0) throw new RangeError('The clock only moves forward');
      offset += ms;
    },
  };
}
