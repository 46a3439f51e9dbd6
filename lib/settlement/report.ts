/**
 * The settlement report a bookkeeper reads (and the CLI prints): the summary and invoices with
 * every amount as a decimal string in the currency's own minor digits, with a point
 * ("1234.50", "-3.10", JPY "1200"), whatever separator the file used.
 */

import type { InvoiceSet } from './invoices.ts';
import { formatMinor } from './money.ts';
import type { SettlementSummary } from './summarise.ts';

export interface SettlementReportLine {
  key: string;
  description: string;
  accountCode: string;
  taxType: string;
  tracking: { name: string; option: string }[];
  amount: string;
}

export interface SettlementReportInvoice {
  type: string;
  number: string;
  reference: string;
  contactName: string;
  date: string;
  dueDate: string;
  currency: string;
  lineAmountTypes: string;
  total: string;
  lines: SettlementReportLine[];
}

export interface SettlementReport {
  settlementId: string;
  /** 'V1' for the older flat file layout; reports stored before this field read as V2. */
  format?: 'V2' | 'V1';
  /** What the reader tolerated (encoding, line ends, rewritten dates), one sentence each. */
  notices?: string[];
  /** A zero settlement without rows: `invoices` is empty and nothing goes to Xero. */
  isNothingToSend?: boolean;
  currency: string;
  periodStart: string;
  periodEnd: string;
  depositDate: string;
  depositTotal: string;
  rows: number;
  invoices: SettlementReportInvoice[];
  /** Deposit minus the rows' sum, or null when they agree. */
  discrepancy: string | null;
  unmapped: { key: string; rows: number; amount: string; firstLine: number }[];
}

export function toReport(summary: SettlementSummary, set: InvoiceSet): SettlementReport {
  const { header } = summary;
  const money = (minor: bigint) => formatMinor(minor, header.currency);
  return {
    settlementId: header.settlementId,
    format: summary.stats.format,
    notices: summary.stats.notices,
    isNothingToSend: set.isNothingToSend,
    currency: header.currency,
    periodStart: header.periodStart,
    periodEnd: header.periodEnd,
    depositDate: header.depositDate,
    depositTotal: money(header.depositTotal),
    rows: summary.stats.rows,
    invoices: set.invoices.map((invoice) => ({
      type: invoice.type,
      number: invoice.number,
      reference: invoice.reference,
      contactName: invoice.contactName,
      date: invoice.date,
      dueDate: invoice.dueDate,
      currency: invoice.currency,
      lineAmountTypes: invoice.lineAmountTypes,
      total: money(invoice.total),
      lines: invoice.lines.map((line) => ({
        key: line.key,
        description: line.description,
        accountCode: line.accountCode,
        taxType: line.taxType,
        tracking: line.tracking,
        amount: money(line.amount),
      })),
    })),
    discrepancy: set.isReconciled ? null : money(set.discrepancy),
    unmapped: summary.unmapped.map((u) => ({
      key: u.key,
      rows: u.rows,
      amount: money(u.amount),
      firstLine: u.firstLine,
    })),
  };
}

/** A plain-text rendering for people: one block per invoice, amounts right-aligned. */
export function formatReportTable(report: SettlementReport): string {
  const out: string[] = [];
  out.push(
    `Settlement ${report.settlementId} (${report.currency}) ${report.periodStart} to ${report.periodEnd}, ` +
      `deposit ${report.depositTotal} on ${report.depositDate}, ${report.rows} rows` +
      (report.format === 'V1' ? ', older V1 format' : ''),
  );
  for (const notice of report.notices ?? []) out.push(`  note: ${notice}`);
  if (report.isNothingToSend) {
    out.push('');
    out.push('Nothing to send: the settlement has no rows and a zero total, so no invoice is made.');
  }
  for (const invoice of report.invoices) {
    out.push('');
    out.push(
      `${invoice.type} ${invoice.number}  ${invoice.contactName}  ${invoice.date}  ${invoice.reference}`,
    );
    const widthDescription = Math.max(11, ...invoice.lines.map((l) => l.description.length));
    const widthAccount = Math.max(7, ...invoice.lines.map((l) => l.accountCode.length));
    const widthAmount = Math.max(6, invoice.total.length, ...invoice.lines.map((l) => l.amount.length));
    out.push(
      `  ${'Description'.padEnd(widthDescription)}  ${'Account'.padEnd(widthAccount)}  ${'Amount'.padStart(widthAmount)}  Key`,
    );
    for (const line of invoice.lines) {
      const tracking = line.tracking.map((t) => ` [${t.name}: ${t.option}]`).join('');
      out.push(
        `  ${line.description.padEnd(widthDescription)}  ${line.accountCode.padEnd(widthAccount)}  ${line.amount.padStart(widthAmount)}  ${line.key}${tracking}`,
      );
    }
    out.push(
      `  ${'Total'.padEnd(widthDescription)}  ${''.padEnd(widthAccount)}  ${invoice.total.padStart(widthAmount)}`,
    );
  }
  out.push('');
  out.push(
    report.discrepancy === null
      ? 'Reconciled: the rows add up to the deposit.'
      : `DISCREPANCY: the deposit differs from the rows by ${report.discrepancy}; posted as its own line, check the settlement in Seller Central.`,
  );
  if (report.unmapped.length > 0) {
    out.push(`UNMAPPED keys (posted to the unmapped account; add a mapping rule):`);
    for (const u of report.unmapped)
      out.push(`  ${u.key}  ${u.amount}  (${u.rows} rows, first on line ${u.firstLine})`);
  }
  return `${out.join('\n')}\n`;
}
