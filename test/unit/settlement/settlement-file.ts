/**
 * Builds settlement files for tests: V2 with 24 columns (or 23) or the older V1 layout, any
 * date and number style, and the ways files come back from spreadsheets (quotes, CR-only
 * lines, extra empty fields, UTF-16).
 */

import { V1_COLUMNS, V2_COLUMNS } from '../../../lib/settlement/parse.ts';

export const COLUMNS_24 = [...V2_COLUMNS, 'promotion-id'];

export interface TestRow {
  transactionType: string;
  amountType: string;
  amountDescription: string;
  marketplaceName?: string;
  amount: string;
  postedDate: string;
  postedDateTime?: string;
}

export interface TestFile {
  settlementId?: string;
  start?: string;
  end?: string;
  deposit?: string;
  total: string;
  currency?: string;
  rows: TestRow[];
  columns?: readonly string[];
  lineEnd?: '\n' | '\r\n' | '\r';
  hasBom?: boolean;
  /** V1 writes each amount in the column of its kind (price-amount, other-amount, …). */
  layout?: 'V2' | 'V1';
  /** Quote every non-empty field, doubling quotes inside, as a spreadsheet re-save may. */
  isQuoted?: boolean;
  /** Empty fields added at the end of the summary row. */
  summaryExtraTabs?: number;
  /** Drop every row's empty trailing fields, as some tools write them. */
  isTrimmed?: boolean;
}

/** Where V1 puts a V2 key's amount: [amount column, type column or null, type value]. */
function v1Fields(row: TestRow): Record<string, string> {
  const { transactionType, amountType, amountDescription, amount } = row;
  if (amountType === 'ItemPrice') return { 'price-type': amountDescription, 'price-amount': amount };
  if (amountType === 'ItemFees') {
    return { 'item-related-fee-type': amountDescription, 'item-related-fee-amount': amount };
  }
  if (amountType === 'Promotion') return { 'promotion-type': amountDescription, 'promotion-amount': amount };
  // other-transaction: the description is the reason, unless it repeats the transaction-type.
  return {
    'other-fee-reason-description': amountDescription === transactionType ? '' : amountDescription,
    'other-amount': amount,
  };
}

export function settlementText(file: TestFile): string {
  const isV1 = file.layout === 'V1';
  const columns = file.columns ?? (isV1 ? V1_COLUMNS : COLUMNS_24);
  const quote = (value: string) =>
    file.isQuoted && value !== '' ? `"${value.replaceAll('"', '""')}"` : value;
  const line = (values: Record<string, string>) => columns.map((c) => quote(values[c] ?? '')).join('\t');
  const lines = [
    columns.join('\t'),
    line({
      'settlement-id': file.settlementId ?? '1234567890',
      'settlement-start-date': file.start ?? '2025-06-05T22:07:18+00:00',
      'settlement-end-date': file.end ?? '2025-06-19T22:07:18+00:00',
      'deposit-date': file.deposit ?? '2025-06-21T22:07:18+00:00',
      'total-amount': file.total,
      currency: file.currency ?? 'USD',
    }) + '\t'.repeat(file.summaryExtraTabs ?? 0),
    ...file.rows.map((row) =>
      line({
        'settlement-id': file.settlementId ?? '1234567890',
        'transaction-type': row.transactionType,
        'marketplace-name': row.marketplaceName ?? 'Amazon.com',
        ...(isV1
          ? v1Fields(row)
          : {
              'amount-type': row.amountType,
              'amount-description': row.amountDescription,
              amount: row.amount,
              'posted-date-time': row.postedDateTime ?? '',
            }),
        'posted-date': row.postedDate,
      }),
    ),
  ];
  if (file.isTrimmed) for (let i = 1; i < lines.length; i++) lines[i] = lines[i]!.replace(/\t+$/, '');
  const lineEnd = file.lineEnd ?? '\n';
  return `${file.hasBom ? '\ufeff' : ''}${lines.join(lineEnd)}${lineEnd}`;
}

/** A ReadableStream that hands out `bytes` in chunks of the given sizes (cycled). */
export function chunkedStream(bytes: Uint8Array, sizes: number[]): ReadableStream<Uint8Array> {
  let offset = 0;
  let turn = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= bytes.length) {
        controller.close();
        return;
      }
      const size = Math.max(1, sizes[turn++ % sizes.length] ?? 1);
      controller.enqueue(bytes.slice(offset, offset + size));
      offset += size;
    },
  });
}

/** The bytes of `text` in an encoding a spreadsheet may save (UTF-16 with its byte order mark). */
export function encodeFile(
  text: string,
  encoding: 'utf-8' | 'utf-16le' | 'utf-16be',
): Uint8Array<ArrayBuffer> {
  if (encoding === 'utf-8') return new TextEncoder().encode(text);
  const bytes = new Uint8Array(2 + text.length * 2);
  const isLittle = encoding === 'utf-16le';
  bytes.set(isLittle ? [0xff, 0xfe] : [0xfe, 0xff]);
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    bytes[2 + i * 2] = isLittle ? unit & 0xff : unit >> 8;
    bytes[3 + i * 2] = isLittle ? unit >> 8 : unit & 0xff;
  }
  return bytes;
}
