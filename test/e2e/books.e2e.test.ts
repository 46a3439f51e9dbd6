/**
 * Books setup against Xero's default UK chart (xero-sim's plain seed, no Amazon accounts):
 * the suggestions avoid PAYE Payable, Insurance and system accounts, "Create Amazon accounts
 * for me" adds them in the organisation, and a settlement imported on the settings page posts
 * to those accounts with the organisation's own VAT rates, with the settlement file and its
 * summary attached to the invoice once and shown as attached on the Settlements page.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AU_TENANT_ID, defaultSeed, UK_TENANT_ID } from '../../xero-sim/seed';
import type { RunningSim } from '../../xero-sim/start';
import { type RelayUnderTest, startRelay, startTestSim } from '../relay/harness';
import {
  clickButton,
  type ExtensionBrowser,
  launchChromium,
  screenshotOnFailure,
  waitForText,
} from './harness';
import { approveConsent, createAccount, importAndSend, openPopup, setRelayUrl } from './steps';

describe('Books setup on a UK organisation with Xero’s default chart, in Chromium', () => {
  let sim: RunningSim;
  let relay: RelayUnderTest;
  let eb: ExtensionBrowser | undefined;
  const ukOrg = () => sim.state.orgs.get(UK_TENANT_ID)!;

  beforeAll(async () => {
    sim = await startTestSim({ seed: defaultSeed() });
    relay = await startRelay({ sim, store: 'pglite' });
    eb = await launchChromium();
    await setRelayUrl(eb, relay.url);
    const popup = await openPopup(eb);
    await createAccount(popup, 'Acme UK', 'UK');
    await clickButton(popup, 'Connect to Xero');
    await approveConsent(eb.browser, sim, UK_TENANT_ID);
    await popup.waitForSelector('[data-testid="open-books-setup"]');
    await popup.close();
  }, 120_000);

  afterAll(async () => {
    await eb?.close();
    await relay?.stop();
    await sim?.stop();
  });
  screenshotOnFailure(() => eb);

  it('suggests no PAYE, Insurance or system account, creates the Amazon accounts, and posts to them with UK VAT rates', async () => {
    const options = await eb!.openPage('options.html');
    await options.waitForSelector('[data-testid="books-plan"]');
    const suggested = await options.$$eval('input[name^="account-"]', (inputs) =>
      (inputs as HTMLInputElement[]).map((i) => i.value).filter(Boolean),
    );
    expect(suggested.length).toBeGreaterThan(0);
    const system = ukOrg()
      .accounts.filter((a) => a.SystemAccount)
      .map((a) => a.Code);
    for (const value of suggested) {
      const code = value.split(' · ')[0]!;
      expect(['825', '433', ...system], value).not.toContain(code);
    }

    await options.click('[data-testid="books-plan"]');
    await options.waitForSelector('[data-testid="books-plan-preview"]');
    const before = ukOrg().accounts.length;
    await options.click('[data-testid="books-create"]');
    await waitForText(options, 'The Amazon accounts were created in Xero');
    const created = ukOrg().accounts.slice(before);
    expect(created.map((a) => a.Name)).toEqual(
      expect.arrayContaining(['Amazon Sales', 'Amazon Sales Tax Collected']),
    );
    // This Amazon account's lines carry Channel → Amazon UK.
    await options.select('select[name="books-tracking"]', 'Channel\u0000Amazon UK');
    await options.waitForSelector('[data-testid="books-save"]:not([disabled])');
    await options.click('[data-testid="books-save"]');
    await waitForText(options, 'Books setup saved for Harbourline Trading Ltd');

    expect(await importAndSend(options, 'uk.tsv')).toBe('sent');
    const path = join(import.meta.dirname, '../fixtures/settlements/uk.tsv');

    const until = Date.now() + 30_000;
    let invoice: ReturnType<typeof ukOrg>['invoices'] extends Map<string, infer I> ? I : never;
    for (;;) {
      const found = [...ukOrg().invoices.values()].find((i) => i.InvoiceNumber === 'AMZ-12847239011');
      if (found) {
        invoice = found;
        break;
      }
      if (Date.now() > until) throw new Error('the settlement never reached the sim');
      await new Promise((r) => setTimeout(r, 250));
    }
    const ukRates = new Set(
      ukOrg()
        .taxRates.filter((t) => t.Status === 'ACTIVE')
        .map((t) => t.TaxType),
    );
    const amazonCodes = new Set(created.map((a) => a.Code));
    for (const line of invoice.LineItems) {
      expect(amazonCodes.has(line.AccountCode ?? ''), `${line.Description} → ${line.AccountCode}`).toBe(true);
      expect(ukRates.has(line.TaxType), line.TaxType).toBe(true);
      expect(line.Tracking, line.Description).toEqual([
        expect.objectContaining({ Name: 'Channel', Option: 'Amazon UK' }),
      ]);
    }
    expect(invoice.LineItems.some((l) => l.TaxType === 'OUTPUT2')).toBe(true);

    // The audit trail: the settlement file as downloaded and the summary, each attached once.
    const attachments = () => ukOrg().attachments.get(invoice.InvoiceID) ?? [];
    const attachedBy = Date.now() + 30_000;
    while (attachments().length < 2 && Date.now() < attachedBy) await new Promise((r) => setTimeout(r, 250));
    expect(
      attachments()
        .map((a) => [a.FileName, a.MimeType])
        .sort(),
    ).toEqual([
      ['settlement-12847239011-summary.csv', 'text/csv'],
      ['settlement-12847239011.txt', 'text/plain'],
    ]);
    const original = attachments().find((a) => a.FileName.endsWith('.txt'))!;
    // As the extension read it: UTF-8, without the byte-order mark Seller Central's file starts with.
    expect(Buffer.from(original.content).toString('utf8')).toBe(
      readFileSync(path, 'utf8').replace(/^\uFEFF/, ''),
    );

    // The Settlements page says so.
    const history = await eb!.openPage('settlements.html');
    await history.waitForSelector('[data-settlement-id="12847239011"] [data-attachments="attached"]', {
      timeout: 30_000,
    });
    await history.close();
    await options.close();
  });
});

/**
 * Australia retired TaxType NONE (Xero files such a line as BAS Excluded): Books setup on
 * xero-sim's AU organisation (Xero's default AU chart) must post every line with one of the
 * organisation's GST rates, and a line whose account was archived in Xero after setup is
 * stopped before anything is posted, with the line and the account named.
 */
describe('Books setup on an AU organisation with Xero’s default chart, in Chromium', () => {
  let sim: RunningSim;
  let relay: RelayUnderTest;
  let eb: ExtensionBrowser | undefined;
  const auOrg = () => sim.state.orgs.get(AU_TENANT_ID)!;

  beforeAll(async () => {
    sim = await startTestSim({ seed: defaultSeed() });
    relay = await startRelay({ sim, store: 'pglite' });
    eb = await launchChromium();
    await setRelayUrl(eb, relay.url);
    const popup = await openPopup(eb);
    await createAccount(popup, 'Acme AU', 'AU');
    await clickButton(popup, 'Connect to Xero');
    await approveConsent(eb.browser, sim, AU_TENANT_ID);
    await popup.waitForSelector('[data-testid="open-books-setup"]');
    await popup.close();
  }, 120_000);

  afterAll(async () => {
    await eb?.close();
    await relay?.stop();
    await sim?.stop();
  });
  screenshotOnFailure(() => eb);

  it('posts no line with NONE, and stops a line whose account was archived, naming it, before posting', async () => {
    const options = await eb!.openPage('options.html');
    await options.waitForSelector('[data-testid="books-plan"]');
    const taxChoices = await options.$$eval('select[name^="tax-"]', (selects) =>
      (selects as HTMLSelectElement[]).map((s) => s.value).filter(Boolean),
    );
    expect(taxChoices.length).toBeGreaterThan(0);
    expect(taxChoices).not.toContain('NONE');

    await options.click('[data-testid="books-plan"]');
    await options.waitForSelector('[data-testid="books-plan-preview"]');
    const before = auOrg().accounts.length;
    await options.click('[data-testid="books-create"]');
    await waitForText(options, 'The Amazon accounts were created in Xero');
    const created = auOrg().accounts.slice(before);
    await options.waitForSelector('[data-testid="books-save"]:not([disabled])');
    await options.click('[data-testid="books-save"]');
    await waitForText(options, 'Books setup saved for');

    expect(await importAndSend(options, 'au.tsv')).toBe('sent');
    const until = Date.now() + 30_000;
    const posted = () => [...auOrg().invoices.values()].find((i) => i.InvoiceNumber === 'AMZ-14502231061');
    while (!posted() && Date.now() < until) await new Promise((r) => setTimeout(r, 250));
    const invoice = posted();
    expect(invoice, 'the AU settlement never reached the sim').toBeDefined();
    const gstRates = new Set(
      auOrg()
        .taxRates.filter((t) => t.Status === 'ACTIVE' && t.TaxType !== 'NONE')
        .map((t) => t.TaxType),
    );
    for (const line of invoice!.LineItems) {
      expect(line.TaxType, line.Description).not.toBe('NONE');
      expect(gstRates.has(line.TaxType), `${line.Description}: ${line.TaxType}`).toBe(true);
    }
    expect(invoice!.LineItems.find((l) => l.Description === 'Amazon sales')?.TaxType).toBe('OUTPUT');

    // The seller's accountant archives the Amazon sales account in Xero after setup, and the
    // seller refreshes Books setup (the relay otherwise reads the chart again within minutes).
    const salesLine = invoice!.LineItems.find((l) => l.Description === 'Amazon sales')!;
    const archived = created.find((a) => a.Code === salesLine.AccountCode)!;
    expect(archived, `sales post to ${salesLine.AccountCode}`).toBeDefined();
    archived.Status = 'ARCHIVED';
    const invoicesBefore = auOrg().invoices.size;
    await clickButton(options, 'Refresh from Xero');
    await options.waitForFunction(() => !document.querySelector('.books-setup [aria-busy="true"]'));

    expect(await importAndSend(options, 'au-second.tsv')).toBe('sent');
    const history = await eb!.openPage('settlements.html');
    const settled = await history.waitForFunction(
      () => {
        const row = document.querySelector('[data-settlement-id="14502231062"]');
        const status = row?.getAttribute('data-status');
        return status && !['new', 'queued', 'sending'].includes(status)
          ? `${status}|${row!.textContent ?? ''}`
          : false;
      },
      { timeout: 60_000 },
    );
    const [status, text = ''] = String(await settled.jsonValue()).split('|');
    expect(status, text).toBe('failed');
    expect(text).toContain(`${archived.Code} · ${archived.Name}`);
    expect(text).toMatch(/archived/);
    expect(text).toMatch(/Line \d+ “Amazon sales”/);
    expect(auOrg().invoices.size).toBe(invoicesBefore);
    expect([...auOrg().invoices.values()].some((i) => i.InvoiceNumber === 'AMZ-14502231062')).toBe(false);
    await history.close();
    await options.close();
  }, 150_000);
});
