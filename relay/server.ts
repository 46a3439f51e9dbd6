// `npm run relay`: parse the environment, open the store, listen, and shut down
// gracefully on SIGTERM/SIGINT (readiness goes 503 first, in-flight requests finish,
// then the store closes).
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { ConfigError, parseEnv } from './env';
import { buildRelay, createLogger } from './runtime';

const GRACE_MS = 10_000;

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
  const relay = await buildRelay(config, { log, isDraining: () => draining });
  const server = serve({ fetch: relay.app.fetch, port: config.PORT, hostname: config.HOST });
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

  const shutdown = (signal: string) => {
    if (draining) return;
    draining = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      log.warn('shutdown grace period over; closing remaining connections');
      if ('closeAllConnections' in server) server.closeAllConnections();
    }, GRACE_MS);
    force.unref();
    if ('closeIdleConnections' in server) server.closeIdleConnections();
    server.close(async () => {
      await relay.close().catch(() => undefined);
      log.info('relay stopped');
      process.exit(0);
    });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((e: Error) => {
  process.stderr.write(`The relay failed to start: ${e.message}\n`);
  process.exit(1);
});
