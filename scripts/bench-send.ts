// `npm run bench:send`: 1,000 invoices (BENCH_INVOICES to change) for one organisation
// through the relay against xero-sim's real limits (5 in flight, 60 a minute, 5,000 a day).
// The sim and the relay's scheduler share one fast-forward clock: when the scheduler must
// wait for the minute window it jumps the clock instead of sleeping, so a run that would
// take minutes of Xero time finishes in seconds. Loopback only; every loop is bounded.
//
// Utilisation = achieved invoices per minute ÷ Xero's ceiling (60 calls × 50 invoices).
// Time is the organisation's clock from the first call to the last, plus the share of a
// minute the final window's calls use (1 s per call at 60/min): a burst of 20 calls that
// fits in one window is charged 20 s, not 0 s. Smaller batches, extra look-ups, 429s or
// over-long waits all lower it.
import { fastForwardClock } from '../relay/jobs/clock';
import { connectAccount, createPgSchema, newInstall, startRelay, startTestSim } from '../test/relay/harness';
import { items, simInvoiceCounts } from '../test/relay/invoice-helpers';
import { createClock } from '../xero-sim/clock';
import { NZ_TENANT_ID } from '../xero-sim/seed';

const INVOICES = Math.min(5_000 * 50, Math.max(1, Number(process.env.BENCH_INVOICES ?? 1000)));
const PER_JOB = 500;
const CEILING_PER_MINUTE = 60 * 50;
const REAL_DEADLINE_MS = 10 * 60_000;

async function main() {
  const clock = createClock({ frozenAt: Date.UTC(2026, 10, 2, 9) });
  const sim = await startTestSim({ clock });
  // BENCH_STORE=postgres runs on the test PostgreSQL (fresh schema) instead of PGlite.
  const schema = process.env.BENCH_STORE === 'postgres' ? await createPgSchema() : undefined;
  const relay = await startRelay({
    sim,
    store: schema ? 'postgres' : 'pglite',
    schema: schema?.schema,
    // The bench polls its jobs; the per-install request limit is not what is measured.
    env: { LOG_LEVEL: 'warn', RATE_LIMIT_PER_MINUTE: '100000' },
    build: { schedulerClock: fastForwardClock(clock), workerPollMs: 20 },
  });
  try {
    const ext = await newInstall(relay.url);
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
    while (performance.now() - realStart < REAL_DEADLINE_MS) {
      const jobs = await Promise.all(jobIds.map((jobId) => ext.client.getJob({ jobId })));
      done = jobs.reduce((n, j) => n + j.counts.done, 0);
      failed = jobs.reduce((n, j) => n + j.counts.failed, 0);
      if (done + failed === INVOICES) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const realSeconds = (performance.now() - realStart) / 1000;
    const calls = (await sim.controls.calls(0))
      .slice(since)
      .filter((c) => c.path.startsWith('/api.xro/') && c.tenantId === NZ_TENANT_ID);
    const http429 = calls.filter((c) => c.status === 429).length;
    const puts = calls.filter((c) => c.method === 'PUT').length;
    const gets = calls.filter((c) => c.method === 'GET').length;
    const first = calls[0]?.at ?? 0;
    const last = calls.at(-1)?.at ?? first;
    const finalWindow = calls.filter((c) => c.at > last - 60_000).length;
    const chargedMinutes = (last - first) / 60_000 + finalWindow / 60;
    const perMinute = chargedMinutes > 0 ? done / chargedMinutes : 0;
    const utilisation = Math.round((perMinute / CEILING_PER_MINUTE) * 1000) / 1000;

    const counts = simInvoiceCounts(sim, NZ_TENANT_ID);
    const duplicates = [...counts.values()].filter((n) => n > 1).length;
    console.log(
      `invoices posted      ${done} of ${INVOICES} (${failed} failed, ${duplicates} duplicated in Xero)`,
    );
    console.log(
      `Xero calls           ${calls.length} (${puts} PUT /Invoices, ${gets} GET look-ups), 429s: ${http429}`,
    );
    console.log(
      `organisation clock   ${((last - first) / 1000).toFixed(1)} s first→last call; real time ${realSeconds.toFixed(1)} s`,
    );
    console.log(
      `achieved             ${Math.round(perMinute)} invoices/min of ${CEILING_PER_MINUTE} (${(utilisation * 100).toFixed(1)}%)`,
    );
    console.log(JSON.stringify({ invoices: done, calls: calls.length, http_429: http429, utilisation }));
    if (done !== INVOICES || duplicates > 0) process.exitCode = 1;
  } finally {
    await relay.stop();
    await sim.stop();
    await schema?.drop();
  }
}

main().catch((e: Error) => {
  console.error(e);
  process.exit(1);
});
