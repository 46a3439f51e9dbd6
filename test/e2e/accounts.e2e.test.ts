import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  clickButton,
  type ExtensionBrowser,
  launchChromium,
  launchFirefox,
  reloadPage,
  screenshotOnFailure,
  sendFromPage,
} from './harness';

async function accountNames(page: Page): Promise<string[]> {
  return page.$$eval('[data-testid="accounts"] .account-name', (els) => els.map((e) => e.textContent ?? ''));
}

async function fillAccountForm(page: Page, name: string, marketplace: string) {
  await clickButton(page, 'Create new account');
  await page.waitForSelector('form.create-account input[name="name"]');
  await page.type('form.create-account input[name="name"]', name);
  await page.select('form.create-account select[name="marketplace"]', marketplace);
  await page.click('form.create-account button[type="submit"]');
}

/** Step 1 of the wizard, then skips connecting to Xero and Amazon. */
async function createAccount(page: Page, name: string, marketplace: string) {
  await fillAccountForm(page, name, marketplace);
  await clickButton(page, 'Skip for now');
  await clickButton(page, 'Finish later');
  await page.waitForSelector('form.create-account input[name="name"]', { hidden: true });
  await page.waitForFunction(
    (n: string) =>
      [...document.querySelectorAll('[data-testid="accounts"] .account-name')].some(
        (e) => e.textContent === n,
      ),
    {},
    name,
  );
}

/** Imports `count` more accounts through the extension's own backup import, from `page`. */
async function importAccounts(page: Page, count: number) {
  const accounts = Array.from({ length: count }, (_, i) => ({
    // Valid UUIDs, one per row: the last 12 hex digits carry the row number.
    id: `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`,
    name: `Zeta ${String(i).padStart(4, '0')}`,
    marketplace: 'US',
    currency: 'USD',
    createdAt: i,
    updatedAt: i,
  }));
  const document = { format: 'settlebridge-backup', version: 1, exportedAt: '', accounts };
  await sendFromPage(page, 'backup/import', {
    document: { ...document, xeroConnections: [], mappings: [] },
  });
}

describe.each([
  ['Chromium', launchChromium],
  ['Firefox', launchFirefox],
] as const)('popup accounts in %s', (_name, launch) => {
  let eb: ExtensionBrowser | undefined;
  beforeAll(async () => {
    eb = await launch();
  });
  afterAll(async () => {
    await eb?.close();
  });
  screenshotOnFailure(() => eb);

  it('shows the empty state to a new user', async () => {
    const page = await eb!.openPage('popup.html');
    const empty = await page.waitForSelector('[data-testid="accounts-empty"]');
    expect(await empty?.evaluate((e) => e.textContent)).toContain('No accounts yet');
    await page.close();
  });

  it('creates an account, and finds it again after a reload', async () => {
    const page = await eb!.openPage('popup.html');
    await createAccount(page, 'Acme UK', 'UK');
    await reloadPage(page);
    await page.waitForSelector('[data-testid="accounts"]');
    expect(await accountNames(page)).toEqual(['Acme UK']);
    const currency = await page.$eval('[data-testid="accounts"] .account-currency', (e) => e.textContent);
    expect(currency).toBe('GBP');
    await page.close();
  });

  it('says why a duplicate name is refused and keeps the list unchanged', async () => {
    const page = await eb!.openPage('popup.html');
    await page.waitForSelector('[data-testid="accounts"]');
    await fillAccountForm(page, 'acme uk', 'UK');
    const alert = await page.waitForSelector('form.create-account [role="alert"]');
    expect(await alert?.evaluate((e) => e.textContent)).toContain('already have an account named "Acme UK"');
    await clickButton(page, 'Cancel');
    await page.waitForSelector('[data-testid="accounts"]');
    expect(await accountNames(page)).toEqual(['Acme UK']);
    await page.close();
  });

  it('scrolls a long list inside itself and draws only the rows in view', async () => {
    const home = await eb!.openPage('popup.html');
    await importAccounts(home, 300);
    await home.close();
    const page = await eb!.openPage('popup.html');
    const total = 301; // and Acme UK
    await page.waitForSelector(`[data-testid="accounts"] [role="option"][aria-setsize="${total}"]`);
    const list = await page.$eval('#account-list', (e) => ({
      clientHeight: e.clientHeight,
      scrollHeight: e.scrollHeight,
      drawn: e.querySelectorAll('[role="option"]').length,
    }));
    // Eight rows of 52 px: the list is a window onto the accounts, not as tall as all of them.
    expect(list.clientHeight).toBeLessThanOrEqual(8 * 52);
    expect(list.scrollHeight).toBeGreaterThanOrEqual(total * 52);
    expect(list.drawn).toBeLessThan(40);
    // Scrolled to its end, the list draws its last row, inside its own visible box.
    await page.$eval('#account-list', (e) => {
      e.scrollTop = e.scrollHeight;
    });
    const last = await page.waitForSelector(`#account-list [role="option"][aria-posinset="${total}"]`);
    const inView = await last!.evaluate((row) => {
      const box = row.closest('#account-list')!.getBoundingClientRect();
      const r = row.getBoundingClientRect();
      return r.top >= box.top - 1 && r.bottom <= box.bottom + 1;
    });
    expect(inView).toBe(true);
    expect(await page.$$eval('#account-list [role="option"]', (rows) => rows.length)).toBeLessThan(40);
    await page.close();
  });
});
