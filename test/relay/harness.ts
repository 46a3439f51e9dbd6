// The relay suites' fixtures: a stack per store, several instances on one clock, a store
// that outlives relay processes, and a snapshot of the store for "nothing changed"
// assertions. Starting the sim, the relay and an install is the local stack's
// (dev/stack/relay.ts), re-exported here.
import type { ChildProcess } from 'node:child_process';
import pg from 'pg';
import {
  createPgSchema,
  PG_URL,
  type RelayUnderTest,
  type StoreKind,
  startRelay,
  startTestSim,
  TOKEN_KEY_A,
  tempDir,
} from '../../dev/stack/relay';
import type { BuildOptions, Relay } from '../../relay/build-relay';
import { fastForwardClock, type SchedulerClock } from '../../relay/jobs/clock';
import { createClock } from '../../xero-sim/clock';
import { SEED_CLIENT_ID, SEED_CLIENT_SECRET } from '../../xero-sim/seed';
import type { RunningSim, StartSimOptions } from '../../xero-sim/start';

export * from '../../dev/stack/relay';

export const STORE_KINDS: StoreKind[] = ['pglite', 'postgres'];

/** Every row of the tables that hold the relay's state, for "nothing changed" assertions. */
export async function snapshotStore(relay: Relay, options: { includeProofs?: boolean } = {}) {
  const db = relay.store.db;
  return {
    installs: await db.selectFrom('installs').selectAll().orderBy('id').execute(),
    connections: await db.selectFrom('connections').selectAll().orderBy('id').execute(),
    grants: await db
      .selectFrom('grants')
      .selectAll()
      .orderBy('connection_id')
      .orderBy('account_id')
      .execute(),
    oauth_states: await db.selectFrom('oauth_states').selectAll().orderBy('state_hash').execute(),
    relay_codes: await db.selectFrom('relay_codes').selectAll().orderBy('code_hash').execute(),
    ...(options.includeProofs
      ? { dpop_proofs: await db.selectFrom('dpop_proofs').selectAll().orderBy('jti').execute() }
      : {}),
  };
}

export interface Stack {
  sim: RunningSim;
  rut: RelayUnderTest;
  stop(): Promise<void>;
}

/** xero-sim plus a relay on the given store (a fresh schema on PostgreSQL), torn down together. */
export async function startStack(store: StoreKind): Promise<Stack> {
  const sim = await startTestSim();
  const pgSchema = store === 'postgres' ? await createPgSchema() : undefined;
  const rut = await startRelay({ sim, store, schema: pgSchema?.schema });
  return {
    sim,
    rut,
    stop: async () => {
      await rut.stop();
      await sim.stop();
      await pgSchema?.drop();
    },
  };
}

export interface SharedInstances {
  sim: RunningSim;
  relays: RelayUnderTest[];
  stop(): Promise<void>;
}

/**
 * Several relay instances on one fresh PostgreSQL schema and one sim, all on one frozen clock
 * that fast-forwards whenever an instance waits for a rate-limit window. A jump while another
 * instance's call is between admission and Xero would stamp that call in a later window at the
 * sim than at the relay, something a real clock never does (the relay's one-second margin
 * covers real flight times), so a jump waits until no admitted call is unfinished.
 */
export async function startSharedInstances(options: {
  count: number;
  frozenAt: number;
  simLimits: StartSimOptions['limits'];
  orgLimits: NonNullable<BuildOptions['orgLimits']>;
  /** Applied to the running sim before the relays start (app-wide limits, ...). */
  prepareSim?: (sim: RunningSim) => Promise<void>;
}): Promise<SharedInstances> {
  const clock = createClock({ frozenAt: options.frozenAt });
  const sim = await startTestSim({ clock, limits: options.simLimits });
  await options.prepareSim?.(sim);
  const schema = await createPgSchema();
  const probe = new pg.Client({ connectionString: PG_URL });
  await probe.connect();
  const inFlight = async () =>
    Number(
      (await probe.query(`select count(*) as n from "${schema.schema}".xero_calls where finished_at is null`))
        .rows[0].n,
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
  const build = { schedulerClock, orgLimits: options.orgLimits, workerPollMs: 50 };
  const relays: RelayUnderTest[] = [];
  for (let i = 0; i < options.count; i++) {
    relays.push(await startRelay({ sim, store: 'postgres', schema: schema.schema, build }));
  }
  return {
    sim,
    relays,
    stop: async () => {
      for (const r of relays) await r.stop();
      await sim.stop();
      await probe.end();
      await schema.drop();
    },
  };
}

export interface CrashStack {
  sim: RunningSim;
  /** The environment a relay process is started with, the one killed and the one revived alike. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * A sim and a store (a fresh PGlite folder or PostgreSQL schema) that outlive relay processes,
 * for tests that kill a relay mid-send and start another on the same store.
 */
export async function startCrashStack(store: StoreKind): Promise<CrashStack> {
  const sim = await startTestSim();
  const dir = tempDir();
  const schema = store === 'postgres' ? await createPgSchema() : undefined;
  const env = {
    XERO_CLIENT_ID: SEED_CLIENT_ID,
    XERO_CLIENT_SECRET: SEED_CLIENT_SECRET,
    XERO_IDENTITY_URL: sim.url,
    XERO_API_URL: sim.url,
    TOKEN_KEYS: TOKEN_KEY_A,
    LOG_LEVEL: 'warn',
    // The PostgreSQL relay cannot know the dead instance is gone until its lease ends.
    INVOICE_LEASE_SECONDS: '15',
    ...(schema ? { DATABASE_URL: PG_URL, DATABASE_SCHEMA: schema.schema } : { RELAY_DATA_DIR: dir.path }),
  };
  return {
    sim,
    env,
    stop: async () => {
      await sim.stop();
      dir.remove();
      await schema?.drop();
    },
  };
}

/** Resolves with the exit code (null when killed by a signal) once the process has ended. */
export function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    child.once('exit', (code) => resolve(code));
  });
}
