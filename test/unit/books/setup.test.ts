import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkInvoiceAgainstBooks } from '../../../lib/books/check';
import {
  type BooksSetup,
  LINE_GROUPS,
  mappingFromSetup,
  missingGroups,
  planAmazonAccounts,
  suggestSetup,
} from '../../../lib/books/setup';
import type { InvoicePayload } from '../../../lib/relay-api';
import { parseMapping, settle, toXeroPayload } from '../../../lib/settlement/index';
import { AU_TENANT_ID, NZ_TENANT_ID, UK_TENANT_ID, US_TENANT_ID } from '../../../xero-sim/seed';
import { booksOf, withPlanCreated } from './seed-books';

async function settleWith(setup: BooksSetup, fixture: string): Promise<InvoicePayload> {
  const mapping = parseMapping(mappingFromSetup(setup));
  if (!mapping.ok) throw new Error(JSON.stringify(mapping));
  const result = await settle(readFileSync(`test/fixtures/settlements/${fixture}`, 'utf8'), {
    mapping: mapping.value,
  });
  if (!result.ok) throw new Error(JSON.stringify(result));
  return toXeroPayload(result.value.invoices.invoices[0]!) as InvoicePayload;
}

describe('Books setup on Xero’s default charts', () => {
  it('never suggests PAYE, Insurance or a system account in a UK organisation', () => {
    const books = booksOf(UK_TENANT_ID);
    const suggested = suggestSetup(books);
    const codes = Object.values(suggested).map((c) => c.accountCode);
    expect(codes).not.toContain('825');
    expect(codes).not.toContain('433');
    const system = new Set(books.accounts.filter((a) => a.systemAccount).map((a) => a.code));
    for (const code of codes) expect(system.has(code), code).toBe(false);
    // Sales goes to the chart's own Sales account; groups with no fitting account stay open.
    expect(suggested.sales?.accountCode).toBe('200');
    expect(suggested.salesTax).toBeUndefined();
    expect(missingGroups(suggested).length).toBeGreaterThan(0);
  });

  it.each([
    ['UK', UK_TENANT_ID],
    ['NZ', NZ_TENANT_ID],
    ['US', US_TENANT_ID],
    ['AU', AU_TENANT_ID],
  ])(
    'plans Amazon accounts at free codes in %s, then suggests a complete setup on them',
    (_region, tenant) => {
      const books = booksOf(tenant);
      const plan = planAmazonAccounts(books);
      const used = new Set(books.accounts.map((a) => a.code));
      for (const p of plan) expect(used.has(p.code), `${p.code} ${p.name}`).toBe(false);
      expect(new Set(plan.map((p) => p.code)).size).toBe(plan.length);
      const after = withPlanCreated(books);
      const suggested = suggestSetup(after);
      expect(missingGroups(suggested)).toEqual([]);
      for (const group of LINE_GROUPS) {
        const account = after.accounts.find((a) => a.code === suggested[group]?.accountCode);
        expect(account?.name, group).toMatch(/^Amazon /);
      }
    },
  );

  it('gives new UK income and cost accounts the organisation’s own VAT rates', () => {
    const plan = planAmazonAccounts(booksOf(UK_TENANT_ID));
    expect(plan.find((p) => p.group === 'sales')).toMatchObject({ type: 'REVENUE', taxType: 'OUTPUT2' });
    expect(plan.find((p) => p.group === 'commissions')).toMatchObject({
      type: 'OVERHEADS',
      taxType: 'INPUT2',
    });
    expect(plan.find((p) => p.group === 'reserves')).toMatchObject({ type: 'CURRENT', taxType: 'NONE' });
  });

  it('never uses NONE in Australia', () => {
    const after = withPlanCreated(booksOf(AU_TENANT_ID));
    const suggested = suggestSetup(after);
    for (const choice of Object.values(suggested)) expect(choice.taxType).not.toBe('NONE');
    expect(suggested.sales?.taxType).toBe('OUTPUT');
  });

  it('produces a mapping whose invoice passes the send check in the organisation', async () => {
    const after = withPlanCreated(booksOf(UK_TENANT_ID));
    const setup = { groups: suggestSetup(after) as BooksSetup['groups'] };
    const invoice = await settleWith(setup, 'uk.tsv');
    expect(invoice.LineAmountTypes).toBe('Inclusive');
    expect(checkInvoiceAgainstBooks(invoice, after)).toEqual([]);
    const codes = new Set(invoice.LineItems.map((l) => l.AccountCode));
    for (const code of codes) {
      expect(after.accounts.find((a) => a.code === code)?.name).toMatch(/^Amazon /);
    }
  });
});

describe('checkInvoiceAgainstBooks', () => {
  const books = withPlanCreated(booksOf(UK_TENANT_ID));
  const sales = books.accounts.find((a) => a.name === 'Amazon Sales')!;
  function invoice(
    line: Partial<InvoicePayload['LineItems'][number]>,
    extra: Partial<InvoicePayload> = {},
  ): InvoicePayload {
    return {
      Type: 'ACCREC',
      Contact: { Name: 'Amazon EU S.a.r.l.' },
      Date: '2024-05-31',
      DueDate: '2024-05-31',
      LineAmountTypes: 'Inclusive',
      InvoiceNumber: 'AMZ-1',
      Reference: 'r',
      CurrencyCode: 'GBP',
      LineItems: [
        {
          Description: 'Amazon sales',
          Quantity: 1,
          UnitAmount: '10.00',
          AccountCode: sales.code,
          TaxType: 'OUTPUT2',
          Tracking: [],
          ...line,
        },
      ],
      ...extra,
    };
  }

  it.each([
    ['an unknown account', { AccountCode: '899' }, 'account_missing', /account 899, which does not exist/],
    [
      'an archived account',
      { AccountCode: '205' },
      'account_archived',
      /205 · eBay Sales \(closed\), which is archived/,
    ],
    [
      'a system account',
      { AccountCode: '820' },
      'account_system',
      /820 · VAT, an account Xero manages itself/,
    ],
    ['a bank account', { AccountCode: '090' }, 'account_bank', /a bank account/],
    [
      'a tax type the organisation lacks',
      { TaxType: 'OUTPUT' },
      'tax_missing',
      /tax type OUTPUT, which Harbourline/,
    ],
    ['a deleted tax type', { TaxType: 'SROUTPUT' }, 'tax_missing', /SROUTPUT/],
    [
      'a purchase rate on a sales account',
      { TaxType: 'INPUT2' },
      'tax_not_for_account',
      /“20% \(VAT on Expenses\)” on .* Amazon Sales/,
    ],
    [
      'an unknown tracking option',
      { Tracking: [{ Name: 'Channel', Option: 'Amazon FR' }] },
      'tracking_missing',
      /Channel → Amazon FR/,
    ],
  ])('names the line, the account and what to change for %s', (_label, line, reason, message) => {
    const problems = checkInvoiceAgainstBooks(invoice(line), books);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ reason, line: 0, lineDescription: 'Amazon sales' });
    expect(problems[0]?.message).toMatch(/^Line 1 “Amazon sales”/);
    expect(problems[0]?.message).toMatch(message);
  });

  it('refuses a currency the organisation has not enabled', () => {
    const problems = checkInvoiceAgainstBooks(invoice({}, { CurrencyCode: 'SEK' }), books);
    expect(problems.map((p) => p.reason)).toEqual(['currency_not_enabled']);
  });

  it('stops NONE in Australia before Xero files the sale as BAS Excluded', () => {
    const au = withPlanCreated(booksOf(AU_TENANT_ID));
    const auSales = au.accounts.find((a) => a.name === 'Amazon Sales')!;
    const problems = checkInvoiceAgainstBooks(
      invoice({ AccountCode: auSales.code, TaxType: 'NONE' }, { CurrencyCode: 'AUD' }),
      au,
    );
    expect(problems.map((p) => p.reason)).toEqual(['tax_retired']);
  });

  it('passes a line that fits', () => {
    expect(
      checkInvoiceAgainstBooks(invoice({ Tracking: [{ Name: 'Channel', Option: 'Amazon UK' }] }), books),
    ).toEqual([]);
  });
});
