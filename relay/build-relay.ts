// Builds a relay from a parsed config: store, vault, Xero gateway, logger. Shared by
// server.ts, rekey.ts, the tests and the benchmark so they all run the real wiring.
import pino, { type Logger } from 'pino';
import { createApp, type RelayApp } from './app';
import { ConfigError, type RelayConfig, shouldMigrateOnStart } from './env';
import { createRelayServer } from './http-server';
import type { SchedulerClock } from './jobs/clock';
import type { OrgLimits } from './jobs/scheduler';
import { InvoiceWorker, type WorkerOptions } from './jobs/worker';
import { RelayMetrics } from './metrics';
import { openDb, type StoreDb } from './store/db';
import { Store } from './store/queries';
import { Vault } from './vault';
import { type BooksGateway, createBooksGateway } from './xero/books';
import { createXeroGateway, type XeroGateway } from './xero/client';

export const createLogger = (level: RelayConfig['LOG_LEVEL'], destination?: pino.DestinationStream): Logger =>
  pino(
    {
      level,
      base: { service: 'settlebridge-relay' },
      // Defence in depth: the relay never logs these, but if a field with such a name ever
      // slips in, it is blanked.
      redact: {
        paths: [
          '*.accessToken',
          '*.refreshToken',
          '*.access_token',
          '*.refresh_token',
          '*.code',
          '*.authorization',
          '*.dpop',
          'relayCode',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );

export interface Relay extends RelayApp {
  worker: InvoiceWorker;
  storeDb: StoreDb;
  store: Store;
  vault: Vault;
  xero: XeroGateway;
  log: Logger;
  metrics: RelayMetrics;
  close(): Promise<void>;
}

export interface BuildOptions {
  log?: Logger;
  now?: () => number;
  isDraining?: () => boolean;
  xero?: XeroGateway;
  books?: BooksGateway;
  poolSize?: number;
  /** Clock for job scheduling; a fast-forward clock makes rate-limit waits instant. */
  schedulerClock?: SchedulerClock;
  orgLimits?: Partial<OrgLimits>;
  /** Real-time pause of the worker loop between looks at the queue (default 500 ms). */
  workerPollMs?: number;
  /** Do not start the invoice worker (tests that drive it themselves). */
  isWorkerDisabled?: boolean;
  /** CPU, memory and event-loop metrics (server.ts turns them on). */
  isProcessMetricsEnabled?: boolean;
  /** Deadline of every call to Xero (default 10 s, below the 30 s call and 60 s item leases). */
  xeroCallDeadlineMs?: number;
  /** The invoice worker's `afterXeroAccepted` (the crash tests kill the process there). */
  afterXeroAccepted?: WorkerOptions['afterXeroAccepted'];
}

/** The relay's HTTP server (not yet listening): refusals of a flood first, then the app. */
export function relayServer(
  relay: Relay,
  config: Pick<
    RelayConfig,
    'TRUST_PROXY' | 'CORS_EXTRA_ORIGINS' | 'REGISTRATION_REFUSAL_DELAY_MS' | 'REGISTRATION_REFUSALS_HELD_MAX'
  >,
) {
  return createRelayServer({
    app: relay.app,
    registrations: relay.registrations,
    config,
    onEarlyRefusal: () => relay.metrics.countEarlyRefusal(),
    onHeldRefusals: (held) => relay.metrics.setHeldRefusals(held),
  });
}

export async function buildRelay(config: RelayConfig, options: BuildOptions = {}): Promise<Relay> {
  const log = options.log ?? createLogger(config.LOG_LEVEL);
  const storeDb = await openDb({
    databaseUrl: config.DATABASE_URL,
    schema: config.DATABASE_SCHEMA,
    dataDir: config.RELAY_DATA_DIR,
    poolSize: options.poolSize,
    migrations: shouldMigrateOnStart(config) ? 'apply' : 'require-current',
  });
  if (storeDb.applied.length > 0) log.info({ applied: storeDb.applied }, 'store migrations applied');
  const metrics = new RelayMetrics({
    db: storeDb.db,
    now: options.now,
    isProcessMetricsEnabled: options.isProcessMetricsEnabled,
    xeroTimeoutMs: options.xeroCallDeadlineMs,
  });
  const store = new Store(storeDb.db, storeDb.dialect, storeDb.authCache);
  const vault = new Vault(config.TOKEN_KEYS);
  try {
    await checkKeysOpenStoredTokens(store, vault);
  } catch (e) {
    await storeDb.close();
    throw e;
  }
  const xero = metrics.instrumentGateway(
    options.xero ??
      createXeroGateway({
        clientId: config.XERO_CLIENT_ID,
        clientSecret: config.XERO_CLIENT_SECRET,
        identityUrl: config.XERO_IDENTITY_URL,
        apiUrl: config.XERO_API_URL,
        redirectUri: `${config.PUBLIC_URL}/v1/oauth/callback`,
        scopes: config.XERO_SCOPES,
        now: options.now,
        timeoutMs: options.xeroCallDeadlineMs,
      }),
  );
  let worker: InvoiceWorker | undefined;
  const relayApp = createApp({
    config,
    store,
    vault,
    xero,
    books: metrics.instrumentBooks(
      options.books ??
        createBooksGateway({ apiUrl: config.XERO_API_URL, timeoutMs: options.xeroCallDeadlineMs }),
    ),
    log,
    now: options.now,
    isDraining: options.isDraining,
    schedulerClock: options.schedulerClock,
    orgLimits: options.orgLimits,
    xeroCallDeadlineMs: options.xeroCallDeadlineMs,
    onJobQueued: () => worker?.wake(),
    metrics,
  });
  metrics.instrumentScheduler(relayApp.scheduler);
  worker = new InvoiceWorker({
    store,
    jobs: relayApp.jobs,
    scheduler: relayApp.scheduler,
    tokens: relayApp.tokens,
    xero,
    log,
    clock: relayApp.schedulerClock,
    invoiceStatus: config.INVOICE_STATUS,
    leaseMs: config.INVOICE_LEASE_SECONDS * 1000,
    pollMs: options.workerPollMs,
    reclaimPostingOnStart: storeDb.dialect === 'pglite',
    afterXeroAccepted: options.afterXeroAccepted,
  });
  if (!options.isWorkerDisabled) worker.start();
  const startedWorker = worker;
  let pruner: NodeJS.Timeout | undefined = setInterval(() => {
    const now = (options.now ?? Date.now)();
    Promise.all([store.pruneProofs(now), store.pruneOauthStates(now), relayApp.scheduler.prune()]).catch(() =>
      log.warn('pruning expired proofs failed'),
    );
  }, 60_000);
  pruner.unref();
  let retention: NodeJS.Timeout | undefined = setInterval(() => {
    void applyRetention(store, config, (options.now ?? Date.now)(), log);
  }, config.RETENTION_SWEEP_MINUTES * 60_000);
  retention.unref();
  return {
    ...relayApp,
    storeDb,
    store,
    vault,
    xero,
    log,
    metrics,
    worker: startedWorker,
    close: async () => {
      if (pruner) clearInterval(pruner);
      pruner = undefined;
      if (retention) clearInterval(retention);
      retention = undefined;
      relayApp.registrations.flush();
      await startedWorker.stop();
      await storeDb.close();
    },
  };
}

/** How many stored tokens the start-up check opens: newest first, so recent keys are seen. */
const KEY_CHECK_SAMPLE = 20;

/**
 * Refuses to start when TOKEN_KEYS cannot open stored tokens (a key dropped too early, or
 * the wrong key set for this store): serving would turn every connection into "reconnect
 * needed". The message names key ids only, never key material or tokens.
 */
export async function checkKeysOpenStoredTokens(store: Store, vault: Vault): Promise<void> {
  const rows = await store.db
    .selectFrom('connections')
    .select(['id', 'refresh_token_enc'])
    .where('refresh_token_enc', 'is not', null)
    .orderBy('updated_at', 'desc')
    .limit(KEY_CHECK_SAMPLE)
    .execute();
  const failed = new Map<string, number>();
  for (const row of rows) {
    try {
      vault.decrypt(row.refresh_token_enc!, row.id);
    } catch {
      const keyId = vault.keyIdOf(row.refresh_token_enc!) ?? '?';
      failed.set(keyId, (failed.get(keyId) ?? 0) + 1);
    }
  }
  if (failed.size > 0) {
    const which = [...failed].map(([k, n]) => `${n} under key "${k}"`).join(', ');
    throw new ConfigError(
      `The relay cannot start: TOKEN_KEYS does not open ${which} of ${rows.length} stored tokens checked. Put the missing key back in TOKEN_KEYS (older keys after the current one) and run relay:rekey before dropping it.`,
    );
  }
}

const DAY_MS = 24 * 3600_000;

/** One retention sweep with the configured periods (relay/README.md, "Retention"). */
export async function applyRetention(
  store: Store,
  config: Pick<
    RelayConfig,
    'RETENTION_JOBS_DAYS' | 'RETENTION_SIGN_IN_HOURS' | 'RETENTION_IDLE_INSTALL_DAYS'
  >,
  now: number,
  log?: Logger,
) {
  try {
    const pruned = await store.transaction((s) =>
      s.prune({
        now,
        jobsBefore: now - config.RETENTION_JOBS_DAYS * DAY_MS,
        signInBefore: now - config.RETENTION_SIGN_IN_HOURS * 3600_000,
        installsBefore: now - config.RETENTION_IDLE_INSTALL_DAYS * DAY_MS,
      }),
    );
    log?.info({ pruned }, 'retention sweep');
    return pruned;
  } catch (e) {
    log?.warn({ err: { name: (e as Error).name } }, 'retention sweep failed');
    return undefined;
  }
}
