/**
 * `npm run bench:sim`: how fast the sim starts and how many Accounting API calls a second
 * it answers on this machine. Bounded loops against 127.0.0.1 only; medians of several runs.
 * Ends with one JSON line: {"start_ms":…,"calls_per_s":…}.
 *
 * start_ms is startSim() until listening, in a process that has already loaded the code
 * (what a test suite pays per sim). The minute/day limits are lifted for the throughput
 * runs, since 60 calls a minute would measure the limiter, not the server; concurrency
 * stays at 4, under Xero's 5-in-flight limit.
 */
import { Agent, request } from 'node:http';
import { connect } from '../dev/stack/sim-oauth.ts';
import { NZ_TENANT_ID } from '../xero-sim/seed.ts';
import { startSim } from '../xero-sim/start.ts';

const START_RUNS = 9;
const THROUGHPUT_RUNS = 5;
const CALLS_PER_RUN = 4_000;
const CONCURRENCY = 4;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function get(agent: Agent, port: number, path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

async function measureStart(): Promise<{ listening: number; keyReady: number }> {
  // One warm-up so module loading and JIT are not counted as start time.
  await (await startSim({ port: 0 })).stop();
  const listening: number[] = [];
  const keyReady: number[] = [];
  for (let i = 0; i < START_RUNS; i++) {
    const t0 = performance.now();
    const sim = await startSim({ port: 0 });
    listening.push(performance.now() - t0);
    // The RS256 key is generated off-thread after listening; token endpoints wait for it.
    await (await fetch(`${sim.url}/.well-known/openid-configuration/jwks`)).json();
    keyReady.push(performance.now() - t0);
    await sim.stop();
  }
  return { listening: median(listening), keyReady: median(keyReady) };
}

async function measureThroughput(): Promise<{ callsPerSecond: number; non200: number }> {
  const sim = await startSim({
    port: 0,
    limits: { perMinutePerTenant: 1e9, perDayPerTenant: 1e9, perMinutePerApp: 1e9 },
  });
  const handle = {
    url: sim.url,
    fetch: (u: string, init?: RequestInit) => fetch(u, { redirect: 'manual', ...init }),
  };
  const { access_token } = await connect(handle);
  const headers = {
    authorization: `Bearer ${access_token}`,
    'xero-tenant-id': NZ_TENANT_ID,
    accept: 'application/json',
  };
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const rates: number[] = [];
  let non200 = 0;
  try {
    for (let run = 0; run < THROUGHPUT_RUNS + 1; run++) {
      let next = 0;
      const t0 = performance.now();
      const worker = async () => {
        while (next < CALLS_PER_RUN) {
          next++;
          const status = await get(agent, sim.port, '/api.xro/2.0/Organisation', headers);
          if (status !== 200) non200++;
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      const seconds = (performance.now() - t0) / 1000;
      if (run > 0) rates.push(CALLS_PER_RUN / seconds); // run 0 warms up
    }
  } finally {
    agent.destroy();
    await sim.stop();
  }
  console.log(`throughput runs (calls/s): ${rates.map((r) => Math.round(r)).join(', ')}`);
  return { callsPerSecond: median(rates), non200 };
}

const start = await measureStart();
const startMs = start.listening;
console.log(
  `start (median of ${START_RUNS}): listening ${startMs.toFixed(2)} ms, signing key ready ${start.keyReady.toFixed(2)} ms`,
);
const { callsPerSecond, non200 } = await measureThroughput();
if (non200 > 0) console.log(`warning: ${non200} calls did not answer 200`);
console.log(
  JSON.stringify({ start_ms: Number(startMs.toFixed(2)), calls_per_s: Math.round(callsPerSecond) }),
);
