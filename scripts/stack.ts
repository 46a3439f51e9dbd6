/**
 * The local stack behind `npm start`: the relay (embedded PGlite store in .data/relay) and,
 * when no Xero credentials are configured, xero-sim standing in for Xero. Runs until Ctrl-C.
 *
 * Settings (environment): XERO_CLIENT_ID / XERO_CLIENT_SECRET (real Xero; otherwise the
 * sim), RELAY_PORT (8787), SIM_PORT (8788), TOKEN_KEYS (else a development key is made once
 * in .data/dev-token-keys), DATABASE_URL (PostgreSQL instead of PGlite), PUBLIC_URL.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { buildRelay, createLogger } from '../relay/build-relay';
import { ConfigError, parseEnv } from '../relay/env';
import { SEED_CLIENT_ID, SEED_CLIENT_SECRET, seedWithAmazonSection } from '../xero-sim/seed';
import { startSim } from '../xero-sim/start';

const root = join(import.meta.dirname, '..');
const relayPort = Number(process.env.RELAY_PORT ?? 8787);
const simPort = Number(process.env.SIM_PORT ?? 8788);
const publicUrl = process.env.PUBLIC_URL ?? `http://127.0.0.1:${relayPort}`;

/** A development-only token key, kept outside the store's folder (the key is held apart from the data). */
function devTokenKeys(): string {
  const dir = join(root, '.data');
  const file = join(dir, 'dev-token-keys');
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, `dev1:${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
  }
  return readFileSync(file, 'utf8').trim();
}

async function main() {
  const useSim = !(process.env.XERO_CLIENT_ID && process.env.XERO_CLIENT_SECRET);
  const sim = useSim
    ? await startSim({
        port: simPort,
        redirectUris: [`${publicUrl}/v1/oauth/callback`],
        // Sends still use the CLI default mapping's codes, so the dev organisations carry them.
        seed: seedWithAmazonSection(),
        publicUrl: `http://127.0.0.1:${simPort}`,
      })
    : undefined;
  if (sim) {
    console.log(
      `No Xero credentials configured (XERO_CLIENT_ID, XERO_CLIENT_SECRET): using xero-sim, the local stand-in for Xero, at ${sim.url}.`,
    );
  }

  let config: ReturnType<typeof parseEnv>;
  try {
    config = parseEnv({
      RELAY_DATA_DIR: join(root, '.data', 'relay'),
      LOG_LEVEL: 'warn',
      // A laptop stack has no deploy step: it brings its own store up to date.
      MIGRATE_ON_START: '1',
      ...process.env,
      PORT: String(relayPort),
      PUBLIC_URL: publicUrl,
      TOKEN_KEYS: process.env.TOKEN_KEYS ?? devTokenKeys(),
      ...(sim
        ? {
            XERO_CLIENT_ID: SEED_CLIENT_ID,
            XERO_CLIENT_SECRET: SEED_CLIENT_SECRET,
            XERO_IDENTITY_URL: sim.url,
            XERO_API_URL: sim.url,
          }
        : {}),
    });
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      await sim?.stop();
      process.exit(78);
    }
    throw e;
  }

  console.log('Starting the relay (the first start of a new data folder takes a few seconds)…');
  const relay = await buildRelay(config, { log: createLogger(config.LOG_LEVEL) });
  const server = serve({ fetch: relay.app.fetch, port: relayPort, hostname: config.HOST });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', () => resolve());
    server.once('error', reject);
  });
  console.log(
    `Relay listening at ${publicUrl} (store: ${config.DATABASE_URL ? 'PostgreSQL' : config.RELAY_DATA_DIR}).`,
  );
  console.log('Settlebridge is ready. Press Ctrl-C to stop.');

  const stop = async () => {
    console.log('\nStopping…');
    server.close();
    await relay.close().catch(() => {});
    await sim?.stop();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((e: Error) => {
  console.error(`The local stack failed to start: ${e.message}`);
  process.exit(1);
});
