// `npm run bench:popup`: how long the popup takes to show a seller's 200 accounts, against
// an empty extension page opened in the same browser, and how much JS the popup loads; then
// the same with 2,000 accounts.
//
// Two builds go to a temporary directory: the production build (what ships; its popup's JS
// is what gets weighed) and a benchmark build that differs only by the empty page
// `entrypoints/bench-blank.html` (kept out of normal builds by wxt.config.ts unless
// SETTLEBRIDGE_BENCH=1). The benchmark build is loaded into Debian's Chromium, 200
// invented accounts are imported through the extension's own `backup/import` message, and
// then popup.html and bench-blank.html are each opened in a fresh tab, alternating, for
// ROUNDS rounds after WARMUPS warm-ups. Medians are reported (two noisy cores here). Then
// 1,800 more accounts are imported and the popup is timed again against the blank page.
//
// Timing (scripts/lib/bench-page.ts): from navigation start to the frame painted after a
// mark is seen. The popup has two marks:
// - `first`: the first screen of the list (its rows in view, each saying it is one of all
//   ACCOUNTS accounts via aria-setsize) is painted. From the second opening on this is the
//   last known list (lib/popup-snapshot.ts), shown marked as updating; `popup_ms` and
//   `ratio` are this mark: what the user sees when the popup opens.
// - `fresh`: the list confirmed by the background's `popup/state` answer is painted (the
//   `accounts` test id, no aria-busy): `popup_fresh_ms` and `ratio_fresh`.
// The blank page's mark is its load event.
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
import { MARKETPLACES } from '../lib/marketplaces';
import { BACKUP_FORMAT, type Backup } from '../lib/messages';
import type { Account, XeroConnection } from '../lib/record-schemas';
import {
  alternate,
  BLANK_PAGE,
  buildChrome,
  launchOffline,
  median,
  missingChromium,
  type Probe,
  round1,
  round2,
  runBench,
  type Sample,
  send,
  stat,
  timeMessage,
} from './lib/bench-page';

const ACCOUNTS = 200;
const MANY_ACCOUNTS = 2000;
const WARMUPS = 2;
const ROUNDS = 20;
const MANY_ROUNDS = 10;
/** Rows the popup's list shows without scrolling (components/AccountSwitcher.tsx). */
const FIRST_SCREEN = 8;

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

// --- Main -----------------------------------------------------------------------------

/** The popup's marks for a list of `total` accounts: first screen painted, fresh list painted. */
function popupProbe(total: number): Probe {
  const rows = `[role="option"][aria-setsize="${total}"]`;
  const count = Math.min(total, FIRST_SCREEN);
  return {
    kind: 'marks',
    marks: [
      { name: 'first', selector: `#account-list ${rows}`, count },
      { name: 'fresh', selector: `[data-testid="accounts"]:not([aria-busy]) ${rows}`, count },
    ],
  };
}

function report(label: string, popup: Sample[], blank: Sample[]) {
  const first = popup.map((s) => s.painted.first!);
  const fresh = popup.map((s) => s.painted.fresh!);
  const blankMs = blank.map((s) => s.painted.load!);
  console.log(
    `${label}: popup first screen painted: ${stat(first)} ms (seen from Node: ${stat(popup.map((s) => s.wallMs))})`,
  );
  console.log(`${label}: popup fresh list painted:   ${stat(fresh)} ms`);
  console.log(`${label}: blank page loaded and painted: ${stat(blankMs)} ms`);
  return { first: median(first), fresh: median(fresh), blank: median(blankMs) };
}

runBench('bench:popup', async (onCleanup) => {
  const missing = missingChromium('bench:popup');
  if (missing) {
    console.error(missing);
    return 2;
  }
  const work = await mkdtemp(join(tmpdir(), 'settlebridge-bench-popup-'));
  onCleanup(() => rm(work, { recursive: true, force: true }));
  // The benchmark build first and production last, so the generated .wxt/ types end up
  // as a normal build leaves them.
  const benchDir = await buildChrome(join(work, 'bench'), true);
  const prodDir = await buildChrome(join(work, 'prod'), false);

  const popupFiles = await jsLoadedBy(prodDir, 'popup.html');
  const popupJs = await gzipBytes(prodDir, popupFiles);
  const backgroundJs = await gzipBytes(prodDir, await jsLoadedBy(prodDir, 'background.js'));

  const eb = await launchOffline(benchDir);
  onCleanup(() => eb.close());
  const home = await eb.openPage(BLANK_PAGE);
  const importAccounts = async (count: number) => {
    // The same seed: the first accounts of a longer list are the shorter list's, so this adds.
    const imported = (await send(home, 'backup/import', { document: buildBackup(count) })) as {
      accounts: number;
    };
    if (imported.accounts !== count)
      throw new Error(`imported ${imported.accounts} accounts, wanted ${count}`);
  };

  await importAccounts(ACCOUNTS);
  const few = await alternate(eb, 'popup.html', popupProbe(ACCOUNTS), ROUNDS, WARMUPS);
  const backgroundState = await timeMessage(home, 'popup/state', {}, ROUNDS);
  await importAccounts(MANY_ACCOUNTS);
  const many = await alternate(eb, 'popup.html', popupProbe(MANY_ACCOUNTS), MANY_ROUNDS, WARMUPS);

  console.log(
    `Chromium ${await eb.browser.version()}, ${ACCOUNTS} accounts: ${ROUNDS} rounds, ${MANY_ACCOUNTS} accounts: ${MANY_ROUNDS} rounds, after ${WARMUPS} warm-ups each`,
  );
  const a = report(`${ACCOUNTS} accounts`, few.page, few.blank);
  const b = report(`${MANY_ACCOUNTS} accounts`, many.page, many.blank);
  console.log(`popup JS gzip -9: ${popupJs.total} bytes (${popupJs.each.join(', ')})`);
  console.log(
    `background, for context (${ACCOUNTS} accounts): popup/state round trip ${stat(backgroundState)} ms; JS gzip -9 ${backgroundJs.total} bytes (${backgroundJs.each.join(', ')})`,
  );
  console.log(
    JSON.stringify({
      accounts: ACCOUNTS,
      popup_ms: round1(a.first),
      popup_fresh_ms: round1(a.fresh),
      blank_ms: round1(a.blank),
      ratio: round2(a.first / a.blank),
      ratio_fresh: round2(a.fresh / a.blank),
      accounts_2000_popup_ms: round1(b.first),
      accounts_2000_popup_fresh_ms: round1(b.fresh),
      accounts_2000_blank_ms: round1(b.blank),
      accounts_2000_ratio: round2(b.first / b.blank),
      accounts_2000_ratio_fresh: round2(b.fresh / b.blank),
      popup_js_gzip_bytes: popupJs.total,
    }),
  );
  return 0;
});
