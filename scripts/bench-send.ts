// `npm run bench:send`: 5,000 invoices (BENCH_INVOICES to change) for one organisation
// through the relay against xero-sim's real limits (5 in flight, 60 a minute, 5,000 a day),
// with the organisation's facts (3 calls) asked for once a minute of Xero time while the
// send runs, as the extension does when its popup opens. Then the same through three relay
// instances on one PostgreSQL (TEST_DATABASE_URL), sharing the budget through the store.
// The sim and the relays' schedulers share one fast-forward clock: when a scheduler must
// wait for the minute window it jumps the clock instead of sleeping, so a run that would
// take minutes of Xero time finishes in seconds. Loopback only; every loop is bounded.
//
// utilisation = Xero calls made per minute ÷ the organisation's 60: how full the scheduler
// keeps the budget whatever the calls are for. invoice_utilisation = invoices per minute ÷
// 3,000 (60 calls × 50): lowered by look-ups, facts calls and part-filled batches.
// Time is the organisation's clock from the first call to the last, plus the share of a
// minute the final window's calls use (1 s per call at 60/min): a burst of 20 calls that
// fits in one window is charged 20 s, not 0 s.
import pg from 'pg';
import { items, simInvoiceCounts } from '../dev/stack/invoices';
import {
  connectAccount,
  createPgSchema,
  newInstall,
  PG_URL,
  type RelayUnderTest,
  startRelay,
  startTestSim,
} from '../dev/stack/relay';
import { fastForwardClock, type SchedulerClock } from '../relay/jobs/clock';
import { createClock } from '../xero-sim/clock';
import { NZ_TENANT_ID } from '../xero-sim/seed';

const INVOICES = Math.min(5_000 * 50, Math.max(1, Number(process.env.BENCH_INVOICES ?? 5000)));
const PER_JOB = 500;
const CALLS_PER_MINUTE = 60;
const CEILING_PER_MINUTE = CALLS_PER_MINUTE * 50;
const REAL_DEADLINE_MS = 10 * 60_000;

interface Result {
  done: number;
  failed: number;
  duplicates: number;
  calls: number;
  puts: number;
  gets: number;
  factsRequests: number;
  /** GETs by path, to see what the budget went on besides PUT /Invoices. */
  getPaths: Record<string, number>;
  http429: number;
  orgSeconds: number;
  realSeconds: number;
  utilisation: number;
  invoiceUtilisation: number;
}

async function scenario(instances: number, store: 'pglite' | 'postgres'): Promise<Result> {
  const clock = createClock({ frozenAt: Date.UTC(2026, 10, 2, 9) });
  const sim = await startTestSim({ clock });
  const schema = store === 'postgres' ? await createPgSchema() : undefined;
  let probe: pg.Client | undefined;
  let schedulerClock: SchedulerClock = fastForwardClock(clock);
  if (schema && instances > 1) {
    // Several instances: the clock jumps only when no admitted call is unfinished (see
    // test/relay/invoice-instances.test.ts), as real time never lands a call in a later window.
    probe = new pg.Client({ connectionString: PG_URL });
    await probe.connect();
    const p = probe;
    // One pg client: its queries go one after another.
    let queue: Promise<unknown> = Promise.resolve();
    const inFlight = (): Promise<number> => {
      const next = queue.then(async () =>
        Number(
          (await p.query(`select count(*) as n from "${schema.schema}".xero_calls where finished_at is null`))
            .rows[0].n,
        ),
      );
      queue = next.catch(() => undefined);
      return next;
    };
    const jumps = fastForwardClock(clock);
    schedulerClock = {
      now: jumps.now,
      sleepUntil: async (at, signal) => {
        for (let i = 0; i < 200 && at > clock.now() && (await inFlight()) > 0; i++) {
          await new Promise((r) => setTimeout(r, 5));
        }
        await jumps.sleepUntil(at, signal);
      },
    };
  }
  const relays: RelayUnderTest[] = [];
  try {
    for (let i = 0; i < instances; i++) {
      relays.push(
        await startRelay({
          sim,
          store,
          schema: schema?.schema,
          // The bench polls its jobs; the per-install request limit is not what is measured.
          env: { LOG_LEVEL: 'warn', RATE_LIMIT_PER_MINUTE: '100000' },
          build: { schedulerClock, workerPollMs: 20 },
        }),
      );
    }
    const first = relays[0] as RelayUnderTest;
    const ext = await newInstall(first.url);
    const { connectionId } = await connectAccount(ext, 'bench', [NZ_TENANT_ID]);
    const since = (await sim.controls.calls()).length;
    const realStart = performance.now();
    const jobIds: string[] = [];
    for (let from = 0; from < INVOICES; from += PER_JOB) {
      const batch = items(from, Math.min(INVOICES, from + PER_JOB));
      jobIds.push(
        (await ext.client.submitInvoices({ connectionId, accountId: 'bench', invoices: batch })).jobId,
      );
    }
    let done = 0;
    let failed = 0;
    let factsRequests = 0;
    let nextFactsAt = clock.now();
    let facts: Promise<unknown> | undefined;
    while (performance.now() - realStart < REAL_DEADLINE_MS) {
      if (!facts && clock.now() >= nextFactsAt) {
        nextFactsAt = clock.now() + 60_000;
        factsRequests++;
        facts = ext.client.organisation({ connectionId, accountId: 'bench' }).finally(() => {
          facts = undefined;
        });
      }
      const jobs = await Promise.all(jobIds.map((jobId) => ext.client.getJob({ jobId })));
      done = jobs.reduce((n, j) => n + j.counts.done, 0);
      failed = jobs.reduce((n, j) => n + j.counts.failed, 0);
      if (done + failed === INVOICES) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await facts;
    const realSeconds = (performance.now() - realStart) / 1000;
    const calls = (await sim.controls.calls(0))
      .slice(since)
      .filter((c) => c.path.startsWith('/api.xro/') && c.tenantId === NZ_TENANT_ID);
    const firstAt = calls[0]?.at ?? 0;
    const last = calls.at(-1)?.at ?? firstAt;
    const finalWindow = calls.filter((c) => c.at > last - 60_000).length;
    const chargedMinutes = (last - firstAt) / 60_000 + finalWindow / CALLS_PER_MINUTE;
    const round = (x: number) => Math.round(x * 1000) / 1000;
    const counts = simInvoiceCounts(sim, NZ_TENANT_ID);
    return {
      done,
      failed,
      duplicates: [...counts.values()].filter((n) => n > 1).length,
      calls: calls.length,
      puts: calls.filter((c) => c.method === 'PUT').length,
      gets: calls.filter((c) => c.method === 'GET').length,
      factsRequests,
      getPaths: calls
        .filter((c) => c.method === 'GET')
        .reduce<Record<string, number>>((m, c) => {
          const path = c.path.replace('/api.xro/2.0', '');
          m[path] = (m[path] ?? 0) + 1;
          return m;
        }, {}),
      http429: calls.filter((c) => c.status === 429).length,
      orgSeconds: (last - firstAt) / 1000,
      realSeconds,
      utilisation: chargedMinutes > 0 ? round(calls.length / chargedMinutes / CALLS_PER_MINUTE) : 0,
      invoiceUtilisation: chargedMinutes > 0 ? round(done / chargedMinutes / CEILING_PER_MINUTE) : 0,
    };
  } finally {
    for (const r of relays) await r.stop();
    await sim.stop();
    await probe?.end();
    await schema?.drop();
  }
}

function report(label: string, r: Result) {
  console.log(`${label}`);
  console.log(
    `  invoices posted      ${r.done} of ${INVOICES} (${r.failed} failed, ${r.duplicates} duplicated in Xero)`,
  );
  console.log(
    `  Xero calls           ${r.calls} (${r.puts} PUT /Invoices, ${r.gets} GETs ${JSON.stringify(r.getPaths)}; ${r.factsRequests} facts requests), 429s: ${r.http429}`,
  );
  console.log(
    `  organisation clock   ${r.orgSeconds.toFixed(1)} s first→last call; real time ${r.realSeconds.toFixed(1)} s`,
  );
  console.log(
    `  budget used          ${(r.utilisation * 100).toFixed(1)}% of 60 calls/min; invoices ${(r.invoiceUtilisation * 100).toFixed(1)}% of ${CEILING_PER_MINUTE}/min`,
  );
}

async function main() {
  const single = await scenario(1, process.env.BENCH_STORE === 'postgres' ? 'postgres' : 'pglite');
  report('one relay instance', single);
  const three = await scenario(3, 'postgres');
  report('three relay instances on one PostgreSQL', three);
  console.log(
    JSON.stringify({
      invoices: single.done,
      calls: single.calls,
      http_429: single.http429,
      utilisation: single.utilisation,
      invoice_utilisation: single.invoiceUtilisation,
      facts_requests: single.factsRequests,
      instances_3_http_429: three.http429,
      instances_3_utilisation: three.utilisation,
      instances_3_invoice_utilisation: three.invoiceUtilisation,
    }),
  );
  const isBad = (r: Result) => r.done !== INVOICES || r.duplicates > 0;
  if (isBad(single) || isBad(three)) process.exitCode = 1;
}

main().catch((e: Error) => {
  console.error(e);
  process.exit(1);
});
