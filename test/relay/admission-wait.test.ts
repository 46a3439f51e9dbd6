// A person waits on the organisation facts and on enabling a currency. While the
// organisation's Xero budget stays blocked (Xero's 429 says Retry-After: 60 and the relay
// honours it for every caller), those answers must not hang until the block lifts: after
// ADMISSION_WAIT_MS they answer 429 rate_limited and make no call, as the Books reads do.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RelayError } from '../../lib/relay-client';
import { UK_TENANT_ID } from '../../xero-sim/seed';
import type { RunningSim } from '../../xero-sim/start';
import {
  connectAccount,
  type Extension,
  newInstall,
  type RelayUnderTest,
  startRelay,
  startTestSim,
} from './harness';

const ACCOUNT = 'amzn1.merchant.d.WAITUK.A1F83G8C2ARO7P';

describe('relay: organisation facts and currency changes while the budget is blocked', () => {
  let sim: RunningSim;
  let rut: RelayUnderTest;
  let ext: Extension;
  let connectionId: string;
  const apiCalls = () => sim.state.calls.filter((c) => c.path.startsWith('/api.xro/')).length;

  beforeAll(async () => {
    sim = await startTestSim();
    rut = await startRelay({ sim, store: 'pglite' });
    ext = await newInstall(rut.url);
    connectionId = (await connectAccount(ext, ACCOUNT, [UK_TENANT_ID])).connectionId;
    // Xero refuses one call with Retry-After: 60; the organisation is blocked for a minute.
    await sim.controls.failNext({ kind: '429', pathPrefix: '/api.xro/2.0/Organisation' });
    const first = await ext.client
      .organisation({ connectionId, accountId: ACCOUNT })
      .catch((e: unknown) => e);
    expect(first).toBeInstanceOf(RelayError);
    expect((first as RelayError).status).toBe(429);
  }, 60_000);
  afterAll(async () => {
    await rut?.stop();
    await sim?.stop();
  });

  it('answers the facts with 429 rate_limited instead of waiting out the block, and calls nothing', async () => {
    const before = apiCalls();
    const answer = await ext.client
      .organisation({ connectionId, accountId: ACCOUNT, refresh: true })
      .catch((e: unknown) => e);
    expect(answer).toBeInstanceOf(RelayError);
    expect((answer as RelayError).status).toBe(429);
    expect((answer as RelayError).code).toBe('rate_limited');
    expect(apiCalls()).toBe(before);
  }, 45_000);

  it('answers a currency change with 429 rate_limited too, and calls nothing', async () => {
    const before = apiCalls();
    const answer = await ext.client
      .enableCurrency({ connectionId, accountId: ACCOUNT, currency: 'AUD' })
      .catch((e: unknown) => e);
    expect(answer).toBeInstanceOf(RelayError);
    expect((answer as RelayError).status).toBe(429);
    expect(apiCalls()).toBe(before);
  }, 45_000);
});
