// SIGTERM in the middle of a bulk send: the relay takes no new batch, lets the ones at
// Xero finish, exits 0, and after a restart every item ends in Xero exactly once.
import { connect } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRelayClient } from '../../lib/relay-client';
import { NZ_TENANT_ID, SEED_CLIENT_ID, SEED_CLIENT_SECRET } from '../../xero-sim/seed';
import type { RunningSim } from '../../xero-sim/start';
import {
  connectAccount,
  createPgSchema,
  newInstall,
  PG_URL,
  STORE_KINDS,
  type StoreKind,
  startTestSim,
  TOKEN_KEY_A,
  tempDir,
} from './harness';
import { items, simInvoiceCounts, waitForJob } from './invoice-helpers';
import { type RelayProcess, spawnRelay } from './spawn';

const exitOf = (r: RelayProcess) =>
  new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    if (r.child.exitCode !== null || r.child.signalCode !== null)
      return resolve({ code: r.child.exitCode, signal: r.child.signalCode });
    r.child.once('exit', (code, signal) => resolve({ code, signal }));
  });

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Whether a new TCP connection to `url` is refused (nothing listening). */
const connectionRefused = (url: string) =>
  new Promise<boolean>((resolve) => {
    const { hostname, port } = new URL(url);
    const socket = connect({ host: hostname, port: Number(port) });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'ECONNREFUSED'));
  });

const invoicesIn = (sim: RunningSim, batch: ReturnType<typeof items>) => {
  const counts = simInvoiceCounts(sim, NZ_TENANT_ID);
  return batch.map((i) => counts.get(i.invoice.InvoiceNumber) ?? 0);
};

describe.each(STORE_KINDS)('graceful stop under load (%s store)', (storeKind: StoreKind) => {
  let sim: RunningSim;
  let dir: ReturnType<typeof tempDir>;
  let schema: Awaited<ReturnType<typeof createPgSchema>> | undefined;
  let env: Record<string, string>;

  beforeAll(async () => {
    sim = await startTestSim();
    dir = tempDir();
    schema = storeKind === 'postgres' ? await createPgSchema() : undefined;
    env = {
      XERO_CLIENT_ID: SEED_CLIENT_ID,
      XERO_CLIENT_SECRET: SEED_CLIENT_SECRET,
      XERO_IDENTITY_URL: sim.url,
      XERO_API_URL: sim.url,
      TOKEN_KEYS: TOKEN_KEY_A,
      LOG_LEVEL: 'info',
      ...(storeKind === 'postgres'
        ? { DATABASE_URL: PG_URL, DATABASE_SCHEMA: schema!.schema }
        : { RELAY_DATA_DIR: dir.path }),
    };
  });
  afterAll(async () => {
    await sim?.controls.setLatency(0);
    await sim?.stop();
    dir?.remove();
    await schema?.drop();
  });

  it('SIGTERM mid-send exits 0 with nothing left claimed; a restart finishes every item exactly once', {
    timeout: 180_000,
  }, async () => {
    // Each call to Xero takes 1 s, so ten batches need two rounds of five and the signal
    // lands while the first round is at Xero.
    await sim.controls.setLatency(1_000);
    const first = await spawnRelay(env);
    const ext = await newInstall(first.url);
    const { connectionId } = await connectAccount(ext, 'nz-stop', [NZ_TENANT_ID]);
    const batch = items(7000, 7500);
    const { jobId } = await ext.client.submitInvoices({
      connectionId,
      accountId: 'nz-stop',
      invoices: batch,
    });
    await until('a batch at Xero', async () => (await ext.client.getJob({ jobId })).counts.posting > 0);
    first.child.kill('SIGTERM');
    const exited = await exitOf(first);
    expect(exited, first.stderr()).toEqual({ code: 0, signal: null });
    expect(first.stdout()).toContain('"msg":"shutting down"');
    expect(first.stdout()).not.toContain('shutdown deadline passed');

    const atStop = invoicesIn(sim, batch);
    expect(atStop.every((n) => n <= 1)).toBe(true);
    // The send was really interrupted: part of it was still waiting.
    expect(atStop.filter((n) => n === 1).length).toBeLessThan(batch.length);

    if (storeKind === 'postgres') {
      // Finished, not abandoned: nothing waits for a lease to run out.
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      const r = await c.query(
        `select count(*)::int as n from "${schema!.schema}".invoice_items where state = 'posting'`,
      );
      await c.end();
      expect(r.rows[0].n).toBe(0);
    }

    await sim.controls.setLatency(0);
    const second = await spawnRelay(env);
    try {
      const client = createRelayClient({ baseUrl: second.url, key: ext.key });
      const job = await waitForJob(client, jobId, (j) => j.state === 'done' || j.state === 'failed', 120_000);
      expect(job.counts.done).toBe(batch.length);
      expect(invoicesIn(sim, batch).every((n) => n === 1)).toBe(true);
    } finally {
      expect(await second.stop()).toBe(0);
    }
  });
});

describe('stop deadline and a second signal (pglite store)', () => {
  let sim: RunningSim;
  let dir: ReturnType<typeof tempDir>;
  let env: Record<string, string>;

  beforeAll(async () => {
    sim = await startTestSim();
    dir = tempDir();
    env = {
      XERO_CLIENT_ID: SEED_CLIENT_ID,
      XERO_CLIENT_SECRET: SEED_CLIENT_SECRET,
      XERO_IDENTITY_URL: sim.url,
      XERO_API_URL: sim.url,
      TOKEN_KEYS: TOKEN_KEY_A,
      LOG_LEVEL: 'info',
      RELAY_DATA_DIR: dir.path,
    };
  });
  afterAll(async () => {
    await sim?.controls.setLatency(0);
    await sim?.stop();
    dir?.remove();
  });

  it('past the deadline it exits 0 and the batch still at Xero is looked up, not posted again', {
    timeout: 180_000,
  }, async () => {
    const first = await spawnRelay({ ...env, SHUTDOWN_DEADLINE_SECONDS: '1' });
    const ext = await newInstall(first.url);
    const { connectionId } = await connectAccount(ext, 'nz-deadline', [NZ_TENANT_ID]);
    await sim.controls.setLatency(8_000);
    const batch = items(8000, 8050);
    const { jobId } = await ext.client.submitInvoices({
      connectionId,
      accountId: 'nz-deadline',
      invoices: batch,
    });
    await until('the batch at Xero', async () => (await ext.client.getJob({ jobId })).counts.posting > 0);
    first.child.kill('SIGTERM');
    expect(await exitOf(first), first.stderr()).toEqual({ code: 0, signal: null });
    expect(first.stdout()).toContain('shutdown deadline passed');
    // Xero finishes the call the relay stopped waiting for.
    await until('Xero to store the batch', () => invoicesIn(sim, batch).every((n) => n === 1), 30_000);
    await sim.controls.setLatency(0);
    // Past Xero's idempotency memory, only the relay's look-up prevents a second copy.
    sim.clock.advance(11 * 60_000);
    const since = (await sim.controls.calls()).length;
    const second = await spawnRelay(env);
    try {
      const client = createRelayClient({ baseUrl: second.url, key: ext.key });
      const job = await waitForJob(client, jobId, (j) => j.state === 'done' || j.state === 'failed', 60_000);
      expect(job.counts.done).toBe(batch.length);
      expect(invoicesIn(sim, batch).every((n) => n === 1)).toBe(true);
      const calls = (await sim.controls.calls()).slice(since);
      expect(calls.some((c) => c.method === 'GET' && c.path.endsWith('/Invoices'))).toBe(true);
      expect(calls.some((c) => c.method === 'PUT' && c.path.endsWith('/Invoices'))).toBe(false);
    } finally {
      await second.stop();
    }
  });

  it('a second SIGTERM exits at once, without waiting for the batch at Xero', {
    timeout: 120_000,
  }, async () => {
    const relay = await spawnRelay({ ...env, SHUTDOWN_DEADLINE_SECONDS: '600' });
    const ext = await newInstall(relay.url);
    const { connectionId } = await connectAccount(ext, 'nz-twice', [NZ_TENANT_ID]);
    await sim.controls.setLatency(30_000);
    const { jobId } = await ext.client.submitInvoices({
      connectionId,
      accountId: 'nz-twice',
      invoices: items(9000, 9010),
    });
    await until('the batch at Xero', async () => (await ext.client.getJob({ jobId })).counts.posting > 0);
    relay.child.kill('SIGTERM');
    await until('the relay to start draining', () => relay.stdout().includes('"msg":"shutting down"'));
    // Draining takes no new work: the listener is closed, a new connection is refused.
    expect(await connectionRefused(relay.url)).toBe(true);
    relay.child.kill('SIGTERM');
    // The call at Xero holds for 30 s and the deadline is 10 min: only the second signal ends it.
    expect(await exitOf(relay)).toEqual({ code: 1, signal: null });
    expect(relay.stdout()).toContain('second stop signal');
    await sim.controls.setLatency(0);
  });
});
