/**
 * The user's steps, as the end-to-end tests and `npm run demo` both take them.
 */
import type { Browser, Page } from 'puppeteer-core';
import type { RunningSim } from '../../xero-sim/start';
import { clickButton, type ExtensionBrowser, waitForText } from './harness';

export async function openPopup(eb: ExtensionBrowser): Promise<Page> {
  const page = await eb.openPage('popup.html');
  await page.waitForSelector('[data-testid="accounts"], [data-testid="accounts-empty"]');
  return page;
}

/** Settings → Relay: points the extension at the relay under test. */
export async function setRelayUrl(eb: ExtensionBrowser, relayUrl: string): Promise<void> {
  const options = await eb.openPage('options.html');
  // Wait for the stored value first, so typing is not overwritten when it arrives.
  await options.waitForFunction(
    () => document.querySelector<HTMLInputElement>('input[name="relayUrl"]')?.value,
  );
  const input = await options.$('input[name="relayUrl"]');
  await input!.click({ count: 3 });
  await input!.type(relayUrl);
  await clickButton(options, 'Save');
  await waitForText(options, 'Saved.');
  await options.close();
}

/** Step 1 of "Create new account"; leaves the wizard on step 2 (Connect to Xero). */
export async function createAccount(page: Page, name: string, marketplace: string): Promise<void> {
  await clickButton(page, 'Create new account');
  await page.type('form.create-account input[name="name"]', name);
  await page.select('form.create-account select[name="marketplace"]', marketplace);
  await page.click('form.create-account button[type="submit"]');
  await page.waitForSelector('[data-testid="step-xero"]');
}

/** Approves the sim's consent page in the auth window for exactly one organisation. */
export async function approveConsent(
  browser: Browser,
  sim: RunningSim,
  tenantId: string,
  beforeAllow?: (consent: Page) => Promise<void>,
): Promise<void> {
  const target = await browser.waitForTarget((t) => t.url().startsWith(`${sim.url}/connect/authorize`), {
    timeout: 20_000,
  });
  const page = (await target.asPage())!;
  await page.waitForSelector('[data-testid="allow"]');
  await page.$$eval(
    'input[name="tenant"]',
    (boxes, keep) => {
      for (const b of boxes as HTMLInputElement[]) b.checked = b.value === keep;
    },
    tenantId,
  );
  await beforeAllow?.(page);
  await page.click('[data-testid="allow"]');
}

/**
 * Settings → Books setup for the account's organisation: "Create Amazon accounts for me",
 * confirm the preview, then save the suggested choices.
 */
export async function setUpBooks(eb: ExtensionBrowser): Promise<void> {
  const options = await eb.openPage('options.html');
  await options.waitForSelector('[data-testid="books-plan"], [data-testid="books-save"]:not([disabled])');
  if (await options.$('[data-testid="books-plan"]')) {
    await options.click('[data-testid="books-plan"]');
    await options.waitForSelector('[data-testid="books-plan-preview"]');
    await options.click('[data-testid="books-create"]');
    await waitForText(options, 'The Amazon accounts were created in Xero');
  }
  await options.waitForSelector('[data-testid="books-save"]:not([disabled])');
  await options.click('[data-testid="books-save"]');
  await waitForText(options, 'Books setup saved for');
  await options.close();
}
