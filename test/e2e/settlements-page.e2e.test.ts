/**
 * The Settlements page in real Chromium and Firefox, against the relay (PGlite on disk) and
 * xero-sim over HTTP: two accounts sharing one Xero connection, settlements sent, refused
 * by an injected Xero ValidationException, and parked after a disconnect made inside Xero.
 * The page lists them, the toolbar badge counts what needs the user, each problem is
 * notified once (counted through the browser's notifications API), Reconnect and Retry
 * from the page each post exactly one invoice (counted in the sim), and the CSV export
 * holds exactly the rows shown.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import Papa from 'papaparse';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UK_TENANT_ID } from '../../xero-sim/seed';
import type { RunningSim } from '../../xero-sim/start';
import { type RelayUnderTest, startRelay, startTestSim, tempDir } from '../relay/harness';
import { seriousViolations } from './axe';
import {
  type ExtensionBrowser,
  launchChromium,
  launchFirefox,
  ROOT,
  reloadPage,
  screenshotOnFailure,
  sendFromPage,
} from './harness';
import { approveConsent, setUpBooks } from './steps';

type Row = { settlementKey: string; settlementId: string; status: string };

const message = sendFromPage;

/** The toolbar badge's text for windows without a tab-specific one. */
const badgeText = (page: Page) =>
  page.evaluate(() => {
    const g = globalThis as unknown as Record<
      string,
      Record<string, { getBadgeText(d: object): Promise<string> }>
    >;
    const api = g.browser ?? g.chrome;
    return (api!.action ?? api!.browserAction)!.getBadgeText({});
  });

/** Ids of the notifications the extension has showing, through the browser's own API. */
const notificationIds = (page: Page) =>
  page.evaluate(async () => {
    const g = globalThis as unknown as Record<string, { notifications: { getAll(): Promise<object> } }>;
    return Object.keys(await (g.browser ?? g.chrome)!.notifications.getAll());
  });

async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 45_000) {
  const end = Date.now() + timeoutMs;
  let last: T = await read();
  while (!ok(last)) {
    if (Date.now() > end) throw new Error(`${what}: still ${JSON.stringify(last)} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 300));
    last = await read();
  }
  return last;
}

const fixture = (name: string) => readFile(join(ROOT, 'test', 'fixtures', 'settlements', name), 'utf8');
const rowSelector = (id: string) => `tr[data-settlement-id="${id}"]`;
const rowStatus = (page: Page, id: string) =>
  page.$eval(rowSelector(id), (e) => e.getAttribute('data-status')).catch(() => null);

async function invoicesIn(sim: RunningSim, number: string) {
  const state = await sim.controls.state();
  return state.tenants.flatMap((t) => t.invoices).filter((i) => i.InvoiceNumber === number);
}

const SENT = '18004731211';
const REFUSED = '18600000006';
const UNSENT = '18100000001';
const PARKED = '12847239011';
const REFUSAL = 'Account code 200 is not a valid code for this document.';

// The Xero scenario in both browsers: in Firefox the consent page is the real one in the
// window identity.launchWebAuthFlow opens (docs/firefox.md says how that window is reached).
describe.each([
  ['Chromium', launchChromium],
  ['Firefox', launchFirefox],
] as const)('the Settlements page in %s', (_name, launch) => {
  let sim: RunningSim;
  let relay: RelayUnderTest;
  const data = tempDir('settlebridge-history-');
  let eb: ExtensionBrowser | undefined;
  let control: Page;
  let page: Page;

  const listed = async () => (await message<{ rows: Row[] }>(control, 'history/list', { limit: 500 })).rows;
  const statusOf = async (id: string) => (await listed()).find((r) => r.settlementId === id)?.status;
  const keyOf = async (id: string) => (await listed()).find((r) => r.settlementId === id)!.settlementKey;

  beforeAll(async () => {
    sim = await startTestSim();
    relay = await startRelay({ sim, store: 'pglite', dataDir: data.path });
    eb = await launch();
    control = await eb.openPage('settlements.html');
    // A new user sees an honest empty state, not a blank table.
    await control.waitForSelector('[data-testid="settlements-empty"]');
    await message(control, 'settings/set', { relayUrl: relay.url });

    const us = await message<{ id: string }>(control, 'account/create', {
      name: 'Acme US',
      marketplace: 'US',
    });
    const uk = await message<{ id: string }>(control, 'account/create', {
      name: 'Acme UK',
      marketplace: 'UK',
    });
    const connected = message(control, 'xero/connect', { accountId: us.id });
    await approveConsent(eb.browser, sim, UK_TENANT_ID);
    await connected;
    await message(control, 'xero/share', { accountId: uk.id, fromAccountId: us.id });
    // Sends post only with the organisation's saved Books setup.
    await setUpBooks(eb);
    for (const [accountId, file] of [
      [us.id, 'us.tsv'],
      [us.id, 'us-second.tsv'],
      [us.id, 'negative.tsv'],
      [uk.id, 'uk.tsv'],
    ] as const) {
      await message(control, 'settlement/import', { accountId, text: await fixture(file) });
    }

    await message(control, 'history/send', { settlementKey: await keyOf(SENT) });
    await until(
      'first send',
      () => statusOf(SENT),
      (s) => s === 'sent',
    );

    await sim.controls.failNext({
      kind: 'validation',
      method: 'PUT',
      pathPrefix: '/api.xro/2.0/Invoices',
      message: REFUSAL,
    });
    await message(control, 'history/send', { settlementKey: await keyOf(REFUSED) });
    await until(
      'refused send',
      () => statusOf(REFUSED),
      (s) => s === 'failed',
    );

    await sim.controls.disconnectTenant(UK_TENANT_ID);
    await message(control, 'history/send', { settlementKey: await keyOf(PARKED) });
    await until(
      'parked send',
      () => statusOf(PARKED),
      (s) => s === 'needs_reconnect',
    );
  }, 180_000);

  afterAll(async () => {
    await eb?.close();
    await relay?.stop();
    await sim?.stop();
    data.remove();
  });
  screenshotOnFailure(() => eb);

  it('lists both accounts with the right states and links, newest period first', async () => {
    page = await eb!.openPage('settlements.html');
    await page.waitForSelector('[data-testid="settlements-table"]');
    const rows = await page.$$eval('tbody tr', (trs) =>
      trs.map((tr) => ({
        id: tr.getAttribute('data-settlement-id'),
        status: tr.getAttribute('data-status'),
        text: tr.textContent ?? '',
        links: [...tr.querySelectorAll('a')].map((a) => a.href),
      })),
    );
    // The two US settlements share a period end; IndexedDB then orders by key (newest id first).
    expect(rows.map((r) => [r.id, r.status])).toEqual([
      [REFUSED, 'failed'],
      [SENT, 'sent'],
      [UNSENT, 'new'],
      [PARKED, 'needs_reconnect'],
    ]);
    expect(rows[1]!.text).toContain('Acme US');
    // Amounts as the browser's locale (English here) writes money: Intl, from the exact decimal.
    expect(rows[1]!.text).toContain('$62.59');
    expect(rows[1]!.links).toHaveLength(1);
    expect(rows[1]!.links[0]).toContain('InvoiceID=');
    expect(rows[0]!.text).toContain(REFUSAL);
    expect(rows[0]!.links).toEqual([]);
    expect(rows[2]!.text).toContain('-$165.74');
    expect(rows[3]!.text).toContain('Acme UK');
    expect(rows[3]!.text).toContain('£60.19');
    expect(await page.$eval('[data-testid="problem-summary"]', (e) => e.textContent)).toContain('2 need you');
  });

  it('counts the two problems on the toolbar badge and notifies each once', async () => {
    await until(
      'badge',
      () => badgeText(control),
      (t) => t === '2',
    );
    // One for the refused settlement, one for the connection the parked one waits on.
    const ids = await until(
      'notifications',
      () => notificationIds(control),
      (n) => n.length >= 2,
    );
    expect(ids).toHaveLength(2);
    expect(ids.some((id) => id.startsWith('settlement:') && id.includes(REFUSED))).toBe(true);
    expect(ids.some((id) => id.startsWith('connection:'))).toBe(true);
    // Checking again (a connection check, the outbox's alarm) announces nothing new.
    await message(control, 'connection/list', { check: true }).catch(() => {});
    await reloadPage(page);
    await page.waitForSelector('[data-testid="settlements-table"]');
    await new Promise((r) => setTimeout(r, 1500));
    expect(await notificationIds(control)).toHaveLength(2);
    expect(await badgeText(control)).toBe('2');
  });

  it('has no serious or critical accessibility violations', async () => {
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('filters by status and by account, and says so when nothing matches', async () => {
    await page.select('select[name="status"]', 'failed');
    await page.waitForFunction(() => document.querySelectorAll('tbody tr').length === 1);
    expect(await rowStatus(page, REFUSED)).toBe('failed');
    await page.select('select[name="status"]', 'conflict');
    await page.waitForSelector('[data-testid="settlements-none-match"]');
    await page.click('[data-testid="settlements-none-match"] button');
    await page.waitForFunction(() => document.querySelectorAll('tbody tr').length === 4);
    const ukId = await page.$eval(
      'select[name="account"]',
      (s) => [...(s as HTMLSelectElement).options].find((o) => o.text.startsWith('Acme UK'))!.value,
    );
    await page.select('select[name="account"]', ukId);
    await page.waitForFunction(
      (id) => {
        const rows = document.querySelectorAll('tbody tr');
        return rows.length === 1 && rows[0]!.getAttribute('data-settlement-id') === id;
      },
      {},
      PARKED,
    );
    expect(await rowStatus(page, PARKED)).toBe('needs_reconnect');
    // Clearing the account filter must show all four again before the search is typed:
    // otherwise the UK filter's single row still on screen satisfies "one row" below.
    await page.select('select[name="account"]', '');
    await page.waitForFunction(() => document.querySelectorAll('tbody tr').length === 4);
    await page.type('input[name="search"]', '186');
    await page.waitForFunction(
      (id) => {
        const rows = document.querySelectorAll('tbody tr');
        return rows.length === 1 && rows[0]!.getAttribute('data-settlement-id') === id;
      },
      {},
      REFUSED,
    );
    expect(await rowStatus(page, REFUSED)).toBe('failed');
    await page.click('input[name="search"]', { count: 3 });
    await page.keyboard.press('Backspace');
    await page.waitForFunction(() => document.querySelectorAll('tbody tr').length === 4);
  });

  it('exports exactly the rows shown as CSV', async () => {
    await page.evaluate(() => {
      const w = window as unknown as { csv?: Promise<string> };
      w.csv = new Promise((resolve) => {
        const original = HTMLAnchorElement.prototype.click;
        HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
          if (!this.download) return original.call(this);
          void fetch(this.href)
            .then((r) => r.text())
            .then(resolve);
        };
      });
    });
    await page.click('::-p-xpath(//button[starts-with(normalize-space(), "Export 4 visible rows")])');
    const csv = (await page.evaluate(() => (window as unknown as { csv: Promise<string> }).csv)) as string;
    const [header, ...lines] = Papa.parse<string[]>(csv.trimEnd()).data;
    expect(header?.[2]).toBe('Settlement ID');
    const shown = await page.$$eval('tbody tr', (trs) =>
      trs.map((tr) => [
        tr.getAttribute('data-settlement-id'),
        tr.querySelector('.status-badge')?.textContent,
        [...tr.querySelectorAll('td:nth-child(6) a, td:nth-child(6) span:not(.visually-hidden):not(.muted)')]
          .map((e) => e.firstChild?.textContent)
          .join(' '),
      ]),
    );
    expect(lines).toHaveLength(shown.length);
    lines.forEach((cells, i) => {
      const [id, status, invoices] = shown[i]!;
      expect(cells[2]).toBe(id);
      expect(cells[8]).toBe(status);
      expect(cells[10]).toBe(invoices);
    });
  });

  it('Reconnect from the page sends the parked settlement once', async () => {
    await page.click(`${rowSelector(PARKED)} button[aria-label="Reconnect settlement ${PARKED}"]`);
    await approveConsent(eb!.browser, sim, UK_TENANT_ID);
    await until(
      'parked row',
      () => rowStatus(page, PARKED),
      (s) => s === 'sent',
    );
    expect(await invoicesIn(sim, `AMZ-${PARKED}`)).toHaveLength(1);
  });

  it('Retry after the cause is gone sends the refused settlement once, and the badge clears', async () => {
    expect(await invoicesIn(sim, `AMZ-${REFUSED}`)).toHaveLength(0);
    await page.click(`${rowSelector(REFUSED)} button[aria-label="Retry settlement ${REFUSED}"]`);
    await until(
      'refused row',
      () => rowStatus(page, REFUSED),
      (s) => s === 'sent',
    );
    expect(await invoicesIn(sim, `AMZ-${REFUSED}`)).toHaveLength(1);
    // A second retry has nothing to do and posts nothing.
    await expect(message(control, 'history/retry', { settlementKey: await keyOf(REFUSED) })).rejects.toThrow(
      /nothing to retry/,
    );
    await until(
      'badge',
      () => badgeText(control),
      (t) => t === '',
    );
    expect(await invoicesIn(sim, `AMZ-${SENT}`)).toHaveLength(1);
    expect(await invoicesIn(sim, `AMZ-${UNSENT}`)).toHaveLength(0);
  });
});

describe.each([
  ['Firefox', launchFirefox],
  ['Chromium', launchChromium],
] as const)('the Settlements page without Xero in %s', (_name, launch) => {
  let eb: ExtensionBrowser | undefined;
  let page: Page;

  beforeAll(async () => {
    eb = await launch();
    page = await eb.openPage('settlements.html');
    await page.waitForSelector('[data-testid="settlements-empty"]');
  }, 60_000);
  afterAll(async () => {
    await eb?.close();
  });
  screenshotOnFailure(() => eb);

  it('lists imported settlements of two accounts, filters them, exports the rows shown, and passes axe', async () => {
    const us = await message<{ id: string }>(page, 'account/create', { name: 'Acme US', marketplace: 'US' });
    const uk = await message<{ id: string }>(page, 'account/create', { name: 'Acme UK', marketplace: 'UK' });
    await message(page, 'settlement/import', { accountId: us.id, text: await fixture('us.tsv') });
    await message(page, 'settlement/import', { accountId: us.id, text: await fixture('negative.tsv') });
    await message(page, 'settlement/import', { accountId: uk.id, text: await fixture('uk.tsv') });
    await reloadPage(page);
    await page.waitForFunction(() => document.querySelectorAll('tbody tr').length === 3);
    const ids = await page.$$eval('tbody tr', (trs) =>
      trs.map((tr) => [tr.getAttribute('data-settlement-id'), tr.getAttribute('data-status')]),
    );
    expect(ids).toEqual([
      [SENT, 'new'],
      [UNSENT, 'new'],
      [PARKED, 'new'],
    ]);
    expect(await seriousViolations(page)).toEqual([]);
    // Nothing needs the user: no badge count.
    expect(await badgeText(page)).toBe('');

    await page.type('input[name="search"]', '128');
    await page.waitForFunction(() => document.querySelectorAll('tbody tr').length === 1);
    await page.evaluate(() => {
      const w = window as unknown as { csv?: Promise<string> };
      w.csv = new Promise((resolve) => {
        const original = HTMLAnchorElement.prototype.click;
        HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
          if (!this.download) return original.call(this);
          void fetch(this.href)
            .then((r) => r.text())
            .then(resolve);
        };
      });
    });
    await page.click('::-p-xpath(//button[starts-with(normalize-space(), "Export 1 visible row")])');
    const csv = (await page.evaluate(() => (window as unknown as { csv: Promise<string> }).csv)) as string;
    const [, ...lines] = Papa.parse<string[]>(csv.trimEnd()).data;
    expect(lines.map((l) => [l[0], l[2], l[6], l[7], l[8]])).toEqual([
      ['Acme UK', PARKED, '60.19', 'GBP', 'Unsent'],
    ]);
  });

  it('keeps the notification switch the user sets', async () => {
    const box = await page.waitForSelector('input[name="notify"]:not([disabled])');
    expect(await box!.evaluate((e) => (e as HTMLInputElement).checked)).toBe(true);
    await box!.click();
    await until(
      'switch saved',
      () => message<{ enabled: boolean }>(page, 'history/notifications', {}),
      (r) => !r.enabled,
      10_000,
    );
    await reloadPage(page);
    const again = await page.waitForSelector('input[name="notify"]:not([disabled])');
    expect(await again!.evaluate((e) => (e as HTMLInputElement).checked)).toBe(false);
  });
});
