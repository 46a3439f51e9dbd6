// How a failed call to Xero is named on /metrics (relay_xero_calls_total{outcome}).
import { describe, expect, it } from 'vitest';
import { xeroOutcome } from '../../relay/metrics';
import { failureFromHttp, XeroFailure } from '../../relay/xero/errors';

describe('xeroOutcome', () => {
  it.each([
    [failureFromHttp(429, { 'retry-after': '60' }, undefined), 100, '429'],
    [failureFromHttp(500, {}, undefined), 100, '5xx'],
    [failureFromHttp(503, {}, undefined), 100, '5xx'],
    [failureFromHttp(401, {}, undefined), 100, '401'],
    [failureFromHttp(403, {}, undefined), 100, '403'],
    [failureFromHttp(400, {}, '{"Message":"bad"}'), 100, '4xx'],
    [new XeroFailure('network', 'Xero could not be reached.'), 10_000, 'timeout'],
    [new XeroFailure('network', 'Xero could not be reached.'), 50, 'network'],
    // A gateway that reports its own deadline as a kind of its own.
    [new XeroFailure('timeout' as never, 'Xero did not answer in time.'), 50, 'timeout'],
    [new XeroFailure('invalid_grant', 'dead refresh token', 400), 100, '401'],
    [new Error('not from Xero'), 100, '5xx'],
  ])('names %s after %i ms as %s', (error, elapsedMs, expected) => {
    expect(xeroOutcome(error, elapsedMs, 10_000)).toBe(expected);
  });
});
