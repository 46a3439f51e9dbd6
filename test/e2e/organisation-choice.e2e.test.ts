/**
 * One Xero consent ticking two organisations (xero-sim's Kowhai NZ and Harbourline UK): the
 * popup asks which one the account posts to (a labelled radio list, chosen with the keyboard),
 * shows the chosen one (asking again if the popup closed before the choice), and a settlement
 * sent afterwards lands in that organisation only; Disconnect then removes only that
 * organisation's Xero connection, not the other one the consent covered.
 * In Chromium and Firefox.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultSeed, NZ_TENANT_ID, UK_TENANT_ID } from '../../xero-sim/seed';
import type { RunningSim } from '../../xero-sim/start';
import { type RelayUnderTest, startRelay, startTestSim } from '../relay/harness';
import { seriousViolations } from './axe';
import {
  clickButton,
  type ExtensionBrowser,
  launchChromium,
  launchFirefox,
  reloadPage,
  screenshotOnFailure,
  waitForText,
} from './harness';
import { approveConsent, createAccount, importAndSend, openPopup, setRelayUrl, setUpBooks } from './steps';

describe.each([
  ['Chromium', launchChromium],
  ['Firefox', launchFirefox],
] as const)('choosing the organisation when one consent covers two, in %s', (_name, launch) => {
  let sim: RunningSim;
  let relay: RelayUnderTest;
  let eb: ExtensionBrowser | undefined;
  const numbersIn = (tenantId: string) =>
    [...(sim.state.orgs.get(tenantId)?.invoices.values() ?? [])].map((i) => i.InvoiceNumber);

  beforeAll(async () => {
    sim = await startTestSim({ seed: defaultSeed() });
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

  it('asks which organisation, shows the chosen one, and posts there only', async () => {
    const nzBefore = numbersIn(NZ_TENANT_ID);
    let popup = await openPopup(eb!);
    await createAccount(popup, 'Acme UK', 'UK');
    await clickButton(popup, 'Connect to Xero');
    await approveConsent(eb!.browser, sim, UK_TENANT_ID, async (consent) => {
      await consent.$$eval(
        'input[name="tenant"]',
        (boxes, both) => {
          for (const b of boxes as HTMLInputElement[]) b.checked = both.includes(b.value);
        },
        [NZ_TENANT_ID, UK_TENANT_ID],
      );
    });

    await popup.waitForSelector('[data-testid="choose-organisation"]');
    // Closing the popup before choosing loses nothing: the account asks again next time.
    await popup.close();
    popup = await openPopup(eb!);
    const pending = await popup.waitForSelector('[data-status="choose_organisation"]');
    expect(await pending!.evaluate((e) => e.textContent)).toBe('Choose the Xero organisation');
    await popup.click('[role="option"]');
    await popup.waitForSelector('[data-testid="choose-organisation"]');
    const offered = await popup.$$eval('[data-testid="choose-organisation"] label', (ls) =>
      ls.map((l) => l.textContent?.trim()),
    );
    expect(offered.sort()).toEqual(['Harbourline Trading Ltd', 'Kowhai Outdoor Gear Ltd']);
    expect(await seriousViolations(popup)).toEqual([]);
    // Nothing can be chosen by default: the button waits for a choice.
    expect(
      await popup.$('[data-testid="choose-organisation"] button[type="submit"]:disabled'),
    ).not.toBeNull();

    // By keyboard: focus the group, move with the arrow keys to Harbourline, submit with Enter.
    await popup.focus('[data-testid="choose-organisation"] input[type="radio"]');
    await popup.keyboard.type(' ');
    const checkedName = () =>
      popup.$eval(
        '[data-testid="choose-organisation"] input:checked',
        (i) => i.closest('label')?.textContent?.trim() ?? '',
      );
    if ((await checkedName()) !== 'Harbourline Trading Ltd') await popup.keyboard.press('ArrowDown');
    expect(await checkedName()).toBe('Harbourline Trading Ltd');
    await popup.keyboard.press('Enter');
    await waitForText(popup, 'Connected to Xero: Harbourline Trading Ltd.');
    await popup.close();

    await setUpBooks(eb!);
    const options = await eb!.openPage('options.html');
    expect(await importAndSend(options, 'uk.tsv')).toBe('sent');
    const until = Date.now() + 30_000;
    while (!numbersIn(UK_TENANT_ID).includes('AMZ-12847239011')) {
      if (Date.now() > until) throw new Error('the settlement never reached the chosen organisation');
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(numbersIn(NZ_TENANT_ID)).toEqual(nzBefore);
    expect(numbersIn(NZ_TENANT_ID)).not.toContain('AMZ-12847239011');

    // Disconnect removes only the chosen organisation: Xero keeps the consent's other one.
    await reloadPage(options);
    const row = await options.waitForSelector('[data-testid="connections"] li[data-status="connected"]');
    expect(await row!.evaluate((e) => e.textContent)).toContain('Harbourline Trading Ltd');
    await (await row!.waitForSelector('::-p-xpath(.//button[normalize-space()="Disconnect"])'))!.click();
    await (await options.waitForSelector('[role="alertdialog"] button.danger'))!.click();
    await waitForText(options, 'Disconnected. 1 account no longer posts to Xero.');
    const connected = new Set(sim.state.connections.map((k) => k.tenantId));
    expect(connected.has(UK_TENANT_ID)).toBe(false);
    expect(connected.has(NZ_TENANT_ID)).toBe(true);
    await options.close();
  });
});
