/**
 * The Settlements page's rows as CSV (RFC 4180: CRLF line ends, fields quoted when they hold
 * a comma, quote or line break). Cells a spreadsheet would run as a formula are prefixed
 * with an apostrophe (OWASP "CSV Injection"); plain numbers such as "-3.10" are left as
 * they are so deposits stay numbers.
 */
import type { HistoryRow } from './history';

export const CSV_COLUMNS = [
  'Account',
  'Marketplace',
  'Settlement ID',
  'Period start',
  'Period end',
  'Deposit date',
  'Deposit',
  'Currency',
  'Status',
  'Problem',
  'Xero invoices',
  'Xero links',
  'Sent at (UTC)',
] as const;

const isPlainNumber = (s: string) => /^-?\d+(\.\d+)?$/.test(s);

export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) && !isPlainNumber(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** `headers`: the column names in the seller's language, in CSV_COLUMNS' order (English by default). */
export function historyCsv(
  rows: readonly HistoryRow[],
  statusLabel: (status: string) => string,
  headers: readonly string[] = CSV_COLUMNS,
): string {
  const lines = [headers.map(csvCell).join(',')];
  for (const r of rows) {
    lines.push(
      [
        r.accountName,
        r.marketplace,
        r.settlementId,
        r.periodStart,
        r.periodEnd,
        r.depositDate,
        r.deposit,
        r.currency,
        statusLabel(r.status),
        r.error ?? '',
        r.invoices.map((i) => i.number).join(' '),
        r.invoices.flatMap((i) => (i.xeroUrl ? [i.xeroUrl] : [])).join(' '),
        r.sentAt === undefined ? '' : new Date(r.sentAt).toISOString(),
      ]
        .map(csvCell)
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}
