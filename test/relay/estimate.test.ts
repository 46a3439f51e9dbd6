// The wait a job is told (GET /v1/invoice-jobs/{id} estimate.secondsRemaining), from what is
// queued ahead of it and the organisation's budget.
import { describe, expect, it } from 'vitest';
import { type EstimateInput, secondsRemaining } from '../../relay/jobs/estimate';

const now = 1_000_000;
const base: EstimateInput = {
  ahead: { pending: 0, toCheck: 0 },
  budget: { minuteRemaining: 60, dayRemaining: 5000, blockedUntil: 0, dayFreesAt: now },
  limits: { concurrent: 5, perMinute: 60 },
  callSeconds: 2,
  now,
};
const at = (over: Partial<EstimateInput>) => secondsRemaining({ ...base, ...over });

describe('secondsRemaining', () => {
  it('is 0 with nothing ahead and nothing blocking', () => {
    expect(at({})).toBe(0);
  });

  it('waits out a block (a 429 from Xero), rounded up', () => {
    expect(at({ budget: { ...base.budget, blockedUntil: now + 29_500 } })).toBe(30);
  });

  it('counts one call per 50 items to post and per 50 to look up, five at a time this minute', () => {
    // 120 to post (3 calls) and 60 to look up (2 calls): 5 calls, one round of 2 s.
    expect(at({ ahead: { pending: 120, toCheck: 60 } })).toBe(2);
    // 11 calls: three rounds.
    expect(at({ ahead: { pending: 501, toCheck: 0 } })).toBe(6);
  });

  it('paces the calls past this minute at the per-minute rate', () => {
    // 5 calls, 2 left this minute: one round (2 s), then 3 calls at 60 a minute (1 s each).
    expect(at({ ahead: { pending: 250, toCheck: 0 }, budget: { ...base.budget, minuteRemaining: 2 } })).toBe(
      5,
    );
  });

  it('waits for the day window when the day budget is short', () => {
    const budget = { ...base.budget, dayRemaining: 4, dayFreesAt: now + 3_600_000 };
    expect(at({ ahead: { pending: 250, toCheck: 0 }, budget })).toBe(3600);
  });
});
