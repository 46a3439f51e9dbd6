/** Builds V2 settlement files for tests: 24 columns (or 23), any date and number style. */

import { V2_COLUMNS } from '../../../lib/settlement/parse.ts';

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
  lineEnd?: '\n' | '\r\n';
  hasBom?: boolean;
}

export function settlementText(file: TestFile): string {
  const columns = file.columns ?? COLUMNS_24;
  const line = (values: Record<string, string>) => columns.map((c) => values[c] ?? '').join('\t');
  const lines = [
    columns.join('\t'),
    line({
      'settlement-id': file.settlementId ?? '1234567890',
      'settlement-start-date': file.start ?? '2025-06-05T22:07:18+00:00',
      'settlement-end-date': file.end ?? '2025-06-19T22:07:18+00:00',
      'deposit-date': file.deposit ?? '2025-06-21T22:07:18+00:00',
      'total-amount': file.total,
      currency: file.currency ?? 'USD',
    }),
    ...file.rows.map((row) =>
      line({
        'settlement-id': file.settlementId ?? '1234567890',
        'transaction-type': row.transactionType,
        'marketplace-name': row.marketplaceName ?? 'Amazon.com',
        'amount-type': row.amountType,
        'amount-description': row.amountDescription,
        amount: row.amount,
        'posted-date': row.postedDate,
        'posted-date-time': row.postedDateTime ?? '',
      }),
    ),
  ];
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
