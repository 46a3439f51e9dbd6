// What the extension-page benchmarks (bench-popup.ts, bench-settlements-page.ts) share:
// building the extension with the blank baseline page, launching Chromium offline, sending
// the extension's own messages, and timing a page load from navigation start to the frame
// in which what the user waits for was painted.
//
// How a load is timed (see PROBE_SOURCE): a script added with `evaluateOnNewDocument` runs in
// the new document before any of its own scripts and reads `performance.now()`, whose zero
// is the document's time origin, i.e. the start of the navigation that created it. The clock
// therefore covers everything the user waits for (process swap, HTML, script fetch and
// evaluation, round trips to the service worker, rendering) and none of the CDP round trips
// between Node and the browser. A mark is "ready" when a MutationObserver first sees `count`
// elements matching its selector (or, for the blank page, at the load event); its time is the
// next frame after that: a message posted from a requestAnimationFrame callback is handled
// once that frame's rendering step is done, so what was inserted has been laid out and
// painted. Every page is timed the same way, so ratios compare like with like.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'puppeteer-core';
import { build } from 'wxt';
import { type ExtensionBrowser, launchChromium } from '../../dev/stack/browser';

export const BLANK_PAGE = 'bench-blank.html';
export const ROOT = resolve(import.meta.dirname, '..', '..');
export const CHROME_PATH = process.env.CHROME_PATH ?? '/usr/bin/chromium';
const LOAD_TIMEOUT_MS = 20_000;
// Every host name fails to resolve; the extension's pages need none.
const OFFLINE_ARGS = ['--host-resolver-rules=MAP * ~NOTFOUND'];

export const median = (xs: readonly number[]) => percentile(xs, 50);
export function percentile(xs: readonly number[], p: number): number {
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
export const round1 = (n: number) => Math.round(n * 10) / 10;
export const round2 = (n: number) => Math.round(n * 100) / 100;
/** "median M p90 P" of a list of milliseconds. */
export const stat = (xs: readonly number[]) =>
  `median ${round1(median(xs))} p90 ${round1(percentile(xs, 90))}`;

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

/**
 * The Chrome build into `outDir`, with the blank baseline page (SETTLEBRIDGE_BENCH=1, see
 * wxt.config.ts) or without it (what ships). Returns the unpacked extension's folder.
 */
export async function buildChrome(outDir: string, withBenchPage: boolean): Promise<string> {
  if (withBenchPage) process.env.SETTLEBRIDGE_BENCH = '1';
  else delete process.env.SETTLEBRIDGE_BENCH;
  try {
    await build({ root: ROOT, browser: 'chrome', outDir, logger: quietLogger as never });
  } finally {
    delete process.env.SETTLEBRIDGE_BENCH;
  }
  const dir = resolve(outDir, 'chrome-mv3');
  const hasBlank = existsSync(resolve(dir, BLANK_PAGE));
  if (hasBlank !== withBenchPage) {
    throw new Error(
      `${BLANK_PAGE} is ${hasBlank ? 'in' : 'missing from'} the ${withBenchPage ? 'benchmark' : 'production'} build`,
    );
  }
  return dir;
}

/** Debian's Chromium with the extension at `dir`, unable to resolve any host name. */
export const launchOffline = (dir: string) => launchChromium(dir, OFFLINE_ARGS);

/** A clear exit when Chromium is missing; null when it is there. */
export function missingChromium(command: string): string | null {
  return existsSync(CHROME_PATH)
    ? null
    : `${command} needs Chromium at ${CHROME_PATH} (Debian: apt-get install -y chromium), or CHROME_PATH pointing at one.`;
}

type ChromeRuntime = { runtime: { sendMessage(message: unknown): Promise<unknown> } };
type Reply = { ok: true; value: unknown } | { ok: false; error: { message: string } };

/** One of the extension's own messages, sent from an extension page as the UI sends it. */
export async function send(page: Page, type: string, input: unknown): Promise<unknown> {
  const reply = (await page.evaluate(
    (message) => (globalThis as unknown as { chrome: ChromeRuntime }).chrome.runtime.sendMessage(message),
    { type, input },
  )) as Reply | undefined;
  if (!reply?.ok) throw new Error(`${type} failed: ${reply ? reply.error.message : 'no reply'}`);
  return reply.value;
}

/** Round trips of one message timed inside an extension page: the background's share of a wait. */
export async function timeMessage(page: Page, type: string, input: unknown, n: number): Promise<number[]> {
  return page.evaluate(
    async (message, count) => {
      const { runtime } = (globalThis as unknown as { chrome: ChromeRuntime }).chrome;
      const out: number[] = [];
      for (let i = 0; i < count; i++) {
        const t = performance.now();
        await runtime.sendMessage(message);
        out.push(performance.now() - t);
      }
      return out;
    },
    { type, input },
    n,
  );
}

/** When a page counts as shown: its load event, or a set of marks (selector seen `count` times). */
export type Probe =
  | { kind: 'load' }
  | { kind: 'marks'; marks: readonly { name: string; selector: string; count: number }[] };

declare global {
  interface Window {
    __benchDone?: Promise<Record<string, { ready: number; painted: number }>>;
  }
}

/**
 * Injected before the page's own scripts. Kept as plain JS source: tsx would rewrite a TS
 * function (adding `__name` helpers the page lacks). Sets `window.__benchDone` to a promise
 * of `{ [mark]: { ready, painted } }` in ms since navigation start (mark `load` for a load probe).
 */
const PROBE_SOURCE = `(probe, timeoutMs) => {
  window.__benchDone = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('page did not become ready in time')), timeoutMs);
    const results = {};
    const expected = probe.kind === 'load' ? 1 : probe.marks.length;
    const finish = (name, ready) => {
      requestAnimationFrame(() => {
        const channel = new MessageChannel();
        channel.port1.onmessage = () => {
          results[name] = { ready, painted: performance.now() };
          if (Object.keys(results).length < expected) return;
          clearTimeout(timer);
          resolve(results);
        };
        channel.port2.postMessage(null);
      });
    };
    if (probe.kind === 'load') {
      addEventListener('load', () => finish('load', performance.now()), { once: true });
      return;
    }
    const pending = new Set(probe.marks);
    const observer = new MutationObserver(() => {
      for (const mark of pending) {
        if (document.querySelectorAll(mark.selector).length < mark.count) continue;
        pending.delete(mark);
        finish(mark.name, performance.now());
      }
      if (pending.size === 0) observer.disconnect();
    });
    observer.observe(document, { childList: true, subtree: true, attributes: true });
  });
}`;

export interface Sample {
  /** Per mark: ms from navigation start to the frame painted after it was seen. */
  painted: Record<string, number>;
  ready: Record<string, number>;
  /** The whole load as Node saw it (includes CDP round trips), for context. */
  wallMs: number;
}

export async function timeLoad(eb: ExtensionBrowser, path: string, probe: Probe): Promise<Sample> {
  const page = await eb.browser.newPage();
  try {
    await page.evaluateOnNewDocument(`(${PROBE_SOURCE})(${JSON.stringify(probe)}, ${LOAD_TIMEOUT_MS});`);
    const wall0 = performance.now();
    await page.goto(eb.origin + path, { waitUntil: 'domcontentloaded', timeout: LOAD_TIMEOUT_MS });
    const result = await page.evaluate(() => window.__benchDone!);
    const wallMs = performance.now() - wall0;
    const painted: Record<string, number> = {};
    const ready: Record<string, number> = {};
    for (const [name, r] of Object.entries(result)) {
      painted[name] = r.painted;
      ready[name] = r.ready;
    }
    return { painted, ready, wallMs };
  } finally {
    await page.close();
  }
}

/**
 * `rounds` loads of `path` and of the blank page after `warmups`, alternating which goes
 * first so neither always follows the other. Returns the samples of each.
 */
export async function alternate(
  eb: ExtensionBrowser,
  path: string,
  probe: Probe,
  rounds: number,
  warmups: number,
): Promise<{ page: Sample[]; blank: Sample[] }> {
  const page: Sample[] = [];
  const blank: Sample[] = [];
  for (let i = 0; i < warmups + rounds; i++) {
    const order = i % 2 === 0 ? (['page', 'blank'] as const) : (['blank', 'page'] as const);
    for (const which of order) {
      const sample =
        which === 'page' ? await timeLoad(eb, path, probe) : await timeLoad(eb, BLANK_PAGE, { kind: 'load' });
      if (i >= warmups) (which === 'page' ? page : blank).push(sample);
    }
  }
  return { page, blank };
}

/** Runs a benchmark's main, cleaning up on Ctrl-C, and exits with its code. */
export function runBench(
  name: string,
  main: (onCleanup: (f: () => Promise<void>) => void) => Promise<number>,
) {
  const cleanups: (() => Promise<void>)[] = [];
  const cleanup = async () => {
    for (const f of cleanups.splice(0).reverse()) await f().catch(() => {});
  };
  const onSignal = () => void cleanup().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  main((f) => cleanups.push(f))
    .finally(cleanup)
    .then(
      (code) => process.exit(code),
      (error: unknown) => {
        console.error(
          `${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        );
        process.exit(1);
      },
    );
}
