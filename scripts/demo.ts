/**
 * `npm run demo`: the product's whole story, headless in real Chromium against the relay
 * and xero-sim, with a screenshot of every step in a folder it names. Seller Central is
 * answered from the invented fixture pages in test/fixtures (it cannot be reached here).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { launchChromium, serveFixtures } from '../dev/stack/browser';
import { clickButton, closedShadowQuery, waitForClosedShadow } from '../dev/stack/page';
import { startRelay, startTestSim } from '../dev/stack/relay';
import { approveConsent, createAccount, openPopup, setRelayUrl, setUpBooks } from '../dev/stack/steps';
import { UK_TENANT_ID } from '../xero-sim/seed';

const root = join(import.meta.dirname, '..');
const out = join(root, 'demo-output', new Date().toISOString().replace(/[:.]/g, '-'));
const SC = 'sellercentral.amazon.com';
const ROUTES = {
  [`${SC}/home`]: 'seller-central/home.html',
  [`${SC}/payments/allstatements/index.html`]: 'seller-central/statements-us.html',
  [`${SC}/account-switcher/global-and-regional-account/merchantMarketplace`]:
    'seller-central/context-us.json',
  [`${SC}/payments/reports/download?settlementId=18004731211&format=flatFileV2`]: 'settlements/us.tsv',
};

let step = 0;
async function shot(page: Page, name: string, say: string) {
  step += 1;
  const file = join(out, `${String(step).padStart(2, '0')}-${name}.png`) as `${string}.png`;
  await page.screenshot({ path: file, fullPage: true });
  console.log(`${String(step).padStart(2)}. ${say}  →  ${file}`);
}

async function main() {
  mkdirSync(out, { recursive: true });
  console.log('Building the extension…');
  if (spawnSync('npx', ['wxt', 'build'], { cwd: root, stdio: 'ignore' }).status !== 0) {
    throw new Error('the extension build failed; run `npm run build` to see why');
  }
  const sim = await startTestSim();
  const relay = await startRelay({ sim, store: 'pglite' });
  const eb = await launchChromium();
  try {
    await setRelayUrl(eb, relay.url);
    const popup = await openPopup(eb);
    await popup.setViewport({ width: 380, height: 600 });
    await shot(popup, 'popup-empty', 'A new user opens Settlebridge');

    await createAccount(popup, 'Acme US', 'US');
    await shot(popup, 'connect-to-xero', 'Account 1 created; step 2 offers Connect to Xero');
    await clickButton(popup, 'Connect to Xero');
    await approveConsent(eb.browser, sim, UK_TENANT_ID, (consent) =>
      shot(consent, 'xero-consent', "Xero's consent page (xero-sim)"),
    );
    await popup.waitForSelector('[data-testid="currency-check"]');
    await shot(popup, 'connected', 'Connected; USD is enabled in the GBP organisation');
    await clickButton(popup, 'Next');
    await clickButton(popup, 'Finish later');

    await createAccount(popup, 'Acme UK', 'UK');
    const shareLink = await popup.waitForSelector(
      '::-p-xpath(//button[contains(., "access the same Xero organisation")])',
    );
    await shareLink!.click();
    await popup.waitForSelector('[data-testid="share-dialog"]');
    await shot(popup, 'share-xero-access', 'Account 2 shares account 1’s Xero connection: no second consent');
    await clickButton(popup, 'Share access');
    await popup.waitForSelector('[data-testid="currency-check"]');
    await clickButton(popup, 'Next');
    await clickButton(popup, 'Finish later');
    await popup.waitForSelector('[data-testid="accounts"]');
    await shot(popup, 'switcher', 'The switcher: both accounts on one organisation');

    await popup.close();
    // Sending needs the organisation's Books setup: create the Amazon accounts, save.
    await setUpBooks(eb);
    console.log('    Books setup saved: the Amazon accounts were created in the organisation');
    const sc = await eb.browser.newPage();
    await serveFixtures(sc, ROUTES);
    await sc.goto(`https://${SC}/home`);
    // A tab in the background is not painted: open the popup again in front.
    const bind = await openPopup(eb);
    await bind.click('::-p-xpath(//div[@role="option"][.//span[text()="Acme US"]])');
    await clickButton(bind, 'Use the current Seller Central tab');
    await bind.waitForSelector('[data-testid="accounts"]');
    await bind.close();
    const again = await openPopup(eb);
    await again.setViewport({ width: 380, height: 600 });
    await again.waitForSelector('[role="option"].is-active');
    await shot(again, 'active-account', 'Account 1 linked to Seller Central and marked active');

    await again.close();
    await sc.bringToFront();
    await sc.setViewport({ width: 1100, height: 900 });
    await sc.goto(`https://${SC}/payments/allstatements/index.html`);
    await waitForClosedShadow(sc, 'settlebridge-bar', '[data-testid="sb-bar"]');
    await shot(sc, 'statements', 'Seller Central statements with Send to Xero');
    const [send] = await waitForClosedShadow(
      sc,
      'settlebridge-settlement',
      '[data-settlement-id="18004731211"] button',
    );
    await sc.mouse.click(send!.x, send!.y);
    // The send is confirmed in the extension's own window, out of the page's reach.
    const target = await eb.browser.waitForTarget((t) => t.url().startsWith(`${eb.origin}confirm.html`), {
      timeout: 30_000,
    });
    const confirm = (await target.page())!;
    await confirm.setViewport({ width: 720, height: 900 });
    await confirm.waitForSelector('[data-testid="sb-send"]');
    await shot(confirm, 'preview', 'The preview: lines, accounts, total equal to the deposit');
    await confirm.click('[data-testid="sb-send"]');
    await sc.bringToFront();
    for (let i = 0; i < 120; i++) {
      const [control] = await closedShadowQuery(
        sc,
        'settlebridge-settlement',
        '[data-settlement-id="18004731211"]',
      );
      if (control?.html.includes('data-status="sent"')) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    await shot(sc, 'sent', 'Sent: the row links to the invoice in Xero');

    const invoices = (await sim.controls.state()).tenants.flatMap((t) => t.invoices);
    console.log(
      `\nxero-sim now holds ${invoices.length} invoice(s): ${invoices.map((i) => `${i.InvoiceNumber} ${i.CurrencyCode} ${i.Total}`).join(', ')}`,
    );
    console.log(`Screenshots: ${out}`);
  } finally {
    await eb.close();
    await relay.stop();
    await sim.stop();
  }
}

main().catch((e: Error) => {
  console.error(`The demo stopped: ${e.message}`);
  process.exit(1);
});
