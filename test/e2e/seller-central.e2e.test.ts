import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExtensionBrowser, launchChromium, screenshotOnFailure, serveFixtures } from './harness';

const ROUTES = {
  'sellercentral.amazon.com/home': 'seller-central/home.html',
  'sellercentral-europe.amazon.com/home': 'seller-central/home.html',
  'www.amazon.com/home': 'seller-central/not-seller-central.html',
};

describe('Seller Central content script in Chromium', () => {
  let eb: ExtensionBrowser | undefined;
  beforeAll(async () => {
    eb = await launchChromium();
  });
  afterAll(async () => {
    await eb?.close();
  });
  screenshotOnFailure(() => eb);

  async function popupStatus(): Promise<string | null> {
    const popup = await eb!.openPage('popup.html');
    await popup.waitForSelector('[data-testid="accounts-empty"], [data-testid="accounts"]');
    // page/current is answered after the account list; give it a moment to land.
    await popup.waitForNetworkIdle({ idleTime: 200 }).catch(() => {});
    const status = await popup.$eval('[data-testid="page-status"]', (e) => e.textContent).catch(() => null);
    await popup.close();
    return status;
  }

  it('does not run on a look-alike page outside Seller Central', async () => {
    const page = await eb!.browser.newPage();
    await serveFixtures(page, ROUTES);
    await page.goto('https://www.amazon.com/home');
    await new Promise((r) => setTimeout(r, 500));
    expect(await popupStatus()).toBeNull();
    await page.close();
  });

  it.each(['sellercentral.amazon.com', 'sellercentral-europe.amazon.com'])(
    'reads the account and marketplace on %s and the popup shows them',
    async (host) => {
      const page = await eb!.browser.newPage();
      await serveFixtures(page, ROUTES);
      await page.goto(`https://${host}/home`);
      let status: string | null = null;
      for (let i = 0; i < 20 && !status; i++) {
        status = await popupStatus();
        if (!status) await new Promise((r) => setTimeout(r, 250));
      }
      expect(status).toBe('Seller Central: Acme Trading LLC · United States');
      await page.close();
    },
  );
});
