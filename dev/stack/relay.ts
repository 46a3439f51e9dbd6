// The relay half of the local stack: xero-sim on a loopback port and the relay on another,
// wired exactly as `npm run relay` wires it (parseEnv + buildRelay + @hono/node-server), and
// an extension install that registers and connects through them the way the browser does.
// The relay tests, the benchmarks and the demo start their stacks here.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pg from 'pg';
import { DEV_CHROME_EXTENSION_ID } from '../../lib/extension-ids';
import { fromKeyPair, generateKeyPair, type InstallKey } from '../../lib/install-key';
import { createRelayClient, type RelayClient } from '../../lib/relay-client';
import {
  type BuildOptions,
  buildRelay,
  createLogger,
  type Relay,
  relayServer,
} from '../../relay/build-relay';
import { parseEnv, type RelayConfig } from '../../relay/env';
import { SEED_CLIENT_ID, SEED_CLIENT_SECRET, seedWithAmazonSection } from '../../xero-sim/seed';
import { type RunningSim, type StartSimOptions, startSim } from '../../xero-sim/start';

export const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const RETURN_URL = `https://${DEV_CHROME_EXTENSION_ID}.chromiumapp.org/xero`;
export const TOKEN_KEY_A = `a:${Buffer.alloc(32, 1).toString('base64')}`;
export const TOKEN_KEY_B = `b:${Buffer.alloc(32, 2).toString('base64')}`;

export type StoreKind = 'pglite' | 'postgres';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** A fresh schema on the PostgreSQL at PG_URL; fails (never skips) when the server is down. */
export async function createPgSchema(): Promise<{ schema: string; drop(): Promise<void> }> {
  const schema = `relay_t_${process.pid}_${randomBytes(4).toString('hex')}`;
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (e) {
    throw new Error(
      `PostgreSQL at ${PG_URL} is not reachable (${(e as Error).message}); the store suite needs it.`,
    );
  }
  await client.end();
  return {
    schema,
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`drop schema if exists "${schema}" cascade`);
      await c.end();
    },
  };
}

/** Collects every log line so tests can assert what was (not) logged. */
export function logSink() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { lines, stream, text: () => lines.join('') };
}

/**
 * A sim whose organisations already carry an Amazon section at the CLI default mapping's free
 * codes (`seedWithAmazonSection`): these suites test posting, not Books setup.
 */
export async function startTestSim(options: StartSimOptions = {}): Promise<RunningSim> {
  return startSim({
    port: 0,
    isControlsEnabled: true,
    allowAnyLocalhostRedirect: true,
    seed: seedWithAmazonSection(),
    ...options,
  });
}

export interface RelayUnderTest {
  relay: Relay;
  url: string;
  config: RelayConfig;
  logs: ReturnType<typeof logSink>;
  stop(): Promise<void>;
}

export interface StartRelayOptions {
  sim: RunningSim;
  store: StoreKind;
  /** PGlite data folder (defaults to a fresh temp dir) or PostgreSQL schema. */
  dataDir?: string;
  schema?: string;
  env?: Record<string, string>;
  port?: number;
  /** Extra buildRelay options (scheduler clock, worker poll, ...). */
  build?: Omit<BuildOptions, 'log'>;
}

export async function startRelay(opts: StartRelayOptions): Promise<RelayUnderTest> {
  const port = opts.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const config = parseEnv({
    XERO_CLIENT_ID: SEED_CLIENT_ID,
    XERO_CLIENT_SECRET: SEED_CLIENT_SECRET,
    XERO_IDENTITY_URL: opts.sim.url,
    XERO_API_URL: opts.sim.url,
    PUBLIC_URL: url,
    TOKEN_KEYS: TOKEN_KEY_A,
    LOG_LEVEL: 'info',
    MIGRATE_ON_START: '1',
    RELAY_DATA_DIR: opts.dataDir ?? 'memory://',
    // Every test install registers from 127.0.0.1; the per-address limit has its own test.
    REGISTRATIONS_PER_ADDRESS_PER_MINUTE: '100000',
    REGISTRATIONS_PER_MINUTE: '100000',
    ...(opts.store === 'postgres' ? { DATABASE_URL: PG_URL, DATABASE_SCHEMA: opts.schema ?? 'public' } : {}),
    ...opts.env,
  });
  const logs = logSink();
  const relay = await buildRelay(config, {
    poolSize: 4,
    ...opts.build,
    log: createLogger('info', logs.stream),
  });
  const server = relayServer(relay, config);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    relay,
    url,
    config,
    logs,
    stop: async () => {
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      await relay.close();
    },
  };
}

export function tempDir(prefix = 'relay-test-'): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export interface Extension {
  key: InstallKey;
  client: RelayClient;
}

/** An extension install: a fresh non-extractable key and a client bound to the relay. */
export async function newInstall(relayUrl: string, register = true): Promise<Extension> {
  const key = await fromKeyPair(await generateKeyPair());
  const client = createRelayClient({ baseUrl: relayUrl, key });
  if (register) await client.register();
  return { key, client };
}

/**
 * One browser's cookies, as far as the sign-in needs them: host-and-port scoped (as a
 * browser scopes the loopback relay's), with Path and Max-Age honoured. Only redirects
 * followed through `fetch` here see them.
 */
export class CookieJar {
  private readonly cookies = new Map<string, { value: string; path: string; expires: number }>();

  store(url: string, setCookies: string[]): void {
    const { host } = new URL(url);
    for (const line of setCookies) {
      const [pair, ...attrs] = line.split(';').map((p) => p.trim());
      const i = pair!.indexOf('=');
      const name = pair!.slice(0, i);
      let path = '/';
      let expires = Number.POSITIVE_INFINITY;
      for (const a of attrs) {
        const [k, v = ''] = a.split('=');
        if (k!.toLowerCase() === 'path') path = v;
        if (k!.toLowerCase() === 'max-age') expires = Date.now() + Number(v) * 1000;
      }
      const key = `${host} ${path} ${name}`;
      if (expires <= Date.now()) this.cookies.delete(key);
      else this.cookies.set(key, { value: pair!.slice(i + 1), path, expires });
    }
  }

  header(url: string): string | undefined {
    const { host, pathname } = new URL(url);
    const out: string[] = [];
    for (const [key, c] of this.cookies) {
      const [h, , name] = key.split(' ');
      if (h === host && pathname.startsWith(c.path) && c.expires > Date.now()) out.push(`${name}=${c.value}`);
    }
    return out.length ? out.join('; ') : undefined;
  }

  /** fetch with this jar: sends its cookies, keeps what the answer sets, follows redirects. */
  async fetch(url: string, init: RequestInit = {}, follow = true): Promise<Response> {
    let current = url;
    let request = init;
    for (let hops = 0; hops < 10; hops++) {
      const cookie = this.header(current);
      const res = await fetch(current, {
        ...request,
        redirect: 'manual',
        headers: { ...(request.headers as Record<string, string>), ...(cookie ? { cookie } : {}) },
      });
      this.store(current, res.headers.getSetCookie());
      const location = res.headers.get('location');
      if (!follow || res.status < 300 || res.status >= 400 || !location) {
        Object.defineProperty(res, 'url', { value: current });
        return res;
      }
      await res.arrayBuffer();
      current = new URL(location, current).toString();
      request = {};
    }
    throw new Error(`too many redirects from ${url}`);
  }
}

/**
 * Drives the sign-in like the extension's auth window: open the launch URL (which sets the
 * sign-in's cookie in this browser's jar and redirects to the sim's consent page), submit
 * "Allow access" (with the chosen tenants) or "Cancel", follow the sim's redirect to the
 * relay callback with the jar's cookies, and return where the relay sends the browser back
 * to. Pass a fresh jar (or a Xero authorise URL) to act as another browser.
 */
export async function consent(
  launchUrl: string,
  action: 'allow' | 'cancel',
  tenantIds: string[] = [],
  jar = new CookieJar(),
): Promise<{ callbackUrl: string; returnLocation: string; callbackStatus: number; callbackBody: string }> {
  const page = await jar.fetch(launchUrl);
  const html = await page.text();
  if (!page.ok) throw new Error(`consent page failed: ${page.status} ${html}`);
  const consentId = /name="consent_id" value="([^"]+)"/.exec(html)?.[1];
  if (!consentId) throw new Error('no consent_id on the consent page');
  const form = new URLSearchParams({ consent_id: consentId, action });
  for (const t of tenantIds) form.append('tenant', t);
  // page.url: where the launch URL's redirect finally led.
  const posted = await jar.fetch(
    new URL('/connect/authorize', page.url).toString(),
    {
      method: 'POST',
      body: form,
    },
    false,
  );
  const callbackUrl = posted.headers.get('location');
  if (!callbackUrl) throw new Error(`consent post did not redirect: ${posted.status} ${await posted.text()}`);
  const cb = await jar.fetch(callbackUrl, {}, false);
  return {
    callbackUrl,
    returnLocation: cb.headers.get('location') ?? '',
    callbackStatus: cb.status,
    callbackBody: await cb.text(),
  };
}

/** Start → launch URL → consent → callback → redeem. */
export async function connectAccount(
  ext: Extension,
  accountId: string,
  tenantIds: string[],
  connectionId?: string,
) {
  const { launchUrl } = await ext.client.startConnect({ accountId, returnUrl: RETURN_URL, connectionId });
  const { returnLocation } = await consent(launchUrl!, 'allow', tenantIds);
  const relayCode = new URL(returnLocation).searchParams.get('relay_code');
  if (!relayCode) throw new Error(`no relay_code in ${returnLocation}`);
  return ext.client.redeem({ relayCode });
}
