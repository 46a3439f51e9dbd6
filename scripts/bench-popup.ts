// `npm run bench:popup`: how long the popup takes to show a seller's 200 accounts, against
// an empty extension page opened in the same browser, and how much JS the popup loads.
//
// Two builds go to a temporary directory: the production build (what ships; its popup's JS
// is what gets weighed) and a benchmark build that differs only by the empty page
// `entrypoints/bench-blank.html` (kept out of normal builds by wxt.config.ts unless
// SETTLEBRIDGE_BENCH=1). The benchmark build is loaded into Debian's Chromium, 200
// invented accounts are imported through the extension's own `backup/import` message, and
// then popup.html and bench-blank.html are each opened in a fresh tab, alternating, for
// ROUNDS rounds after WARMUPS warm-ups. Medians are reported (two noisy cores here).
//
// How a load is timed (see PROBE): a script added with `evaluateOnNewDocument` runs in the
// new document before any of its own scripts and reads `performance.now()`, whose zero is
// the document's time origin, i.e. the start of the navigation that created it. The clock
// therefore covers everything the user waits for (process swap, HTML, script fetch and
// evaluation, the popup's `popup/state` round trip to the service worker, Preact's render)
// and none of the CDP round trips between Node and the browser. The "ready" moment is when a
// MutationObserver first sees 200 `[role="option"]` elements (popup) or the load event
// (blank); the reported time is the next frame after that: a message posted from a
// requestAnimationFrame callback is handled once that frame's rendering step is done, so
// the list has been laid out and painted, not just inserted. Both pages are timed the same
// way, so the ratio compares like with like.
//
// The service worker stays warm across rounds (each popup wakes it well within its idle
// timeout), so this is the "popup opened again" case, not a cold browser start.
//
// Loopback only: nothing here opens a socket, and Chromium's resolver is told to fail every
// host name, so the browser cannot reach the internet either. Last line: one JSON object.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Page } from 'puppeteer-core';
import { build } from 'wxt';
import { BACKUP_FORMAT, type Backup } from '../lib/background/backup';
import { MARKETPLACES } from '../lib/marketplaces';
import type { Account, XeroConnection } from '../lib/records';
import { type ExtensionBrowser, launchChromium } from '../test/e2e/harness';

const ACCOUNTS = 200;
const WARMUPS = 2;
const ROUNDS = 20;
const LOAD_TIMEOUT_MS = 20_000;
const BLANK_PAGE = 'bench-blank.html';
const ROOT = resolve(import.meta.dirname, '..');
const CHROME_PATH = process.env.CHROME_PATH ?? '/usr/bin/chromium';
// Every host name fails to resolve; the extension's pages need none.
const OFFLINE_ARGS = ['--host-resolver-rules=MAP * ~NOTFOUND'];

const median = (xs: readonly number[]) => percentile(xs, 50);
function percentile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  // The median of an even count is the mean of the two middle values; other percentiles
  // are nearest-rank, so they are always a value that was measured.
  if (p === 50) {
    const m = s.length >> 1;
    return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
  }
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}
const round1 = (n: number) => Math.round(n * 10) / 10;

// --- Invented but plausible accounts -------------------------------------------------

/** mulberry32: a small seeded PRNG, so every run imports the same accounts. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function buildBackup(count: number): Backup {
  const rand = prng(20_240_611);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(rand() * 16).toString(16)).join('');
  const uuid = () => `${hex(8)}-${hex(4)}-4${hex(3)}-${pick(['8', '9', 'a', 'b'])}${hex(3)}-${hex(12)}`;
  const alnum = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  const merchantId = () =>
    `A${Array.from({ length: 12 + Math.floor(rand() * 2) }, () => pick([...alnum])).join('')}`;

  const brands = [
    'Harbor & Pine',
    'Northwind Outdoor',
    'Bluefin Kitchen',
    'Copperleaf Home',
    'Little Otter Toys',
    'Summit Trail Gear',
    'Velvet Fern Beauty',
    'Ironbark Tools',
    'Sunny Paws Pet Supply',
    'Maple & Moss Garden',
    'Quartz Audio',
    'Tidewater Apparel',
    'Brightnest Baby',
    'Granite Peak Fitness',
    'Lumen Desk Co.',
    'Saffron Table',
    'Kestrel Cycling',
    'Oak Hollow Crafts',
    'Pebble Tech Accessories',
    'Wild Clover Tea',
  ];
  const suffixes = ['', ' Wholesale', ' Outlet', ' FBA', ' Direct', ' Refurbished', ' B2B', ' Clearance'];
  // Most sellers start in the big marketplaces; every marketplace appears at least once.
  const weighted = MARKETPLACES.flatMap((m) =>
    Array.from(
      {
        length: ['US', 'UK', 'DE'].includes(m.code)
          ? 6
          : ['CA', 'FR', 'IT', 'ES', 'JP'].includes(m.code)
            ? 3
            : 1,
      },
      () => m,
    ),
  );
  const t0 = Date.UTC(2024, 0, 8);

  const connections: XeroConnection[] = [
    ['Harbor & Pine Holdings Ltd', 'GBP', 'connected'],
    ['Northwind Trading Inc', 'USD', 'connected'],
    ['Copperleaf GmbH', 'EUR', 'needs_reconnect'],
    ['Quartz Audio Pty Ltd', 'AUD', 'disconnected'],
  ].map(([organisationName, baseCurrency, status], i) => ({
    id: `xc_${hex(16)}`,
    tenantId: uuid(),
    organisationName: organisationName!,
    status: status as XeroConnection['status'],
    baseCurrency: baseCurrency!,
    updatedAt: t0 + i * 86_400_000,
  }));
  const firstOnConnection = new Map<string, string>();

  const accounts: Account[] = [];
  const names = new Set<string>();
  for (let i = 0; accounts.length < count && i < count * 20; i++) {
    const market = i < MARKETPLACES.length ? MARKETPLACES[i]! : pick(weighted);
    const brand = pick(brands);
    const name = `${brand}${pick(suffixes)} ${market.code}`;
    if (names.has(name)) continue;
    names.add(name);
    const id = uuid();
    const createdAt = t0 + Math.floor(rand() * 400) * 86_400_000 + Math.floor(rand() * 86_400_000);
    const account: Account = {
      id,
      name,
      marketplace: market.code,
      currency: market.currency,
      createdAt,
      updatedAt: createdAt,
    };
    // About one in eight was created but never bound to Seller Central yet.
    if (rand() > 0.125) {
      account.merchantId = merchantId();
      account.amazonAccountName = brand;
      if (rand() < 0.5) account.partnerAccountId = `amzn1.pa.o.${merchantId()}`;
    }
    // Roughly two thirds use one of the install's Xero connections; the first account on
    // a connection made it, the others share it.
    if (rand() < 0.65) {
      const connection = pick(connections);
      account.xeroConnectionId = connection.id;
      const owner = firstOnConnection.get(connection.id);
      if (owner) account.sharedFromAccountId = owner;
      else firstOnConnection.set(connection.id, id);
    }
    accounts.push(account);
  }
  if (accounts.length !== count) throw new Error(`could only invent ${accounts.length} distinct accounts`);
  return {
    format: BACKUP_FORMAT,
    version: 1,
    exportedAt: new Date(t0 + 420 * 86_400_000).toISOString(),
    accounts,
    xeroConnections: connections,
    mappings: [],
  };
}

// --- Builds and JS weight -------------------------------------------------------------

const quiet = () => {};
const quietLogger = {
  debug: quiet,
  log: quiet,
  info: quiet,
  success: quiet,
  start: quiet,
  box: quiet,
  warn: console.warn,
  error: console.error,
  fatal: console.error,
  level: 0,
};

async function buildChrome(outDir: string, withBenchPage: boolean): Promise<string> {
  if (withBenchPage) process.env.SETTLEBRIDGE_BENCH = '1';
  else delete process.env.SETTLEBRIDGE_BENCH;
  try {
    await build({ root: ROOT, browser: 'chrome', outDir, logger: quietLogger as never });
  } finally {
    delete process.env.SETTLEBRIDGE_BENCH;
  }
  const dir = join(outDir, 'chrome-mv3');
  const hasBlank = existsSync(join(dir, BLANK_PAGE));
  if (hasBlank !== withBenchPage) {
    throw new Error(
      `${BLANK_PAGE} is ${hasBlank ? 'in' : 'missing from'} the ${withBenchPage ? 'benchmark' : 'production'} build`,
    );
  }
  return dir;
}

/** Relative static imports (`import … from "./x.js"`, `import "./x.js"`, `export … from`), not `import()`. */
const STATIC_IMPORT = /\b(?:import|export)\s*(?:[\w$*{}\s,]+?\s*from\s*)?["'](\.{1,2}\/[^"']+\.js)["']/g;

/**
 * Every JS file an HTML page of the build loads before it can run: its scripts, modulepreload
 * links, and their static imports, transitively. Returns output-relative paths.
 */
async function jsLoadedBy(buildDir: string, entry: string): Promise<string[]> {
  const seen = new Set<string>();
  const queue: string[] = [];
  const add = (absolute: string) => {
    if (!absolute.endsWith('.js') || seen.has(absolute)) return;
    if (!existsSync(absolute))
      throw new Error(`${entry} refers to ${absolute}, which the build does not contain`);
    seen.add(absolute);
    queue.push(absolute);
  };
  const fromRoot = (ref: string) => join(buildDir, ref.startsWith('/') ? ref : join(dirname(entry), ref));
  if (entry.endsWith('.html')) {
    const html = await readFile(join(buildDir, entry), 'utf8');
    for (const m of html.matchAll(/<script\b[^>]*\bsrc=["']([^"']+)["']/g)) add(fromRoot(m[1]!));
    for (const m of html.matchAll(/<link\b[^>]*\brel=["']modulepreload["'][^>]*>/g)) {
      const href = /\bhref=["']([^"']+)["']/.exec(m[0])?.[1];
      if (href) add(fromRoot(href));
    }
  } else {
    add(join(buildDir, entry));
  }
  for (let i = 0; i < queue.length && i < 1000; i++) {
    const file = queue[i]!;
    const code = await readFile(file, 'utf8');
    for (const m of code.matchAll(STATIC_IMPORT)) add(resolve(dirname(file), m[1]!));
  }
  if (seen.size === 0) throw new Error(`found no JS loaded by ${entry}`);
  return [...seen].map((f) => f.slice(buildDir.length + 1)).sort();
}

async function gzipBytes(buildDir: string, files: readonly string[]) {
  let total = 0;
  const each: string[] = [];
  for (const f of files) {
    const n = gzipSync(await readFile(join(buildDir, f)), { level: 9 }).length;
    total += n;
    each.push(`${f} ${n}`);
  }
  return { total, each };
}

// --- Timing in the browser ------------------------------------------------------------

type Probe = { kind: 'options'; count: number } | { kind: 'load' };
interface ProbeResult {
  ready: number;
  painted: number;
}
declare global {
  interface Window {
    __benchDone?: Promise<ProbeResult>;
  }
}

/**
 * Injected before the page's own scripts; see the comment at the top of this file. Kept as
 * plain JS source: tsx would rewrite a TS function (adding `__name` helpers the page lacks).
 * Sets `window.__benchDone` to a promise of `{ ready, painted }` in ms since navigation start.
 */
const PROBE_SOURCE = `(probe, timeoutMs) => {
  window.__benchDone = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('page did not become ready in time')), timeoutMs);
    const finish = (ready) => {
      requestAnimationFrame(() => {
        const channel = new MessageChannel();
        channel.port1.onmessage = () => {
          clearTimeout(timer);
          resolve({ ready, painted: performance.now() });
        };
        channel.port2.postMessage(null);
      });
    };
    if (probe.kind === 'load') {
      addEventListener('load', () => finish(performance.now()), { once: true });
      return;
    }
    // Preact commits the list in one go, so the observer sees it complete in one callback.
    const observer = new MutationObserver(() => {
      if (document.querySelectorAll('[role="option"]').length < probe.count) return;
      observer.disconnect();
      finish(performance.now());
    });
    observer.observe(document, { childList: true, subtree: true });
  });
}`;

interface Sample {
  ms: number;
  readyMs: number;
  wallMs: number;
}

async function timeLoad(eb: ExtensionBrowser, path: string, probe: Probe): Promise<Sample> {
  const page = await eb.browser.newPage();
  try {
    await page.evaluateOnNewDocument(`(${PROBE_SOURCE})(${JSON.stringify(probe)}, ${LOAD_TIMEOUT_MS});`);
    const wall0 = performance.now();
    await page.goto(eb.origin + path, { waitUntil: 'domcontentloaded', timeout: LOAD_TIMEOUT_MS });
    const result = await page.evaluate(() => window.__benchDone!);
    const wallMs = performance.now() - wall0;
    return { ms: result.painted, readyMs: result.ready, wallMs };
  } finally {
    await page.close();
  }
}

type ChromeRuntime = { runtime: { sendMessage(message: unknown): Promise<unknown> } };
type Reply = { ok: true; value: unknown } | { ok: false; error: { message: string } };

async function send(page: Page, type: string, input: unknown): Promise<unknown> {
  const reply = (await page.evaluate(
    (message) => (globalThis as unknown as { chrome: ChromeRuntime }).chrome.runtime.sendMessage(message),
    { type, input },
  )) as Reply | undefined;
  if (!reply?.ok) throw new Error(`${type} failed: ${reply ? reply.error.message : 'no reply'}`);
  return reply.value;
}

/** `popup/state` round trips timed inside an extension page: the service worker's share of the popup's wait. */
async function timeBackgroundState(page: Page, n: number): Promise<number[]> {
  return page.evaluate(async (count) => {
    const { runtime } = (globalThis as unknown as { chrome: ChromeRuntime }).chrome;
    const out: number[] = [];
    for (let i = 0; i < count; i++) {
      const t = performance.now();
      await runtime.sendMessage({ type: 'popup/state', input: {} });
      out.push(performance.now() - t);
    }
    return out;
  }, n);
}

// --- Main -----------------------------------------------------------------------------

async function main(): Promise<number> {
  if (!existsSync(CHROME_PATH)) {
    console.error(
      `bench:popup needs Chromium at ${CHROME_PATH} (Debian: apt-get install -y chromium), or CHROME_PATH pointing at one.`,
    );
    return 2;
  }
  const work = await mkdtemp(join(tmpdir(), 'settlebridge-bench-popup-'));
  let eb: ExtensionBrowser | undefined;
  const cleanup = async () => {
    await eb?.close().catch(() => {});
    eb = undefined;
    await rm(work, { recursive: true, force: true });
  };
  const onSignal = () => void cleanup().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    // The benchmark build first and production last, so the generated .wxt/ types end up
    // as a normal build leaves them.
    const benchDir = await buildChrome(join(work, 'bench'), true);
    const prodDir = await buildChrome(join(work, 'prod'), false);

    const popupFiles = await jsLoadedBy(prodDir, 'popup.html');
    const popupJs = await gzipBytes(prodDir, popupFiles);
    const backgroundJs = await gzipBytes(prodDir, await jsLoadedBy(prodDir, 'background.js'));

    eb = await launchChromium(benchDir, OFFLINE_ARGS);
    const home = await eb.openPage(BLANK_PAGE);
    const backup = buildBackup(ACCOUNTS);
    const imported = (await send(home, 'backup/import', { document: backup })) as { accounts: number };
    if (imported.accounts !== ACCOUNTS)
      throw new Error(`imported ${imported.accounts} accounts, wanted ${ACCOUNTS}`);

    const popupProbe: Probe = { kind: 'options', count: ACCOUNTS };
    const blankProbe: Probe = { kind: 'load' };
    const popup: Sample[] = [];
    const blank: Sample[] = [];
    for (let i = 0; i < WARMUPS + ROUNDS; i++) {
      // Alternate which page goes first, so neither always follows the other.
      const order = i % 2 === 0 ? (['popup', 'blank'] as const) : (['blank', 'popup'] as const);
      for (const which of order) {
        const sample =
          which === 'popup'
            ? await timeLoad(eb, 'popup.html', popupProbe)
            : await timeLoad(eb, BLANK_PAGE, blankProbe);
        if (i >= WARMUPS) (which === 'popup' ? popup : blank).push(sample);
      }
    }
    const backgroundState = await timeBackgroundState(home, ROUNDS);

    const popupMs = median(popup.map((s) => s.ms));
    const blankMs = median(blank.map((s) => s.ms));
    const stat = (xs: Sample[], key: keyof Sample) => {
      const values = xs.map((s) => s[key]);
      return `median ${round1(median(values))} p90 ${round1(percentile(values, 90))}`;
    };
    console.log(
      `Chromium ${await eb.browser.version()}, ${ACCOUNTS} accounts, ${ROUNDS} rounds after ${WARMUPS} warm-ups`,
    );
    console.log(
      `popup to 200 options painted: ${stat(popup, 'ms')} ms (in DOM: ${stat(popup, 'readyMs')}; seen from Node: ${stat(popup, 'wallMs')})`,
    );
    console.log(
      `blank page loaded and painted: ${stat(blank, 'ms')} ms (load: ${stat(blank, 'readyMs')}; seen from Node: ${stat(blank, 'wallMs')})`,
    );
    console.log(`popup JS gzip -9: ${popupJs.total} bytes (${popupJs.each.join(', ')})`);
    console.log(
      `background, for context: popup/state round trip median ${round1(median(backgroundState))} ms p90 ${round1(percentile(backgroundState, 90))} ms; JS gzip -9 ${backgroundJs.total} bytes (${backgroundJs.each.join(', ')})`,
    );
    console.log(
      JSON.stringify({
        accounts: ACCOUNTS,
        popup_ms: round1(popupMs),
        blank_ms: round1(blankMs),
        ratio: Math.round((popupMs / blankMs) * 100) / 100,
        popup_js_gzip_bytes: popupJs.total,
      }),
    );
    return 0;
  } finally {
    await cleanup();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(
      `bench:popup failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    process.exit(1);
  },
);
