/**
 * The extension in German, in real Chromium against the relay and xero-sim: chosen in
 * settings, the popup, the Seller Central statements controls, the confirmation window and
 * the Settlements page speak German and format amounts and dates the German way
 * (1.404,83 €, 30.03.2023), while the invoice posted to Xero carries exactly the amounts of
 * the settlement file. A second browser started in German (--lang=de, --accept-lang, LANGUAGE=de) shows
 * German without any stored choice. The German statements page and de.tsv are the
 * fixtures of seller-central-real.e2e.test.ts (test/fixtures/seller-central/README.md).
 */
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UK_TENANT_ID } from '../../xero-sim/seed';
import type { RunningSim } from '../../xero-sim/start';
import { type RelayUnderTest, startRelay, startTestSim } from '../relay/harness';
import { seriousViolations } from './axe';
import {
  clickButton,
  closedShadowQuery,
  type ExtensionBrowser,
  launchChromium,
  screenshotOnFailure,
  serveFixtures,
  waitForClosedShadow,
  waitForText,
} from './harness';
import { approveConsent, openPopup, setRelayUrl, setUpBooks, waitForStatus } from './steps';

const DE = 'sellercentral.amazon.de';
const REF = '61740022111';
const SETTLEMENT = '9911223344';
const ROUTES = {
  [`${DE}/home`]: 'seller-central/home-de.html',
  [`${DE}/account-switcher/global-and-regional-account/merchantMarketplace`]:
    'seller-central/context-de.json',
  [`${DE}/account-switcher/regional-accounts/merchantMarketplace`]:
    'seller-central/regional-accounts-de.json',
  [`${DE}/payments/past-settlements`]: 'seller-central/past-settlements-de.html',
  [`${DE}/fixture-assets/katal-statements.js`]: 'seller-central/katal-statements.js',
  [`${DE}/payments/reports/download?referenceId=${REF}&contentType=text%2Fxls&fileName=${REF}.txt`]:
    'settlements/de.tsv',
};

/** Text as a reader sees it: Intl puts no-break spaces before "€". */
const plain = (s: string | null | undefined) => (s ?? '').replace(/[\u00a0\u202f]/g, ' ');
const textOf = (page: Page, selector: string) => page.$eval(selector, (e) => e.textContent ?? '').then(plain);

describe('Settlebridge in German (Chromium)', () => {
  let sim: RunningSim;
  let relay: RelayUnderTest;
  let eb: ExtensionBrowser | undefined;
  let sc: Page;

  beforeAll(async () => {
    sim = await startTestSim();
    relay = await startRelay({ sim, store: 'pglite' });
    eb = await launchChromium();
    await setRelayUrl(eb, relay.url);
    sc = await eb.browser.newPage();
    await serveFixtures(sc, ROUTES);
    await sc.goto(`https://${DE}/home`);
    await waitForStatus(eb, 'Seller Central: Acme Trading LLC · Deutschland');
    // Set up in English (the browser's language): one EUR account on the organisation that has EUR.
    const popup = await openPopup(eb);
    await clickButton(popup, 'Create new account');
    await popup.type('form.create-account input[name="name"]', 'Acme DE');
    await popup.select('form.create-account select[name="marketplace"]', 'DE');
    await popup.click('form.create-account button[type="submit"]');
    await clickButton(popup, 'Connect to Xero');
    await approveConsent(eb.browser, sim, UK_TENANT_ID);
    await popup.waitForSelector('[data-testid="currency-check"][data-state="enabled"]');
    await clickButton(popup, 'Next');
    await clickButton(popup, 'Use the current Seller Central tab');
    await popup.waitForSelector('[data-testid="accounts"]');
    await popup.close();
    await setUpBooks(eb);
  }, 180_000);

  afterAll(async () => {
    await eb?.close();
    await relay?.stop();
    await sim?.stop();
  });
  screenshotOnFailure(() => eb);

  it('switches to German in settings: popup, statements page, confirmation and Settlements page in German, the invoice in Xero unchanged', async () => {
    const options = await eb!.openPage('options.html');
    await options.waitForSelector('select[name="language"]');
    await options.select('select[name="language"]', 'de');
    await waitForText(options, 'Sprache gespeichert.');
    expect(await textOf(options, 'h1')).toBe('Settlebridge-Einstellungen');
    expect(await options.$eval('html', (e) => e.lang)).toMatch(/^de/);
    await options.close();

    const popup = await openPopup(eb!);
    expect(await textOf(popup, '.actions')).toContain('Neues Konto anlegen');
    expect(await textOf(popup, '.actions')).toContain('Verbindungen und Einstellungen');
    expect(await textOf(popup, '[data-testid="problem-line"]')).toContain('Abrechnungen öffnen');
    await popup.close();

    await sc.goto(`https://${DE}/payments/past-settlements`);
    const [send] = await waitForClosedShadow(
      sc,
      'settlebridge-settlement',
      `[data-reference-id="${REF}"] button`,
    );
    expect(send!.text).toBe('An Xero senden');
    const [badge] = await closedShadowQuery(sc, 'settlebridge-settlement', '.sb-badge');
    expect(badge!.text).toBe('Nicht gesendet');
    const [hint] = await waitForClosedShadow(sc, 'settlebridge-hint', '[data-testid="sb-request-hint"]');
    expect(hint!.text).toContain('Fordern Sie diesen Bericht zuerst in Seller Central an');
    const [bulk] = await waitForClosedShadow(sc, 'settlebridge-bar', '[data-testid="sb-bar"] button');
    expect(bulk!.text).toBe('Alle ungesendeten auf dieser Seite senden (1)');

    await sc.mouse.click(send!.x, send!.y);
    const target = await eb!.browser.waitForTarget((t) => t.url().startsWith(`${eb!.origin}confirm.html`), {
      timeout: 30_000,
    });
    const confirm = (await target.page())!;
    await confirm.waitForSelector('[data-testid="sb-send"]');
    expect(await textOf(confirm, 'h2')).toBe(`Abrechnung ${SETTLEMENT} an Xero senden`);
    expect(await textOf(confirm, '[data-testid="sb-preview"] section > p')).toContain(
      'Auszahlung 1.404,83 € am 30.03.2023',
    );
    expect(await textOf(confirm, '[data-testid="sb-reconciled"]')).toBe(
      'Die Rechnungssumme entspricht der Auszahlung von 1.404,83 €.',
    );
    expect(await textOf(confirm, 'h3')).toMatch(/^Rechnung AMZ-/);
    // What is shown is formatted; what is sent is the exact decimal the file gave.
    const total = await confirm.$eval('[data-testid="sb-total"]', (e) => ({
      shown: e.textContent ?? '',
      exact: e.getAttribute('data-amount'),
    }));
    expect(total).toEqual({ shown: '1.404,83', exact: '1404.83' });
    expect(await seriousViolations(confirm)).toEqual([]);
    await confirm.click('[data-testid="sb-send"]');

    const until = Date.now() + 30_000;
    let invoices: { Total: number; CurrencyCode: string; Type: string; InvoiceNumber: string }[] = [];
    while (invoices.length === 0 && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 250));
      invoices = (await sim.controls.state()).tenants
        .flatMap((t) => t.invoices)
        .filter((i) => i.InvoiceNumber === `AMZ-${SETTLEMENT}`);
    }
    expect(invoices).toHaveLength(1);
    expect(invoices[0]!.Total.toFixed(2)).toBe('1404.83');
    expect(invoices[0]!.CurrencyCode).toBe('EUR');
    expect(invoices[0]!.Type).toBe('ACCREC');

    const page = await eb!.openPage('settlements.html');
    await page.waitForSelector(`tr[data-settlement-id="${SETTLEMENT}"][data-status="sent"]`, {
      timeout: 30_000,
    });
    expect(await textOf(page, 'h1')).toBe('Abrechnungen');
    const row = await page.$eval(`tr[data-settlement-id="${SETTLEMENT}"]`, (tr) => ({
      deposit: tr.querySelector('td.num')?.textContent ?? '',
      exact: tr.querySelector('td.num')?.getAttribute('data-amount'),
      text: tr.textContent ?? '',
    }));
    expect(plain(row.deposit)).toBe('1.404,83 €');
    expect(row.exact).toBe('1404.83');
    expect(plain(row.text)).toContain('ausgezahlt am 30.03.2023');
    expect(plain(row.text)).toContain('Gesendet');
    expect(await textOf(page, 'thead')).toContain('Auszahlung');
    expect(await seriousViolations(page)).toEqual([]);
    await page.close();
  }, 180_000);
});

describe("Settlebridge follows the browser's language (Chromium started in German)", () => {
  let eb: ExtensionBrowser | undefined;
  const before = process.env.LANGUAGE;

  beforeAll(async () => {
    process.env.LANGUAGE = 'de';
    // Headless Chromium keeps en-US as its UI language; --accept-lang sets the preferred
    // languages (navigator.languages), which Settlebridge follows first (lib/i18n.ts).
    eb = await launchChromium(undefined, ['--lang=de', '--accept-lang=de-DE,de']);
  }, 60_000);

  afterAll(async () => {
    await eb?.close();
    if (before === undefined) delete process.env.LANGUAGE;
    else process.env.LANGUAGE = before;
  });
  screenshotOnFailure(() => eb);

  it('shows German with no language stored, and the settings say it follows the browser', async () => {
    const popup = await openPopup(eb!);
    expect(await textOf(popup, '[data-testid="accounts-empty"]')).toContain('Noch keine Konten.');
    expect(await textOf(popup, '.actions')).toContain('Neues Konto anlegen');
    await popup.close();
    const options = await eb!.openPage('options.html');
    await options.waitForSelector('select[name="language"]');
    const choice = await options.$eval('select[name="language"]', (s) => ({
      value: (s as HTMLSelectElement).value,
      label: (s as HTMLSelectElement).selectedOptions[0]?.textContent,
    }));
    expect(choice).toEqual({ value: '', label: 'Wie der Browser' });
    await options.close();
  }, 60_000);
});
