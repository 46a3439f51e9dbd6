/**
 * Sending settlements from Seller Central's statements page to Xero, in real Chromium and Firefox,
 * against the relay (PGlite on disk) and xero-sim over HTTP. Every fault test ends by
 * counting the invoices in the sim.
 */
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UK_TENANT_ID } from '../../xero-sim/seed';
import type { RunningSim } from '../../xero-sim/start';
import { freePort, type RelayUnderTest, startRelay, startTestSim, tempDir } from '../relay/harness';
import { addClosedRootStyle, removeClosedRootStyle, seriousViolationsInClosedRoots } from './axe';
import {
  clickButton,
  closedShadowQuery,
  type ExtensionBrowser,
  launchChromium,
  launchFirefox,
  pagesAt,
  screenshotOnFailure,
  serveFixtures,
  waitForClosedShadow,
  waitForPage,
  waitForText,
} from './harness';
import {
  approveConsent,
  createAccount,
  openPopup,
  setRelayUrl,
  setUpBooks,
  waitForStatus as waitForPopupStatus,
} from './steps';

const SC = 'sellercentral.amazon.com';
const DOWNLOAD = '/payments/reports/download';
const ROUTES = {
  [`${SC}/home`]: 'seller-central/home.html',
  [`${SC}/payments/allstatements/index.html`]: 'seller-central/statements-us.html',
  [`${SC}/account-switcher/global-and-regional-account/merchantMarketplace`]:
    'seller-central/context-us.json',
  [`${SC}${DOWNLOAD}?settlementId=18004731211&format=flatFileV2`]: 'settlements/us.tsv',
  [`${SC}${DOWNLOAD}?settlementId=18100000001&format=flatFileV2`]: 'settlements/negative.tsv',
  [`${SC}${DOWNLOAD}?settlementId=18300000003&format=flatFileV2`]: 'settlements/reserves.tsv',
  [`${SC}${DOWNLOAD}?settlementId=18200000002&format=flatFileV2`]: 'settlements/month-end.tsv',
  [`${SC}${DOWNLOAD}?settlementId=18400000004&format=flatFileV2`]: 'settlements/unknown-fee.tsv',
  [`${SC}${DOWNLOAD}?settlementId=18500000005&format=flatFileV2`]: 'settlements/discrepancy.tsv',
  [`${SC}${DOWNLOAD}?settlementId=18600000006&format=flatFileV2`]: 'settlements/us-second.tsv',
};

/** The elements that host the in-page UI's closed shadow roots on a statements page. */
const IN_PAGE_HOSTS = ['settlebridge-settlement', 'settlebridge-bar', 'settlebridge-hint'];

async function invoicesIn(sim: RunningSim, number: string) {
  const state = await sim.controls.state();
  return state.tenants.flatMap((t) => t.invoices).filter((i) => i.InvoiceNumber === number);
}

describe.each([
  ['Chromium', launchChromium],
  ['Firefox', launchFirefox],
] as const)('send settlements from Seller Central in %s', (name, launch) => {
  let sim: RunningSim;
  let relay: RelayUnderTest;
  let relayPort: number;
  const data = tempDir('settlebridge-send-');
  let eb: ExtensionBrowser | undefined;

  const startOurRelay = async () => {
    relay = await startRelay({ sim, store: 'pglite', dataDir: data.path, port: relayPort });
  };

  async function statementsPage(): Promise<Page> {
    const page = await eb!.browser.newPage();
    await serveFixtures(page, ROUTES);
    await page.goto(`https://${SC}/payments/allstatements/index.html`);
    await waitForClosedShadow(page, 'settlebridge-bar', '[data-testid="sb-bar"]');
    return page;
  }

  /** Clicks an element in our closed shadow roots with a real mouse click. */
  async function clickIn(page: Page, host: string, selector: string, index = 0) {
    const [target] = (await waitForClosedShadow(page, host, selector)).slice(index);
    await page.mouse.click(target!.x, target!.y);
  }

  /**
   * The extension's own confirmation window that a Send on the page opened: the preview and
   * the Send button live there, out of the page's reach (lib/messages.ts header).
   */
  async function confirmWindow(): Promise<Page> {
    const confirm = await waitForPage(eb!, `${eb!.origin}confirm.html`, { skip: (p) => seenConfirms.has(p) });
    seenConfirms.add(confirm);
    await confirm.waitForSelector('[data-testid="sb-send"]');
    return confirm;
  }
  const seenConfirms = new Set<unknown>();

  const controlFor = (id: string) => `[data-settlement-id="${id}"]`;
  const statusOf = async (page: Page, id: string) =>
    (await closedShadowQuery(page, 'settlebridge-settlement', controlFor(id)))[0]?.html.match(
      /data-status="([a-z_]+)"/,
    )?.[1];
  async function waitForStatus(page: Page, id: string, status: string, timeoutMs = 30_000) {
    const until = Date.now() + timeoutMs;
    while ((await statusOf(page, id)) !== status) {
      if (Date.now() > until) {
        const control = await closedShadowQuery(page, 'settlebridge-settlement', controlFor(id));
        throw new Error(`settlement ${id} never reached ${status}: ${control[0]?.text ?? 'no control'}`);
      }
      // A failure is final: say why at once rather than waiting out the timeout.
      if (status !== 'failed' && (await statusOf(page, id)) === 'failed') {
        const control = await closedShadowQuery(page, 'settlebridge-settlement', controlFor(id));
        throw new Error(`settlement ${id} failed: ${control[0]?.text}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  beforeAll(async () => {
    sim = await startTestSim();
    relayPort = await freePort();
    await startOurRelay();
    eb = await launch();
    // Settings: the relay under test.
    await setRelayUrl(eb, relay.url);
    // One US account, connected to the GBP organisation that has USD enabled, bound to Seller Central.
    const home = await eb.browser.newPage();
    await serveFixtures(home, ROUTES);
    await home.goto(`https://${SC}/home`);
    await waitForPopupStatus(eb, 'Seller Central: Acme Trading LLC · United States');
    const popup = await openPopup(eb);
    await createAccount(popup, 'Acme US', 'US');
    await clickButton(popup, 'Connect to Xero');
    await approveConsent(eb.browser, sim, UK_TENANT_ID);
    await popup.waitForSelector('[data-testid="currency-check"][data-state="enabled"]');
    await clickButton(popup, 'Next');
    await clickButton(popup, 'Use the current Seller Central tab');
    await popup.waitForSelector('[data-testid="accounts"]');
    await popup.close();
    await home.close();
    await setUpBooks(eb);
  }, 120_000);

  afterAll(async () => {
    await eb?.close();
    await relay?.stop();
    await sim?.stop();
    data.remove();
  });
  screenshotOnFailure(() => eb);

  it('sends a settlement in one click after the preview: one invoice equal to the deposit, shown as sent with a link', async () => {
    const page = await statementsPage();
    expect(await statusOf(page, '18004731211')).toBe('new');
    await clickIn(page, 'settlebridge-settlement', `${controlFor('18004731211')} button`);
    // Nothing is sent from the page itself: the confirmation is the extension's window.
    const confirm = await confirmWindow();
    expect(await invoicesIn(sim, 'AMZ-18004731211')).toHaveLength(0);
    // The exact decimal behind the formatted total (formatting follows the user's locale).
    const total = await confirm.$eval('[data-testid="sb-total"]', (e) => e.getAttribute('data-amount') ?? '');
    expect(await confirm.$$('[data-testid="sb-reconciled"]')).toHaveLength(1);
    await confirm.click('[data-testid="sb-send"]');
    await waitForStatus(page, '18004731211', 'sent');
    const link = (
      await closedShadowQuery(page, 'settlebridge-settlement', `${controlFor('18004731211')} a`)
    )[0];
    expect(link?.html).toContain('InvoiceID=');
    const invoices = await invoicesIn(sim, 'AMZ-18004731211');
    expect(invoices).toHaveLength(1);
    expect(invoices[0]!.Total.toFixed(2)).toBe(total.trim());
    await page.close();
  });

  // Closed shadow roots reach axe only through the DevTools protocol (test/e2e/axe.ts).
  it.runIf(name === 'Chromium')(
    'shows the in-page UI (row controls, a sent one with its link, the send bar) with no serious axe violations in light and dark',
    async () => {
      const page = await statementsPage();
      await waitForStatus(page, '18004731211', 'sent');
      await waitForClosedShadow(page, 'settlebridge-bar', 'button:not([disabled])');
      const { violations, copies } = await seriousViolationsInClosedRoots(page, IN_PAGE_HOSTS);
      expect(violations).toEqual([]);
      // The copies axe saw render exactly as the closed roots do, in each theme's own colours.
      expect(copies.map((c) => [c.theme, c.mismatches])).toEqual([
        ['light', []],
        ['dark', []],
      ]);
      expect(copies.every((c) => c.elements > 20)).toBe(true);
      const [light, dark] = copies;
      expect(light!.backgrounds).toEqual(expect.arrayContaining(['rgb(255, 255, 255)', 'rgb(11, 107, 203)']));
      expect(dark!.backgrounds).toEqual(expect.arrayContaining(['rgb(27, 33, 41)', 'rgb(31, 38, 46)']));

      // A low-contrast rule added to the real roots is seen through the copies.
      expect(
        await addClosedRootStyle(
          page,
          IN_PAGE_HOSTS,
          '.sb-badge { color: #aaa !important; background: #fff !important; }',
        ),
      ).toBeGreaterThan(1);
      const tampered = await seriousViolationsInClosedRoots(page, IN_PAGE_HOSTS);
      await removeClosedRootStyle(page, IN_PAGE_HOSTS);
      expect(tampered.violations.map((v) => [v.theme, v.id])).toEqual([
        ['light', 'color-contrast'],
        ['dark', 'color-contrast'],
      ]);
      await page.close();
    },
  );

  it("does not let the page's own scripts read account data or trigger a send", async () => {
    const page = await statementsPage();
    const before = (await sim.controls.state()).tenants.flatMap((t) => t.invoices).length;
    const probe = (await page.evaluate('window.pageProbe()')) as {
      runtime: boolean;
      hosts: number;
      shadowRoots: number;
      text: string;
    };
    expect(probe.runtime).toBe(false);
    expect(probe.hosts).toBeGreaterThan(0);
    expect(probe.shadowRoots).toBe(0);
    expect(probe.text).not.toContain('Acme');
    await new Promise((r) => setTimeout(r, 1000));
    // The page's synthetic clicks opened no confirmation window.
    expect(await pagesAt(eb!, `${eb!.origin}confirm.html`)).toHaveLength(0);
    expect((await sim.controls.state()).tenants.flatMap((t) => t.invoices)).toHaveLength(before);
    // The link to another origin got no Send button.
    expect(
      await closedShadowQuery(page, 'settlebridge-settlement', '[data-settlement-id="999999999"]'),
    ).toHaveLength(0);
    await page.close();
  });

  it('sends once for a double click and a second tab sending the same settlement', async () => {
    const [a, b] = [await statementsPage(), await statementsPage()];
    await clickIn(a, 'settlebridge-settlement', `${controlFor('18100000001')} button`);
    await clickIn(b, 'settlebridge-settlement', `${controlFor('18100000001')} button`);
    const [confirmA, confirmB] = [await confirmWindow(), await confirmWindow()];
    await Promise.all([
      confirmA.click('[data-testid="sb-send"]', { count: 2 }),
      confirmB.click('[data-testid="sb-send"]'),
    ]);
    await waitForStatus(a, '18100000001', 'sent');
    await waitForStatus(b, '18100000001', 'sent');
    // A negative settlement goes to Xero as a bill.
    const bills = await invoicesIn(sim, 'AMZ-18100000001');
    expect(bills.map((i) => i.Type)).toEqual(['ACCPAY']);
    await a.close();
    await b.close();
  });

  /** Opens the confirmation window for one settlement and presses Send in it. */
  async function sendFromPreview(page: Page, id: string) {
    await clickIn(page, 'settlebridge-settlement', `${controlFor(id)} button`);
    await (await confirmWindow()).click('[data-testid="sb-send"]');
  }

  it('keeps a send queued while the relay is down and sends it once the relay is back', async () => {
    const page = await statementsPage();
    await relay.stop();
    await sendFromPreview(page, '18300000003');
    await waitForStatus(page, '18300000003', 'queued');
    await new Promise((r) => setTimeout(r, 2000));
    expect(await statusOf(page, '18300000003')).toBe('queued');
    await startOurRelay();
    await waitForStatus(page, '18300000003', 'sent', 45_000);
    expect(await invoicesIn(sim, 'AMZ-18300000003')).toHaveLength(1);
    await page.close();
  });

  // Firefox's MV2 build has a background page, not a service worker that can be stopped.
  it.runIf(name === 'Chromium')(
    'resumes after the service worker is stopped mid-send, and posts one invoice',
    async () => {
      const page = await statementsPage();
      await sim.controls.setLatency(4000);
      await sendFromPreview(page, '18200000002');
      // The intent is written and handed to the relay; Xero answers slowly (latency above).
      await waitForStatus(page, '18200000002', 'sending');
      // Chrome's documented way to test worker termination: close the worker's target.
      const sw = await eb!.browser.waitForTarget(
        (t) => t.type() === 'service_worker' && t.url().startsWith(eb!.origin),
      );
      await (await sw.worker())!.close();
      await sim.controls.setLatency(0);
      // The page's own polling wakes the worker; on start it drains the outbox.
      await waitForStatus(page, '18200000002', 'sent', 45_000);
      expect(await invoicesIn(sim, 'AMZ-18200000002')).toHaveLength(1);
      await page.close();
    },
  );

  it('parks a send as needs reconnect after a disconnect inside Xero, and sends it after Reconnect', async () => {
    const page = await statementsPage();
    await sim.controls.disconnectTenant(UK_TENANT_ID);
    await sendFromPreview(page, '18600000006');
    await waitForStatus(page, '18600000006', 'needs_reconnect', 45_000);
    expect(await invoicesIn(sim, 'AMZ-18600000006')).toHaveLength(0);
    // The problem badge, in its own colours, keeps its contrast in both themes.
    if (name === 'Chromium')
      expect((await seriousViolationsInClosedRoots(page, IN_PAGE_HOSTS)).violations).toEqual([]);

    const options = await eb!.openPage('options.html');
    await options.waitForSelector('[data-testid="connections"] [data-status="needs_reconnect"]');
    await clickButton(options, 'Reconnect');
    await approveConsent(eb!.browser, sim, UK_TENANT_ID);
    await waitForText(options, 'Reconnected to Xero.');
    await page.bringToFront();
    await waitForStatus(page, '18600000006', 'sent', 45_000);
    await options.close();
    expect(await invoicesIn(sim, 'AMZ-18600000006')).toHaveLength(1);
    await page.close();
  });

  it('sends all unsent settlements from one preview, flagging the discrepancy and the unmapped fee', async () => {
    const page = await statementsPage();
    // Firefox has no worker test, so its month-end settlement is still unsent and goes too.
    const alsoUnsent = name === 'Chromium' ? [] : ['18200000002'];
    const [bulk] = await waitForClosedShadow(page, 'settlebridge-bar', 'button');
    expect(bulk!.text).toBe(`Send all unsent on this page (${2 + alsoUnsent.length})`);
    await page.mouse.click(bulk!.x, bulk!.y);
    const confirm = await confirmWindow();
    expect(await confirm.$$('[data-testid="sb-discrepancy"]')).toHaveLength(1);
    expect(await confirm.$$('[data-testid="sb-unmapped"]')).toHaveLength(1);
    await confirm.click('[data-testid="sb-send"]');
    await waitForStatus(page, '18400000004', 'sent', 45_000);
    await waitForStatus(page, '18500000005', 'sent', 45_000);
    expect(await invoicesIn(sim, 'AMZ-18400000004')).toHaveLength(1);
    expect(await invoicesIn(sim, 'AMZ-18500000005')).toHaveLength(1);
    for (const id of alsoUnsent) {
      await waitForStatus(page, id, 'sent', 45_000);
      expect(await invoicesIn(sim, `AMZ-${id}`)).toHaveLength(1);
    }
    await page.close();
  });
});
