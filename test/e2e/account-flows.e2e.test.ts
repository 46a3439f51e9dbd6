/**
 * The seed's story in real Chromium and Firefox against the real relay and xero-sim over HTTP: create
 * an account, connect it through the sim's consent page, share the connection with a
 * second account in one click, check currencies, switch Seller Central, and recover from
 * a disconnect made inside Xero.
 */
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NZ_TENANT_ID, UK_TENANT_ID } from '../../xero-sim/seed';
import type { RunningSim } from '../../xero-sim/start';
import { type RelayUnderTest, startRelay, startTestSim } from '../relay/harness';
import { seriousViolations } from './axe';
import {
  clickButton,
  type ExtensionBrowser,
  launchChromium,
  launchFirefox,
  screenshotOnFailure,
  serveFixtures,
  waitForText,
} from './harness';
import { approveConsent, createAccount, openPopup, setRelayUrl, waitForStatus } from './steps';

const ROUTES = {
  'sellercentral.amazon.com/home': 'seller-central/home.html',
  'sellercentral.amazon.com/account-switcher/global-and-regional-account/merchantMarketplace':
    'seller-central/context-us.json',
  'sellercentral.amazon.com/account-switcher/regional-accounts/merchantMarketplace':
    'seller-central/regional-accounts-us.json',
  'sellercentral-europe.amazon.com/home': 'seller-central/home-uk.html',
  'sellercentral-europe.amazon.com/account-switcher/global-and-regional-account/merchantMarketplace':
    'seller-central/context-uk.json',
  'sellercentral-europe.amazon.com/account-switcher/regional-accounts/merchantMarketplace':
    'seller-central/regional-accounts-uk.json',
};

const AXE_OK: never[] = [];

async function accountStatus(page: Page, name: string): Promise<string> {
  return page.$eval(
    `::-p-xpath(//div[@role="option"][.//span[@class="account-name" and text()="${name}"]]//span[contains(@class,"xero-status")])`,
    (e) => e.getAttribute('data-status') ?? '',
  );
}

describe.each([
  ['Chromium', launchChromium],
  ['Firefox', launchFirefox],
] as const)('account flows in %s against the relay and xero-sim', (_name, launch) => {
  let sim: RunningSim;
  let relay: RelayUnderTest;
  let eb: ExtensionBrowser | undefined;
  let sellerCentral: Page;

  beforeAll(async () => {
    sim = await startTestSim();
    relay = await startRelay({ sim, store: 'pglite' });
    eb = await launch();
    await setRelayUrl(eb, relay.url);
  }, 120_000);

  afterAll(async () => {
    await eb?.close();
    await relay?.stop();
    await sim?.stop();
  });
  screenshotOnFailure(() => eb);

  it('connects account 1 through the consent page and shares it with account 2 in one click', async () => {
    const popup = await openPopup(eb!);
    expect(await seriousViolations(popup)).toEqual(AXE_OK);
    await createAccount(popup, 'Acme US', 'US');
    await clickButton(popup, 'Connect to Xero');
    await approveConsent(eb!.browser, sim, NZ_TENANT_ID);
    await waitForText(popup, 'Connected to Xero.');
    // USD into an NZD organisation without multi-currency: explained, not left to fail later.
    const check = await popup.waitForSelector('[data-testid="currency-check"]');
    expect(await check!.evaluate((e) => e.getAttribute('data-state'))).toBe('plan_lacks_multicurrency');
    await clickButton(popup, 'Next');
    await clickButton(popup, 'Finish later');

    await createAccount(popup, 'Acme UK', 'UK');
    await (
      await waitForText(popup, 'If you would like this account to access the same Xero organisation')
    ).click();
    await popup.waitForSelector('[data-testid="share-dialog"]');
    expect(await seriousViolations(popup)).toEqual(AXE_OK);
    await clickButton(popup, 'Share access');
    const ukCheck = await popup.waitForSelector('[data-testid="currency-check"]');
    expect(await ukCheck!.evaluate((e) => e.getAttribute('data-state'))).toBe('plan_lacks_multicurrency');
    expect(await ukCheck!.evaluate((e) => e.textContent)).toContain('would refuse GBP invoices');
    await clickButton(popup, 'Next');
    await clickButton(popup, 'Finish later');

    await popup.waitForSelector('[data-testid="accounts"]');
    expect(await accountStatus(popup, 'Acme US')).toBe('connected');
    expect(await accountStatus(popup, 'Acme UK')).toBe('shared');
    const texts = await popup.$$eval('.xero-status', (els) => els.map((e) => e.textContent));
    // The switcher sorts by name: Acme UK, then Acme US.
    expect(texts).toEqual([
      'Kowhai Outdoor Gear Ltd, shared from Acme US',
      'Connected to Kowhai Outdoor Gear Ltd',
    ]);

    const counts = (await sim.controls.state()).counts;
    expect(counts.consentsApproved).toBe(1);
    expect(counts.codeExchanges).toBe(1);
    await popup.close();
  });

  it('offers to enable a currency the organisation lacks, and the sim has it afterwards', async () => {
    const popup = await openPopup(eb!);
    await createAccount(popup, 'Acme CA', 'CA');
    await clickButton(popup, 'Connect to Xero');
    await approveConsent(eb!.browser, sim, UK_TENANT_ID);
    const check = await popup.waitForSelector('[data-testid="currency-check"][data-state="can_enable"]');
    expect(await check!.evaluate((e) => e.textContent)).toContain('has not enabled CAD');
    await clickButton(popup, 'Enable CAD');
    await popup.waitForSelector('[data-testid="currency-check"][data-state="enabled"]');
    expect(sim.state.orgs.get(UK_TENANT_ID)?.currencies).toContain('CAD');
    await popup.close();
  });

  it('binds accounts to Seller Central, marks the active one, and switches by deep link', async () => {
    sellerCentral = await eb!.browser.newPage();
    await serveFixtures(sellerCentral, ROUTES);
    const bind = async (host: string, name: string, shown: string) => {
      await sellerCentral.goto(`https://${host}/home`);
      await waitForStatus(eb!, `Seller Central: Acme Trading LLC · ${shown}`);
      const popup = await openPopup(eb!);
      // An account connected to Xero but not yet to Amazon opens its setup at step 3.
      await popup.click(`::-p-xpath(//div[@role="option"][.//span[text()="${name}"]])`);
      await clickButton(popup, 'Use the current Seller Central tab');
      await popup.waitForSelector('[data-testid="accounts"]');
      await popup.close();
    };
    await bind('sellercentral.amazon.com', 'Acme US', 'United States');
    await bind('sellercentral-europe.amazon.com', 'Acme UK', 'United Kingdom');

    const popup = await openPopup(eb!);
    const active = await popup.$eval('[role="option"].is-active .account-name', (e) => e.textContent);
    expect(active).toBe('Acme UK');
    expect(await seriousViolations(popup)).toEqual(AXE_OK);

    const navigated = sellerCentral.waitForNavigation();
    await popup.click('::-p-xpath(//div[@role="option"][.//span[text()="Acme US"]])');
    await navigated;
    const url = new URL(sellerCentral.url());
    expect(url.host).toBe('sellercentral.amazon.com');
    expect(url.searchParams.get('mons_sel_dir_mcid')).toBe('amzn1.merchant.d.AFIXTURENA7Q3ZK2WPX9LM4RT5HV');
    expect(url.searchParams.get('mons_sel_dir_paid')).toBe('amzn1.pa.d.AFIXTUREACMEGLOBALQ7K2M9XW3');
    expect(url.searchParams.get('mons_sel_mkid')).toBe('amzn1.mp.o.ATVPDKIKX0DER');
    await popup.close();
  });

  it('flips every sharing account to needs reconnect after a disconnect in Xero, and Reconnect restores it', async () => {
    await sim.controls.disconnectTenant(NZ_TENANT_ID);
    const options = await eb!.openPage('options.html');
    await options.waitForSelector('[data-testid="connections"] [data-status="needs_reconnect"]');
    expect(await seriousViolations(options)).toEqual(AXE_OK);

    const popup = await openPopup(eb!);
    expect(await accountStatus(popup, 'Acme US')).toBe('needs_reconnect');
    expect(await accountStatus(popup, 'Acme UK')).toBe('needs_reconnect');
    await popup.close();

    const connectionsBefore = await options.$$eval('[data-connection-id]', (els) => els.length);
    await clickButton(options, 'Reconnect');
    await approveConsent(eb!.browser, sim, NZ_TENANT_ID);
    await waitForText(options, 'Reconnected to Xero.');
    expect(await options.$$eval('[data-connection-id]', (els) => els.length)).toBe(connectionsBefore);
    const after = await openPopup(eb!);
    expect(await accountStatus(after, 'Acme US')).toBe('connected');
    expect(await accountStatus(after, 'Acme UK')).toBe('shared');
    await after.close();
    await options.close();
  });
});
