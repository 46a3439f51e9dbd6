// `npm run bench:relay`: what the relay itself adds to an authenticated request.
//
// Measured: GET /v1/connections/:id/organisation through a relay child process, answered from
// the relay's organisation-facts cache (relay/xero/org-facts.ts, 60 s), so the request costs
// exactly the relay's own per-request work and no Xero call: the DPoP proof (signed by the
// client, verified by the relay), the store statement that records its jti and reads the
// install, connection and grants, the middleware, routing and the HTTP round trip.
// Baseline ("direct"): one authenticated GET /api.xro/2.0/Organisation straight to xero-sim
// (bearer token checked, JSON answered): one loopback round trip to a plain API server.
// So `added_latency_ms_p50` is relay p50 minus direct p50: the relay's cost on top of any
// authenticated call, and `rps_ratio` its throughput against the plain server's. A call the
// relay forwards to Xero pays, on top, the organisation scheduler's bookkeeping (relay/jobs/
// scheduler.ts), which this benchmark does not measure. Rounds alternate so noise hits both.
// Three processes: this one (the load generator: both clients), the relay, and xero-sim
// (this script again with --serve-sim), so the sim neither shares the relay's event loop nor
// the load generator's: in one process with the clients it slowed the direct calls by its
// own work and made direct_rps swing. The direct client is the relay's own Xero gateway
// (xero-node); `direct_fetch_ms_p50` is the same GET made with plain fetch, for reference.
// Loopback only, bounded loops, medians. Last line: one JSON object.
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { DEV_CHROME_EXTENSION_ID } from '../lib/extension-ids';
import { fromKeyPair, generateKeyPair } from '../lib/install-key';
import { createRelayClient } from '../lib/relay-client';
import { createXeroGateway } from '../relay/xero/client';
import { SEED_CLIENT_ID, SEED_CLIENT_SECRET, UK_TENANT_ID } from '../xero-sim/seed';
import { startSim } from '../xero-sim/start';

const ROUNDS = 3;
const SEQUENTIAL = 150; // per round, for latency
const CONCURRENT_TOTAL = 300; // per round, for throughput
const CONCURRENCY = 8;
const RETURN_URL = `https://${DEV_CHROME_EXTENSION_ID}.chromiumapp.org/bench`;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/**
 * The auth window's first hop: the relay's launch URL binds this "browser" with the
 * sign-in's cookie (sent back to the callback) and redirects to Xero's authorise URL.
 */
async function launch(launchUrl: string): Promise<{ authorizeUrl: string; cookie: string }> {
  const res = await fetch(launchUrl, { redirect: 'manual' });
  const cookie = (res.headers.getSetCookie()[0] ?? '').split(';')[0] ?? '';
  return { authorizeUrl: res.headers.get('location') ?? '', cookie };
}

/** Consent on the sim's page like a browser; returns the Location the final hop redirects to. */
async function consent(authorizeUrl: string, followCallback: boolean, cookie = ''): Promise<string> {
  const html = await (await fetch(authorizeUrl)).text();
  const consentId = /name="consent_id" value="([^"]+)"/.exec(html)?.[1] ?? '';
  const form = new URLSearchParams({ consent_id: consentId, action: 'allow', tenant: UK_TENANT_ID });
  const posted = await fetch(new URL('/connect/authorize', authorizeUrl), {
    method: 'POST',
    body: form,
    redirect: 'manual',
  });
  const callback = posted.headers.get('location') ?? '';
  if (!followCallback) return callback;
  return (await fetch(callback, { redirect: 'manual', headers: { cookie } })).headers.get('location') ?? '';
}

async function directAccessToken(simUrl: string): Promise<string> {
  const redirectUri = 'http://127.0.0.1:9/bench-callback';
  const authorize = new URL('/connect/authorize', simUrl);
  authorize.search = new URLSearchParams({
    response_type: 'code',
    client_id: SEED_CLIENT_ID,
    redirect_uri: redirectUri,
    scope: 'offline_access accounting.settings',
    state: 'bench',
  }).toString();
  const code = new URL(await consent(authorize.toString(), false)).searchParams.get('code') ?? '';
  const res = await fetch(new URL('/connect/token', simUrl), {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${SEED_CLIENT_ID}:${SEED_CLIENT_SECRET}`).toString('base64')}`,
    },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri }),
  });
  return ((await res.json()) as { access_token: string }).access_token;
}

async function spawnRelay(simUrl: string): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // BENCH_RELAY_CPU_PROF=<dir>: the relay child writes a V8 CPU profile there when it stops.
  const profDir = process.env.BENCH_RELAY_CPU_PROF;
  const prof = profDir ? ['--cpu-prof', '--cpu-prof-dir', profDir] : [];
  const child = spawn(process.execPath, [...prof, '--import', 'tsx', 'relay/server.ts'], {
    env: {
      PATH: process.env.PATH,
      XERO_CLIENT_ID: SEED_CLIENT_ID,
      XERO_CLIENT_SECRET: SEED_CLIENT_SECRET,
      XERO_IDENTITY_URL: simUrl,
      XERO_API_URL: simUrl,
      PUBLIC_URL: url,
      PORT: String(port),
      TOKEN_KEYS: `bench:${Buffer.alloc(32, 7).toString('base64')}`,
      RELAY_DATA_DIR: 'memory://',
      LOG_LEVEL: 'warn',
      RATE_LIMIT_PER_MINUTE: '1000000',
      RELAY_ANNOUNCE: '1',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (l) => l.includes('relayListening') && resolve());
    child.once('exit', (code) => reject(new Error(`relay exited with ${code}`)));
  });
  return { url, child };
}

async function timeSequential(n: number, call: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await call();
    out.push(performance.now() - t);
  }
  return out;
}

async function throughput(total: number, call: () => Promise<unknown>): Promise<number> {
  let next = 0;
  const t = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next++ < total) await call();
    }),
  );
  return total / ((performance.now() - t) / 1000);
}

const SIM_LIMITS = {
  concurrentPerTenant: 10_000,
  perMinutePerTenant: 10_000_000,
  perDayPerTenant: 10_000_000,
  perMinutePerApp: 10_000_000,
};

/** `--serve-sim`: this script as the sim's own process; prints its URL, stops on SIGTERM. */
async function serveSim() {
  const sim = await startSim({ port: 0, allowAnyLocalhostRedirect: true, limits: SIM_LIMITS });
  process.stdout.write(`${JSON.stringify({ simUrl: sim.url })}\n`);
  process.once('SIGTERM', () => {
    void sim.stop().finally(() => process.exit(0));
  });
}

async function spawnSim(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/bench-relay.ts', '--serve-sim'], {
    env: { PATH: process.env.PATH },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (l) => {
      if (l.startsWith('{"simUrl"')) resolve((JSON.parse(l) as { simUrl: string }).simUrl);
    });
    child.once('exit', (code) => reject(new Error(`xero-sim exited with ${code}`)));
  });
  return { url, child };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

async function main() {
  const sim = await spawnSim();
  let relay: { url: string; child: ChildProcess };
  try {
    relay = await spawnRelay(sim.url);
  } catch (e) {
    await stopChild(sim.child);
    throw e;
  }
  try {
    const key = await fromKeyPair(await generateKeyPair());
    const client = createRelayClient({ baseUrl: relay.url, key });
    await client.register();
    const { launchUrl } = await client.startConnect({ accountId: 'bench', returnUrl: RETURN_URL });
    const { authorizeUrl, cookie } = await launch(launchUrl ?? '');
    const relayCode = new URL(await consent(authorizeUrl, true, cookie)).searchParams.get('relay_code') ?? '';
    const { connectionId } = await client.redeem({ relayCode });

    const gateway = createXeroGateway({
      clientId: SEED_CLIENT_ID,
      clientSecret: SEED_CLIENT_SECRET,
      identityUrl: sim.url,
      apiUrl: sim.url,
      redirectUri: 'http://127.0.0.1:9/unused',
      scopes: 'offline_access',
    });
    const token = await directAccessToken(sim.url);
    const direct = () => gateway.getOrganisation(token, UK_TENANT_ID);
    const organisationUrl = new URL('/api.xro/2.0/Organisation', sim.url);
    const directHeaders = {
      authorization: `Bearer ${token}`,
      'xero-tenant-id': UK_TENANT_ID,
      accept: 'application/json',
    };
    const directFetch = async () => {
      const res = await fetch(organisationUrl, { headers: directHeaders });
      if (!res.ok) throw new Error(`direct fetch answered ${res.status}`);
      await res.json();
    };
    const viaRelay = () => client.organisation({ connectionId, accountId: 'bench' });
    await viaRelay(); // the relay reads the facts from the sim once; later calls answer from memory

    await timeSequential(30, direct); // warm every path
    await timeSequential(30, directFetch);
    await timeSequential(30, viaRelay);
    const lat = { direct: [] as number[], directFetch: [] as number[], relay: [] as number[] };
    const rps = { direct: [] as number[], relay: [] as number[] };
    for (let r = 0; r < ROUNDS; r++) {
      lat.direct.push(...(await timeSequential(SEQUENTIAL, direct)));
      lat.directFetch.push(...(await timeSequential(SEQUENTIAL, directFetch)));
      lat.relay.push(...(await timeSequential(SEQUENTIAL, viaRelay)));
      rps.direct.push(await throughput(CONCURRENT_TOTAL, direct));
      rps.relay.push(await throughput(CONCURRENT_TOTAL, viaRelay));
    }
    const p50Direct = median(lat.direct);
    const p50Relay = median(lat.relay);
    const round2 = (n: number) => Math.round(n * 100) / 100;
    console.log(
      `authenticated request, ${ROUNDS} rounds x ${SEQUENTIAL} sequential + ${CONCURRENT_TOTAL} at concurrency ${CONCURRENCY}`,
    );
    console.log(
      `  direct to sim (GET Organisation)       : p50 ${p50Direct.toFixed(2)} ms, ${median(rps.direct).toFixed(0)} req/s`,
    );
    console.log(
      `  through relay (organisation, from cache): p50 ${p50Relay.toFixed(2)} ms, ${median(rps.relay).toFixed(0)} req/s`,
    );
    console.log(
      JSON.stringify({
        relay_ms_p50: round2(p50Relay),
        direct_ms_p50: round2(p50Direct),
        added_latency_ms_p50: round2(p50Relay - p50Direct),
        relay_rps: Math.round(median(rps.relay)),
        direct_rps: Math.round(median(rps.direct)),
        rps_ratio: round2(median(rps.relay) / median(rps.direct)),
        direct_fetch_ms_p50: round2(median(lat.directFetch)),
      }),
    );
  } finally {
    await stopChild(relay.child);
    await stopChild(sim.child);
  }
}

if (process.argv.includes('--serve-sim')) await serveSim();
else await main();
