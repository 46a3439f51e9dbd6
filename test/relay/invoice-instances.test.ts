// Two relay instances on one PostgreSQL share one organisation's Xero budget: together
// they never exceed it (no 429), and every invoice is posted once.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRelayClient } from '../../lib/relay-client';
import { fastForwardClock, type SchedulerClock } from '../../relay/jobs/clock';
import { createClock } from '../../xero-sim/clock';
import { NZ_TENANT_ID } from '../../xero-sim/seed';
import type { RunningSim } from '../../xero-sim/start';
import {
  connectAccount,
  createPgSchema,
  newInstall,
  PG_URL,
  type RelayUnderTest,
  startRelay,
  startTestSim,
} from './harness';
import { items, simInvoiceCounts, waitForJob } from './invoice-helpers';

describe('two relay instances on one PostgreSQL', () => {
  // A small minute limit on both sides keeps the test quick while still needing several
  // minute windows; the code path is the one the real 60/min takes.
  const limits = { concurrent: 5, perMinute: 6, perDay: 5000 };
  let sim: RunningSim;
  let schema: Awaited<ReturnType<typeof createPgSchema>>;
  let a: RelayUnderTest;
  let b: RelayUnderTest;
  let probe: pg.Client;

  beforeAll(async () => {
    const clock = createClock({ frozenAt: Date.UTC(2026, 10, 3, 9) });
    sim = await startTestSim({
      clock,
      limits: { concurrentPerTenant: 5, perMinutePerTenant: 6, perDayPerTenant: 5000 },
    });
    schema = await createPgSchema();
    // The shared clock jumps whenever an instance waits for a window. A jump while another
    // instance's call is between admission and Xero would stamp that call in a later window
    // at the sim than at the relay, something a real clock never does (the relay's one-second
    // margin covers real flight times). So a jump waits until no admitted call is unfinished.
    probe = new pg.Client({ connectionString: PG_URL });
    await probe.connect();
    const inFlight = async () =>
      Number(
        (
          await probe.query(
            `select count(*) as n from "${schema.schema}".xero_calls where finished_at is null`,
          )
        ).rows[0].n,
      );
    const jumps = fastForwardClock(clock);
    const schedulerClock: SchedulerClock = {
      now: jumps.now,
      sleepUntil: async (at, signal) => {
        for (let i = 0; i < 200 && at > clock.now() && (await inFlight()) > 0; i++) {
          await new Promise((r) => setTimeout(r, 10));
        }
        await jumps.sleepUntil(at, signal);
      },
    };
    const build = { schedulerClock, orgLimits: limits, workerPollMs: 50 };
    a = await startRelay({ sim, store: 'postgres', schema: schema.schema, build });
    b = await startRelay({ sim, store: 'postgres', schema: schema.schema, build });
  });
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await sim?.stop();
    await probe?.end();
    await schema?.drop();
  });

  it('share the organisation’s limits: no 429 and each invoice once, with both doing work', async () => {
    const ext = await newInstall(a.url);
    const { connectionId } = await connectAccount(ext, 'nz-shared', [NZ_TENANT_ID]);
    const viaB = createRelayClient({ baseUrl: b.url, key: ext.key });
    const since = (await sim.controls.calls()).length;
    const jobs = [
      await ext.client.submitInvoices({ connectionId, accountId: 'nz-shared', invoices: items(7000, 7500) }),
      await viaB.submitInvoices({ connectionId, accountId: 'nz-shared', invoices: items(7500, 8000) }),
    ];
    for (const j of jobs) expect((await waitForJob(ext.client, j.jobId)).counts.done).toBe(500);

    const calls = (await sim.controls.calls()).slice(since).filter((c) => c.path.startsWith('/api.xro/'));
    expect(calls.filter((c) => c.status === 429)).toEqual([]);
    expect(calls.filter((c) => c.method === 'PUT')).toHaveLength(20);
    // 20 calls at 6 a minute span at least three full windows of the organisation's clock.
    expect(calls.at(-1)!.at - calls[0]!.at).toBeGreaterThanOrEqual(3 * 60_000);
    expect(a.relay.worker.stats.puts).toBeGreaterThan(0);
    expect(b.relay.worker.stats.puts).toBeGreaterThan(0);
    const counts = simInvoiceCounts(sim, NZ_TENANT_ID);
    expect(items(7000, 8000).every((i) => counts.get(i.invoice.InvoiceNumber) === 1)).toBe(true);
  });
});
