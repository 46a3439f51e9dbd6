// `npm run relay` (`node dist/relay/server.js` from the build): parse the environment, open
// the store, listen, and stop gracefully on SIGTERM/SIGINT: readiness goes 503, the listener
// closes, the invoice worker takes no new batch and lets the ones it claimed finish, all
// within SHUTDOWN_DEADLINE_SECONDS; then the store closes and the process exits 0. A batch
// still at Xero when the deadline passes stays flagged for a look-up by invoice number, so
// whoever takes it next (this relay after a restart, or another instance once the lease
// ends) finds it in Xero instead of posting it twice. A second signal exits at once.
import type { AddressInfo } from 'node:net';
import { buildRelay, createLogger, type Relay, relayServer } from './build-relay';
import { ConfigError, parseEnv } from './env';
import { SchemaOutOfDateError } from './store/db';

async function main() {
  let config: ReturnType<typeof parseEnv>;
  try {
    config = parseEnv(process.env);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw e;
  }
  const log = createLogger(config.LOG_LEVEL);
  let draining = false;
  let relay: Relay;
  try {
    relay = await buildRelay(config, { log, isDraining: () => draining, isProcessMetricsEnabled: true });
  } catch (e) {
    if (e instanceof SchemaOutOfDateError) {
      process.stderr.write(`The relay will not serve: ${e.message}\n`);
      process.exit(78);
    }
    throw e;
  }
  const server = relayServer(relay, config);
  server.listen(config.PORT, config.HOST);
  server.once('listening', () => {
    const { port } = server.address() as AddressInfo;
    log.info(
      { port, host: config.HOST, store: relay.storeDb.dialect, publicUrl: config.PUBLIC_URL },
      'relay listening',
    );
    // One machine-readable line on stdout for supervisors and tests that start us.
    if (process.env.RELAY_ANNOUNCE === '1')
      process.stdout.write(`${JSON.stringify({ relayListening: port })}\n`);
  });
  server.once('error', (e) => {
    log.fatal({ err: { name: e.name, message: e.message } }, 'relay could not listen');
    process.exit(1);
  });

  const shutdown = async (signal: string) => {
    if (draining) {
      log.warn({ signal }, 'second stop signal: exiting now');
      process.exit(1);
    }
    draining = true;
    const deadlineMs = config.SHUTDOWN_DEADLINE_SECONDS * 1000;
    log.info({ signal, deadlineSeconds: config.SHUTDOWN_DEADLINE_SECONDS }, 'shutting down');
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'deadline'>((resolve) => {
      timer = setTimeout(() => resolve('deadline'), deadlineMs);
    });
    const httpClosed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const outcome = await Promise.race([
      Promise.all([relay.worker.stop(), httpClosed]).then(() => 'finished' as const),
      deadline,
    ]);
    clearTimeout(timer);
    if (outcome === 'deadline') {
      log.warn(
        { tasks: relay.worker.activeTasks },
        'shutdown deadline passed; batches still at Xero stay flagged for a look-up before any resend',
      );
      server.closeAllConnections();
      // The worker is still waiting on Xero: close only the store, and not for long.
      await Promise.race([relay.storeDb.close().catch(() => undefined), pause(2_000)]);
    } else {
      await relay.close().catch(() => undefined);
    }
    log.info('relay stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

main().catch((e: Error) => {
  process.stderr.write(`The relay failed to start: ${e.message}\n`);
  process.exit(1);
});
