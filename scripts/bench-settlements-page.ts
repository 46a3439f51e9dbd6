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
// Timing (scripts/lib/bench-page.ts): from navigation start to the frame painted after a
// mark is seen (the blank page: its load event). The page has two marks:
// - `first`: the first screen's FIRST_SCREEN table rows are in the page. From the second
//   opening on these are the last known first screen (lib/settlements-snapshot.ts), marked
//   as updating; `page_ms` and `ratio` are this mark: what the user sees on opening.
// - `fresh`: the rows of the background's `history/list` answer (the `settlements-table`
//   test id, no aria-busy): `page_fresh_ms` and `ratio_fresh`.
// Loopback only: Chromium's resolver fails every host name. Last line: one JSON object.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { HISTORY_PAGE_SIZE } from '../lib/history-constants';
import {
  alternate,
  BLANK_PAGE,
  buildChrome,
  launchOffline,
  median,
  missingChromium,
  ROOT,
  round1,
  round2,
  runBench,
  send,
  stat,
  timeMessage,
} from './lib/bench-page';

const SETTLEMENTS = 5000;
const ACCOUNTS = 5;
const FIRST_SCREEN = HISTORY_PAGE_SIZE;
const WARMUPS = 2;
const ROUNDS = 15;
const TEMPLATE_ID = '18004731211';

type ChromeRuntime = { runtime: { sendMessage(message: unknown): Promise<unknown> } };
type Reply = { ok: true; value: unknown } | { ok: false; error: { message: string } };

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

runBench('bench:settlements-page', async (onCleanup) => {
  const missing = missingChromium('bench:settlements-page');
  if (missing) {
    console.error(missing);
    return 2;
  }
  const work = await mkdtemp(join(tmpdir(), 'settlebridge-bench-settlements-'));
  onCleanup(() => rm(work, { recursive: true, force: true }));
  const dir = await buildChrome(join(work, 'bench'), true);
  const eb = await launchOffline(dir);
  onCleanup(() => eb.close());
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

  const { page, blank } = await alternate(
    eb,
    'settlements.html',
    {
      kind: 'marks',
      marks: [
        { name: 'first', selector: 'tbody tr[data-settlement-id]', count: FIRST_SCREEN },
        {
          name: 'fresh',
          selector: '[data-testid="settlements-table"]:not([aria-busy]) tbody tr[data-settlement-id]',
          count: FIRST_SCREEN,
        },
      ],
    },
    ROUNDS,
    WARMUPS,
  );
  const listMs = await timeMessage(home, 'history/list', { limit: FIRST_SCREEN }, 10);
  const pageMs = page.map((s) => s.painted.first!);
  const freshMs = page.map((s) => s.painted.fresh!);
  const blankMs = blank.map((s) => s.painted.load!);
  console.log(
    `Chromium ${await eb.browser.version()}, ${SETTLEMENTS} settlements over ${ACCOUNTS} accounts (imported in ${round1(importMs / 1000)} s), ${ROUNDS} rounds after ${WARMUPS} warm-ups`,
  );
  console.log(`settlements page, first ${FIRST_SCREEN} rows painted: ${stat(pageMs)} ms`);
  console.log(`settlements page, fresh ${FIRST_SCREEN} rows painted: ${stat(freshMs)} ms`);
  console.log(`blank page loaded and painted: ${stat(blankMs)} ms`);
  console.log(`background, for context: history/list (first ${FIRST_SCREEN}) round trip ${stat(listMs)} ms`);
  console.log(
    JSON.stringify({
      settlements: SETTLEMENTS,
      page_ms: round1(median(pageMs)),
      blank_ms: round1(median(blankMs)),
      ratio: round2(median(pageMs) / median(blankMs)),
      page_fresh_ms: round1(median(freshMs)),
      ratio_fresh: round2(median(freshMs) / median(blankMs)),
    }),
  );
  return 0;
});
