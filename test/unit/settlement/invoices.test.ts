// @vitest-environment node
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildInvoices, type InvoiceSet, toXeroPayload } from '../../../lib/settlement/invoices.ts';
import { formatMinor } from '../../../lib/settlement/money.ts';
import { type SettlementSummary, summariseSettlement } from '../../../lib/settlement/summarise.ts';

const FIXTURES = join(import.meta.dirname, '../../fixtures/settlements');

async function fixture(name: string, byMarketplace = false): Promise<SettlementSummary> {
  const bytes = readFileSync(join(FIXTURES, name));
  const result = await summariseSettlement(new Blob([bytes]), { byMarketplace });
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

function net(set: InvoiceSet): bigint {
  return set.invoices.reduce((sum, invoice) => sum + invoice.netTotal, 0n);
}

function lineSum(set: InvoiceSet, index = 0): bigint {
  return set.invoices[index]!.lines.reduce((sum, line) => sum + line.amount, 0n);
}

function amountOf(set: InvoiceSet, key: string, index = 0): string | undefined {
  const invoice = set.invoices[index]!;
  const line = invoice.lines.find((l) => l.key === key);
  return line && formatMinor(line.amount, invoice.currency);
}

describe('invoices', () => {
  it('posts a US settlement as one ACCREC equal to the deposit', async () => {
    const summary = await fixture('us.tsv');
    const set = buildInvoices(summary);
    expect(set.invoices).toHaveLength(1);
    const [invoice] = set.invoices;
    expect(invoice).toMatchObject({
      type: 'ACCREC',
      number: 'AMZ-18004731211',
      contactName: 'Amazon.com',
      date: '2025-06-21',
      dueDate: '2025-06-21',
      currency: 'USD',
      total: 6259n,
    });
    expect(invoice!.reference).toBe('Amazon.com settlement 18004731211 2025-06-05 to 2025-06-19');
    expect(lineSum(set)).toBe(6259n);
    expect(set.isReconciled).toBe(true);
    expect(amountOf(set, 'Order/ItemPrice/Principal')).toBe('164.94');
    expect(amountOf(set, 'Refund/ItemPrice/Principal')).toBe('-24.99');
    expect(amountOf(set, 'ServiceFee/other-transaction/Subscription Fee')).toBe('-39.99');
    expect(summary.unmapped).toEqual([]);
  });

  it('reads a UK settlement with BOM, CRLF and 23 columns', async () => {
    const summary = await fixture('uk.tsv');
    expect(summary.stats).toMatchObject({ columnCount: 23, dateOrder: 'year-first' });
    const set = buildInvoices(summary);
    expect(set.invoices[0]).toMatchObject({
      type: 'ACCREC',
      contactName: 'Amazon.co.uk',
      currency: 'GBP',
      total: 6019n,
      date: '2023-01-31',
    });
    expect(amountOf(set, 'ServiceFee/Cost of Advertising/TransactionTotalAmount')).toBe('-17.25');
    expect(
      set.invoices[0]!.lines.find((l) => l.key.endsWith('Cost of Advertising/TransactionTotalAmount'))
        ?.accountCode,
    ).toBe('433');
  });

  it('reads a DE settlement with decimal commas and day-first dates, printing points', async () => {
    const summary = await fixture('de.tsv');
    expect(summary.stats).toMatchObject({ decimalMark: ',', dateOrder: 'day-first' });
    expect(summary.header).toMatchObject({
      periodStart: '2023-03-14',
      depositDate: '2023-03-30',
      depositTotal: 140483n,
    });
    const set = buildInvoices(summary);
    expect(set.invoices[0]).toMatchObject({ contactName: 'Amazon.de', currency: 'EUR', total: 140483n });
    expect(amountOf(set, 'Order/ItemPrice/Principal')).toBe('1296.01');
    expect(toXeroPayload(set.invoices[0]!).LineItems[0]).toMatchObject({
      UnitAmount: '1296.01',
      Quantity: 1,
    });
  });

  it('tracks the marketplace per line when asked', async () => {
    const summary = await fixture('de.tsv', true);
    const set = buildInvoices(summary);
    const principal = set.invoices[0]!.lines.filter((l) => l.key === 'Order/ItemPrice/Principal');
    expect(principal.map((l) => [l.tracking, formatMinor(l.amount, 'EUR')])).toEqual([
      [[{ name: 'Marketplace', option: 'Amazon.de' }], '1221.01'],
      [[{ name: 'Marketplace', option: 'Amazon.fr' }], '75.00'],
    ]);
    expect(net(set)).toBe(140483n);
  });

  it('posts a negative settlement as a bill with flipped signs and a positive total', async () => {
    const summary = await fixture('negative.tsv');
    const set = buildInvoices(summary);
    const [bill] = set.invoices;
    expect(bill).toMatchObject({ type: 'ACCPAY', total: 16574n, netTotal: -16574n });
    expect(lineSum(set)).toBe(16574n);
    expect(amountOf(set, 'ServiceFee/Cost of Advertising/TransactionTotalAmount')).toBe('120.40');
    expect(net(set)).toBe(summary.header.depositTotal);
    expect(toXeroPayload(bill!)).toMatchObject({ Type: 'ACCPAY', InvoiceNumber: 'AMZ-18100000001' });
  });

  it('splits a settlement spanning a month end through the clearing account', async () => {
    const summary = await fixture('month-end.tsv');
    const whole = buildInvoices(summary);
    expect(whole.invoices).toHaveLength(1);
    const set = buildInvoices(summary, { splitMonth: true });
    expect(set.invoices.map((i) => [i.number, i.date, formatMinor(i.total, 'USD')])).toEqual([
      ['AMZ-18200000002-1', '2025-06-30', '0.00'],
      ['AMZ-18200000002-2', '2025-07-10', '62.56'],
    ]);
    const [part1, part2] = set.invoices;
    // 2025-06-30T23:59:59 is part 1; 2025-07-01T00:00:01 is part 2.
    expect(amountOf(set, 'Order/ItemPrice/Principal', 0)).toBe('49.98');
    expect(amountOf(set, 'clearing', 0)).toBe('-37.08');
    expect(amountOf(set, 'clearing', 1)).toBe('37.08');
    expect(part1!.lines.at(-1)!.accountCode).toBe('815');
    expect(part2!.lines[0]!.accountCode).toBe('815');
    expect(net(set)).toBe(summary.header.depositTotal);
    for (const invoice of set.invoices)
      expect(invoice.lines.reduce((s, l) => s + l.amount, 0n)).toBe(invoice.total);
  });

  it('keeps a one-month settlement whole even when a split is asked for', async () => {
    const set = buildInvoices(await fixture('us.tsv'), { splitMonth: true });
    expect(set.invoices.map((i) => i.number)).toEqual(['AMZ-18004731211']);
  });

  it('posts reserves to the reserve account, not to sales', async () => {
    const set = buildInvoices(await fixture('reserves.tsv'));
    const reserveLines = set.invoices[0]!.lines.filter((l) => l.kind === 'reserve');
    expect(reserveLines.map((l) => [l.accountCode, formatMinor(l.amount, 'USD')])).toEqual([
      ['810', '250.00'],
      ['810', '-310.55'],
    ]);
    expect(set.invoices[0]!.total).toBe(31028n);
  });

  it('puts an unknown fee on a visible Unmapped line and reports it', async () => {
    const summary = await fixture('unknown-fee.tsv');
    const set = buildInvoices(summary);
    const key = 'other-transaction/other-transaction/FBAInboundPlacementServiceFee';
    expect(summary.unmapped).toEqual([{ key, rows: 2, amount: -1625n, firstLine: 5 }]);
    const line = set.invoices[0]!.lines.find((l) => l.key === key);
    expect(line).toMatchObject({
      accountCode: '899',
      kind: 'unmapped',
      amount: -1625n,
      description: `Unmapped: ${key}`,
    });
    expect(net(set)).toBe(499n);
  });

  it('shows a gap between rows and deposit as its own line and flag', async () => {
    const summary = await fixture('discrepancy.tsv');
    const set = buildInvoices(summary);
    expect(set.isReconciled).toBe(false);
    expect(set.discrepancy).toBe(-5000n);
    expect(amountOf(set, 'discrepancy')).toBe('-50.00');
    expect(set.invoices[0]!.lines.find((l) => l.key === 'discrepancy')!.accountCode).toBe('898');
    expect(net(set)).toBe(2921n);
    expect(lineSum(set)).toBe(2921n);
  });

  it('keeps JPY in whole yen', async () => {
    const set = buildInvoices(await fixture('jp.tsv'));
    expect(set.invoices[0]).toMatchObject({ currency: 'JPY', total: 822n, contactName: 'Amazon.co.jp' });
    expect(toXeroPayload(set.invoices[0]!).LineItems[0]!.UnitAmount).toBe('1200');
  });
});
