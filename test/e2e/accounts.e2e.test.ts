import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  clickButton,
  type ExtensionBrowser,
  launchChromium,
  launchFirefox,
  reloadPage,
  screenshotOnFailure,
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
});
