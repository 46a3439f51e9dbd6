/**
 * The user's steps, as the end-to-end tests and `npm run demo` both take them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, ElementHandle, Page } from 'puppeteer-core';
import type { RunningSim } from '../../xero-sim/start';
import { type ExtensionBrowser, ROOT } from './browser';
import { clickButton, waitForText } from './page';

async function openPopupOnce(eb: ExtensionBrowser): Promise<Page> {
  const page = await eb.openPage('popup.html');
  await page.waitForSelector('[data-testid="accounts"], [data-testid="accounts-empty"]');
  return page;
}

/**
 * Opens the popup, trying again when Firefox's remote agent trips over the page it is
 * still navigating to ("right-hand side of 'in' should be an object, got null"): a glitch
 * of the test tool, not of the popup, which the next attempt does not meet.
 */
export async function openPopup(eb: ExtensionBrowser): Promise<Page> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await openPopupOnce(eb);
    } catch (error) {
      if (attempt >= 3 || !withCauses(error).includes('Protocol error')) throw error;
      for (const p of await eb.browser.pages())
        if (p.url().endsWith('popup.html')) await p.close().catch(() => {});
    }
  }
}

/** An error's message with those of its causes (puppeteer wraps the protocol error). */
function withCauses(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error, i = 0; e && i < 5; e = (e as { cause?: unknown }).cause, i++)
    parts.push(String(e));
  return parts.join(' / ');
}

async function popupStatus(eb: ExtensionBrowser): Promise<string | null> {
  const popup = await openPopup(eb);
  await new Promise((r) => setTimeout(r, 300));
  const status = await popup.$eval('[data-testid="page-status"]', (e) => e.textContent).catch(() => null);
  await popup.close();
  return status;
}

/**
 * Waits until the popup reports `expected` for the current Seller Central tab, as a user
 * looks at the popup before acting on the page. A page is loaded before its content script
 * (document_idle, then the switcher's JSON) has reported it; Firefox is slower at it.
 */
export async function waitForStatus(
  eb: ExtensionBrowser,
  expected: string,
  timeoutMs = 20_000,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  let status: string | null = null;
  while (Date.now() < until) {
    status = await popupStatus(eb);
    if (status === expected) return;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`popup said ${JSON.stringify(status)}, not ${JSON.stringify(expected)}`);
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

/**
 * Approves the sim's consent page in the auth window for exactly one organisation. The
 * window is the browser's own identity.launchWebAuthFlow window in both browsers: under
 * Chromium's DevTools protocol a popup target, under Firefox's WebDriver BiDi a new
 * top-level browsing context that puppeteer reports as a page once it navigates to the
 * consent page (the window opens blank, then loads the relay's launch URL, which
 * redirects to the sim). Waiting on the URL covers both.
 */
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

/**
 * Imports a settlement fixture on the settings page and presses Send; answers "sent" once it
 * is on its way to Xero, or the alert text the page showed instead.
 */
export async function importAndSend(options: Page, fixture: string): Promise<unknown> {
  const file = (await options.waitForSelector(
    '[data-testid="settlement-import"]',
  )) as ElementHandle<HTMLInputElement> | null;
  const path = join(ROOT, 'test', 'fixtures', 'settlements', fixture);
  readFileSync(path); // fail early with a clear error if the fixture moved
  await file!.uploadFile(path);
  await options.waitForSelector('[data-testid="sb-send"]');
  await options.click('[data-testid="sb-send"]');
  const outcome = await options.waitForFunction(
    () =>
      document.body.textContent?.includes('is on its way to Xero')
        ? 'sent'
        : [...document.querySelectorAll('[role="alert"]')].map((e) => e.textContent).join(' ') || false,
    { timeout: 30_000 },
  );
  return outcome.jsonValue();
}
