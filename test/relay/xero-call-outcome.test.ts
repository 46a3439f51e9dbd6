// How a call to Xero ended, decided in one place (relay/xero/errors.ts) for the scheduler and
// metrics, and the gateway's deadline on a real xero-node call that Xero never answers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError } from '../../relay/errors';
import { failureToDomain } from '../../relay/tokens';
import { createXeroGateway } from '../../relay/xero/client';
import { classifyCallOutcome, mayHaveHappened, XeroFailure } from '../../relay/xero/errors';
import { NZ_TENANT_ID, SEED_CLIENT_ID, SEED_CLIENT_SECRET } from '../../xero-sim/seed';
import { connect, startTestSim } from '../sim/helpers';
import { invoice } from './invoice-helpers';

describe('classifyCallOutcome', () => {
  it.each([
    [undefined, 'ok'],
    [new XeroFailure('rate_limited', '429', 429, 60, 'minute'), '429'],
    [new XeroFailure('server', '503', 503), '5xx'],
    [new XeroFailure('timeout', 'late'), 'timeout'],
    [new XeroFailure('network', 'down'), 'network'],
    [new XeroFailure('validation', 'bad', 400), '4xx'],
    [new XeroFailure('unauthorized', 'no', 401), '4xx'],
    [failureToDomain(new XeroFailure('timeout', 'late')), 'timeout'],
    [new DomainError('disconnected', 'gone'), 'other'],
  ] as const)('%o → %s', (error, outcome) => {
    expect(classifyCallOutcome(error)).toBe(outcome);
  });

  it('treats timeouts, network failures and 5xx as "may have happened", and 429 and 4xx as not', () => {
    expect(['timeout', 'network', '5xx'].every((o) => mayHaveHappened(o as never))).toBe(true);
    expect(['429', '4xx', 'ok'].some((o) => mayHaveHappened(o as never))).toBe(false);
  });
});

describe('xero gateway deadline', () => {
  let sim: Awaited<ReturnType<typeof startTestSim>>;
  beforeAll(async () => {
    sim = await startTestSim();
  });
  afterAll(async () => {
    await sim?.stop();
  });

  it('gives up on a PUT /Invoices that Xero holds, as a timeout, and leaves the invoice to a look-up', async () => {
    const token = (await connect(sim)).access_token;
    const gateway = createXeroGateway({
      clientId: SEED_CLIENT_ID,
      clientSecret: SEED_CLIENT_SECRET,
      identityUrl: sim.url,
      apiUrl: sim.url,
      redirectUri: 'http://127.0.0.1:9/unused',
      scopes: 'offline_access',
      timeoutMs: 60_000,
    });
    await sim.controls.failNext({
      kind: 'hang',
      hangPhase: 'after',
      pathPrefix: '/api.xro/2.0/Invoices',
      holdMs: 60_000,
    });
    const payload = { ...invoice(1), Status: 'DRAFT' as const };
    const failure = await gateway
      .createInvoices(token, NZ_TENANT_ID, [payload], 'sb-test-hang', { signal: AbortSignal.timeout(300) })
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(XeroFailure);
    expect((failure as XeroFailure).kind).toBe('timeout');
    const { found } = await gateway.findInvoicesByNumber(token, NZ_TENANT_ID, [payload.InvoiceNumber]);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ contactName: 'Amazon.com', date: '2025-06-21', total: '91.25' });
  });
});
