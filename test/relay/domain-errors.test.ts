// The token service's refusals are domain errors; errors.ts's one table gives each the HTTP
// answer the relay always gave (status, code, headers, message), and Xero's own wait wins
// over the table's default Retry-After.
import { describe, expect, it } from 'vitest';
import { domainErrorToHttp } from '../../relay/errors';
import { failureToDomain, isDisconnected, needsReconnect, tenantNotChosen } from '../../relay/tokens';
import { XeroFailure } from '../../relay/xero/errors';

const answer = (e: Parameters<typeof domainErrorToHttp>[0]) => {
  const h = domainErrorToHttp(e);
  return { status: h.status, code: h.code, headers: h.headers, body: h.toBody() };
};

describe('token and Xero failures as HTTP', () => {
  it('answers a connection that cannot be used with 409 and its code', () => {
    expect(answer(needsReconnect())).toMatchObject({ status: 409, code: 'needs_reconnect', headers: {} });
    expect(answer(isDisconnected())).toMatchObject({ status: 409, code: 'disconnected', headers: {} });
    expect(answer(tenantNotChosen())).toMatchObject({ status: 409, code: 'tenant_not_chosen', headers: {} });
  });

  it('passes on the wait Xero asked for, and 60 seconds when it named none', () => {
    const told = answer(failureToDomain(new XeroFailure('rate_limited', 'Xero is busy.', 429, 7)));
    expect(told).toEqual({
      status: 429,
      code: 'rate_limited',
      headers: { 'retry-after': '7' },
      body: { error: { code: 'rate_limited', message: 'Xero is busy. Try again in 7 seconds.' } },
    });
    const untold = answer(failureToDomain(new XeroFailure('rate_limited', 'Xero is busy.', 429)));
    expect(untold.headers).toEqual({ 'retry-after': '60' });
  });

  it('maps refusals, dead grants and outages as before, keeping what Xero did as the cause', () => {
    const rejected = failureToDomain(new XeroFailure('validation', 'Xero rejected the request: no.'));
    expect(answer(rejected)).toMatchObject({ status: 422, code: 'xero_rejected', headers: {} });
    const dead = new XeroFailure('invalid_grant', 'gone');
    expect(failureToDomain(dead).cause).toBe(dead);
    expect(answer(failureToDomain(dead))).toMatchObject({ status: 409, code: 'needs_reconnect' });
    const down = answer(failureToDomain(new XeroFailure('server', 'Xero failed.', 500)));
    expect(down).toMatchObject({ status: 503, code: 'xero_unavailable' });
    expect(down.body.error.message).toBe('Xero failed. Nothing was changed; try again shortly.');
  });
});
