// `npm run bench:settlements-page`: how long the Settlements page takes to show its first
// screen with 5,000 settlements stored, against the empty extension page
// (entrypoints/bench-blank.html) opened in the same browser, in the same run.
//
// A benchmark build (production plus the blank page, SETTLEBRIDGE_BENCH=1, see wxt.config.ts)
// is loaded into Debian's Chromium. Five accounts are created and 5,000 settlements imported
// through the extension's own messages (`account/create`, `settlement/import`), each a copy
// of test/fixtures/settlements/us.tsv with its own settlement id and period, so every record
// carries a real report, payload and source file like the ones the page reads in use. Then
// settlements.html and bench-blank.html are opened in fresh tabs, alternating, for ROUNDS
// rounds after WARMUPS warm-ups, and medians are reported (two noisy cores here).
//
// Timing as in scripts/bench-popup.ts: a probe injected before the page's own scripts reads
// performance.now() (zero = navigation start). "Ready" is when a MutationObserver first sees
// the first screen's FIRST_SCREEN table rows (page) or the load event (blank); the reported
// time is the next frame after that, so the rows have been laid out and painted. Loopback
// only: Chromium's resolver fails every host name. Last line: one JSON object.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'puppeteer-core';
import { build } from 'wxt';
import { HISTORY_PAGE_SIZE } from '../lib/history-constants';
import { type ExtensionBrowser, launchChromium } from '../test/e2e/harness';

const SETTLEMENTS = 5000;
const ACCOUNTS = 5;
const FIRST_SCREEN = HISTORY_PAGE_SIZE;
const WARMUPS = 2;
const ROUNDS = 15;
const LOAD_TIMEOUT_MS = 20_000;
const BLANK_PAGE = 'bench-blank.html';
const ROOT = resolve(import.meta.dirname, '..');
const CHROME_PATH = process.env.CHROME_PATH ?? '/usr/bin/chromium';
const OFFLINE_ARGS = ['--host-resolver-rules=MAP * ~NOTFOUND'];
const TEMPLATE_ID = '18004731211';

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
const p90 = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.ceil(0.9 * xs.length) - 1]!;
const round1 = (n: number) => Math.round(n * 10) / 10;

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

async function buildBench(outDir: string): Promise<string> {
  process.env.SETTLEBRIDGE_BENCH = '1';
  try {
    await build({ root: ROOT, browser: 'chrome', outDir, logger: quietLogger as never });
  } finally {
    delete process.env.SETTLEBRIDGE_BENCH;
  }
  const dir = join(outDir, 'chrome-mv3');
  if (!existsSync(join(dir, BLANK_PAGE)))
    throw new Error(`${BLANK_PAGE} is missing from the benchmark build`);
  return dir;
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

/** Imports `count` copies of the template inside the page, a few at a time, through the real message. */
async function importSettlements(page: Page, accountIds: string[], template: string, count: number) {
  const files = Array.from({ length: count }, (_, i) => {
    // 2010-01 … 2025-12: one period per settlement month, ids unique per file.
    const year = 2010 + Math.floor((i % 192) / 12);
    const month = String((i % 12) + 1).padStart(2, '0');
    const id = String(30_000_000_000 + i);
    return {
      accountId: accountIds[i % accountIds.length]!,
      text: template.replaceAll(TEMPLATE_ID, id).replaceAll('2025-06-', `${year}-${month}-`),
    };
  });
  const failures = await page.evaluate(async (all) => {
    const { runtime } = (globalThis as unknown as { chrome: ChromeRuntime }).chrome;
    const errors: string[] = [];
    for (let i = 0; i < all.length; i += 25) {
      const replies = (await Promise.all(
        all.slice(i, i + 25).map((input) => runtime.sendMessage({ type: 'settlement/import', input })),
      )) as Reply[];
      for (const r of replies) if (!r?.ok) errors.push(r ? r.error.message : 'no reply');
    }
    return errors;
  }, files);
  if (failures.length) throw new Error(`${failures.length} imports failed, first: ${failures[0]}`);
}

type Probe = { kind: 'rows'; count: number } | { kind: 'load' };
declare global {
  interface Window {
    __benchDone?: Promise<{ ready: number; painted: number }>;
  }
}

/** Plain JS source: see scripts/bench-popup.ts for why it is not a TS function. */
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
    const observer = new MutationObserver(() => {
      if (document.querySelectorAll('tbody tr[data-settlement-id]').length < probe.count) return;
      observer.disconnect();
      finish(performance.now());
    });
    observer.observe(document, { childList: true, subtree: true });
  });
}`;

async function timeLoad(eb: ExtensionBrowser, path: string, probe: Probe): Promise<number> {
  const page = await eb.browser.newPage();
  try {
    await page.evaluateOnNewDocument(`(${PROBE_SOURCE})(${JSON.stringify(probe)}, ${LOAD_TIMEOUT_MS});`);
    await page.goto(eb.origin + path, { waitUntil: 'domcontentloaded', timeout: LOAD_TIMEOUT_MS });
    return (await page.evaluate(() => window.__benchDone!)).painted;
  } finally {
    await page.close();
  }
}

async function main(): Promise<number> {
  if (!existsSync(CHROME_PATH)) {
    console.error(
      `bench:settlements-page needs Chromium at ${CHROME_PATH} (Debian: apt-get install -y chromium).`,
    );
    return 2;
  }
  const work = await mkdtemp(join(tmpdir(), 'settlebridge-bench-settlements-'));
  let eb: ExtensionBrowser | undefined;
  try {
    const dir = await buildBench(join(work, 'bench'));
    eb = await launchChromium(dir, OFFLINE_ARGS);
    const home = await eb.openPage(BLANK_PAGE);
    const accountIds: string[] = [];
    for (let i = 0; i < ACCOUNTS; i++) {
      const account = (await send(home, 'account/create', {
        name: `Bench US ${i + 1}`,
        marketplace: 'US',
      })) as {
        id: string;
      };
      accountIds.push(account.id);
    }
    const template = await readFile(join(ROOT, 'test/fixtures/settlements/us.tsv'), 'utf8');
    const t0 = performance.now();
    await importSettlements(home, accountIds, template, SETTLEMENTS);
    const importMs = performance.now() - t0;
    const listed = (await send(home, 'history/list', { limit: 1 })) as { total: number };
    if (listed.total !== SETTLEMENTS)
      throw new Error(`stored ${listed.total} settlements, wanted ${SETTLEMENTS}`);

    const page: number[] = [];
    const blank: number[] = [];
    for (let i = 0; i < WARMUPS + ROUNDS; i++) {
      const order = i % 2 === 0 ? (['page', 'blank'] as const) : (['blank', 'page'] as const);
      for (const which of order) {
        const ms =
          which === 'page'
            ? await timeLoad(eb, 'settlements.html', { kind: 'rows', count: FIRST_SCREEN })
            : await timeLoad(eb, BLANK_PAGE, { kind: 'load' });
        if (i >= WARMUPS) (which === 'page' ? page : blank).push(ms);
      }
    }
    // The background's share of the page's wait: history/list round trips timed inside a page.
    const listMs = (await home.evaluate(async (limit) => {
      const { runtime } = (globalThis as unknown as { chrome: ChromeRuntime }).chrome;
      const out: number[] = [];
      for (let i = 0; i < 10; i++) {
        const t = performance.now();
        await runtime.sendMessage({ type: 'history/list', input: { limit } });
        out.push(performance.now() - t);
      }
      return out;
    }, FIRST_SCREEN)) as number[];
    const pageMs = median(page);
    const blankMs = median(blank);
    console.log(
      `Chromium ${await eb.browser.version()}, ${SETTLEMENTS} settlements over ${ACCOUNTS} accounts (imported in ${round1(importMs / 1000)} s), ${ROUNDS} rounds after ${WARMUPS} warm-ups`,
    );
    console.log(
      `settlements page, first ${FIRST_SCREEN} rows painted: median ${round1(pageMs)} ms, p90 ${round1(p90(page))} ms`,
    );
    console.log(`blank page loaded and painted: median ${round1(blankMs)} ms, p90 ${round1(p90(blank))} ms`);
    console.log(
      `background, for context: history/list (first ${FIRST_SCREEN}) round trip median ${round1(median(listMs))} ms`,
    );
    console.log(
      JSON.stringify({
        settlements: SETTLEMENTS,
        page_ms: round1(pageMs),
        blank_ms: round1(blankMs),
        ratio: Math.round((pageMs / blankMs) * 100) / 100,
      }),
    );
    return 0;
  } finally {
    await eb?.close().catch(() => {});
    await rm(work, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(
      `bench:settlements-page failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    process.exit(1);
  },
);
