// How long a job still has to wait, from what is queued ahead of it on its connection and
// the organisation's Xero budget as the scheduler last saw it.
import type { Budget, OrgLimits } from './scheduler';
import { BATCH_SIZE } from './worker';

export interface EstimateInput {
  /** Everything still to send on the job's connection, and how much of it needs a look-up first. */
  ahead: { pending: number; toCheck: number };
  budget: Budget;
  limits: Pick<OrgLimits, 'concurrent' | 'perMinute'>;
  /** Mean seconds one call to Xero takes. */
  callSeconds: number;
  now: number;
}

/**
 * Seconds until the job's items are all through: everything queued on the connection goes
 * first-come first-served, so the job waits for all of it (an upper bound when later jobs
 * exist). Calls left in this minute go `concurrent` at a time; the rest at the minute's pace;
 * past the day's budget, not before the day frees up.
 */
export function secondsRemaining({ ahead, budget, limits, callSeconds, now }: EstimateInput): number {
  const calls = Math.ceil(ahead.pending / BATCH_SIZE) + Math.ceil(ahead.toCheck / BATCH_SIZE);
  let seconds = Math.max(0, budget.blockedUntil - now) / 1000;
  const thisMinute = Math.min(calls, budget.minuteRemaining);
  seconds += Math.ceil(thisMinute / limits.concurrent) * callSeconds;
  seconds += (calls - thisMinute) * (60 / limits.perMinute);
  if (calls > budget.dayRemaining) seconds = Math.max(seconds, (budget.dayFreesAt - now) / 1000);
  return Math.ceil(seconds);
}
