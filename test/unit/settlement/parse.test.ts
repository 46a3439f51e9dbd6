// @vitest-environment node
import { describe, expect, it } from 'vitest';
import {
  MAX_LINE_LENGTH,
  parseSettlementStream,
  parseSettlementText,
  type SettlementHeader,
  SettlementParser,
  type SettlementSink,
  V2_COLUMNS,
} from '../../../lib/settlement/parse.ts';
import { chunkedStream, settlementText, type TestRow } from './settlement-file.ts';

interface Collected {
  header?: SettlementHeader;
  rows: { line: number; key: string; amount: number; posted: number; groupId: number }[];
}

function collector(): { sink: SettlementSink; got: Collected } {
  const got: Collected = { rows: [] };
  return {
    got,
    sink: {
      summary: (header) => {
        got.header = header;
      },
      row: (row) => {
        got.rows.push({
          line: row.line,
          key: `${row.transactionType}/${row.amountType}/${row.amountDescription}@${row.marketplaceName}`,
          amount: row.amountMinor,
          posted: row.postedDate,
          groupId: row.groupId,
        });
      },
    },
  };
}

const ROWS: TestRow[] = [
  {
    transactionType: 'Order',
    amountType: 'ItemPrice',
    amountDescription: 'Principal',
    amount: '24.99',
    postedDate: '2025-06-06',
  },
  {
    transactionType: 'Order',
    amountType: 'ItemFees',
    amountDescription: 'Commission',
    amount: '-3.75',
    postedDate: '2025-06-06',
  },
  {
    transactionType: 'Order',
    amountType: 'ItemPrice',
    amountDescription: 'Principal',
    amount: '10',
    postedDate: '2025-06-07',
    postedDateTime: '2025-06-07T10:00:00+00:00',
  },
];

function parse(text: string) {
  const { sink, got } = collector();
  const result = parseSettlementText(text, sink);
  return { result, got };
}

describe('parse', () => {
  it('reads the summary row and every detail row into minor units', () => {
    const { result, got } = parse(settlementText({ total: '31.24', rows: ROWS }));
    expect(result).toMatchObject({
      ok: true,
      value: { rows: 3, decimalMark: '.', dateOrder: 'year-first', columnCount: 24 },
    });
    expect(got.header).toMatchObject({
      settlementId: '1234567890',
      periodStart: '2025-06-05',
      periodEnd: '2025-06-19',
      depositDate: '2025-06-21',
      depositTotal: 3124n,
      currency: 'USD',
    });
    expect(got.rows.map((r) => [r.line, r.amount, r.posted])).toEqual([
      [3, 2499, 20250606],
      [4, -375, 20250606],
      [5, 1000, 20250607],
    ]);
    expect(got.rows[0]!.groupId).toBe(got.rows[2]!.groupId);
    expect(got.rows[1]!.groupId).not.toBe(got.rows[0]!.groupId);
  });

  it('gives the same rows with a BOM, CRLF, 23 columns and any chunking', async () => {
    const plain = parse(settlementText({ total: '31.24', rows: ROWS }));
    const variant = settlementText({
      total: '31.24',
      rows: ROWS,
      hasBom: true,
      lineEnd: '\r\n',
      columns: V2_COLUMNS,
    });
    const bytes = new TextEncoder().encode(variant);
    for (const sizes of [[1], [2, 3, 5], [7], [64], [1 << 20]]) {
      const { sink, got } = collector();
      const result = await parseSettlementStream(chunkedStream(bytes, sizes), sink);
      expect(result).toMatchObject({ ok: true, value: { rows: 3, columnCount: 23 } });
      expect(got.rows).toEqual(plain.got.rows);
      expect(got.header?.depositTotal).toBe(3124n);
    }
  });

  it('keeps keys apart that share length and sampled bytes (hash collisions)', () => {
    // The interner hashes a few bytes per field; these differ only at a byte it skips.
    const row = (amountDescription: string, amount: string): TestRow => ({
      transactionType: 'Order',
      amountType: 'ItemFees',
      amountDescription,
      amount,
      postedDate: '2025-06-06',
    });
    const { result, got } = parse(
      settlementText({ total: '3.00', rows: [row('XaYYYYYYZ', '1.00'), row('XbYYYYYYZ', '2.00')] }),
    );
    expect(result.ok).toBe(true);
    expect(got.rows.map((r) => r.key)).toEqual([
      'Order/ItemFees/XaYYYYYYZ@Amazon.com',
      'Order/ItemFees/XbYYYYYYZ@Amazon.com',
    ]);
    expect(got.rows[0]!.groupId).not.toBe(got.rows[1]!.groupId);
  });

  it('skips blank CRLF lines', () => {
    const text = settlementText({ total: '31.24', rows: ROWS, lineEnd: '\r\n' });
    const { result, got } = parse(text.replace('\r\n', '\r\n\r\n').concat('\r\n\r\n'));
    expect(result).toMatchObject({ ok: true, value: { rows: 3 } });
    expect(got.rows.map((r) => r.amount)).toEqual([2499, -375, 1000]);
  });

  it('reads a decimal-comma file with day-first dates', () => {
    const { result, got } = parse(
      settlementText({
        start: '14.03.2023 07:49:55 UTC',
        end: '28.03.2023 07:49:55 UTC',
        deposit: '30.03.2023 07:49:55 UTC',
        total: '1141,18',
        currency: 'EUR',
        rows: [
          {
            transactionType: 'Order',
            amountType: 'ItemPrice',
            amountDescription: 'Principal',
            amount: '1141,18',
            postedDate: '15.03.2023',
            postedDateTime: '15.03.2023 10:00:00 UTC',
          },
        ],
      }),
    );
    expect(result).toMatchObject({ ok: true, value: { decimalMark: ',', dateOrder: 'day-first' } });
    expect(got.header).toMatchObject({ periodStart: '2023-03-14', depositTotal: 114118n });
    expect(got.rows[0]).toMatchObject({ amount: 114118, posted: 20230315 });
  });

  it('accepts detail rows that leave settlement-id blank, and skips blank lines', () => {
    const text = settlementText({ total: '24.99', rows: ROWS.slice(0, 1) }).replace(
      '\n1234567890\t\t\t\t\t\tOrder',
      '\n\n\t\t\t\t\t\tOrder',
    );
    const { result, got } = parse(text);
    expect(result.ok).toBe(true);
    expect(got.rows).toHaveLength(1);
  });

  const good = settlementText({ total: '31.24', rows: ROWS });
  const goodLines = good.split('\n');
  const withLine = (index: number, edit: (fields: string[]) => void) => {
    const lines = [...goodLines];
    const fields = lines[index]!.split('\t');
    edit(fields);
    lines[index] = fields.join('\t');
    return lines.join('\n');
  };
  const col = (name: string) => V2_COLUMNS.indexOf(name as (typeof V2_COLUMNS)[number]);

  it.each([
    ['an empty file', '', 'NOT_SETTLEMENT_FILE', 1, 1],
    ['a CSV export', 'date,description,amount\n2025-01-01,x,1\n', 'NOT_SETTLEMENT_FILE', 1, 1],
    [
      'a header missing a column',
      withLine(0, (f) => f.splice(col('posted-date'), 1)),
      'MISSING_COLUMN',
      1,
      17,
    ],
    ['a header naming a column twice', withLine(0, (f) => f.push('amount')), 'DUPLICATE_COLUMN', 1, 25],
    ['only a header', `${goodLines[0]}\n`, 'SUMMARY_MISSING', 2, 1],
    [
      'a detail row where the summary should be',
      [goodLines[0], goodLines[2]].join('\n'),
      'SUMMARY_MISSING',
      2,
      7,
    ],
    [
      'a summary without a deposit date',
      withLine(1, (f) => (f[col('deposit-date')] = '')),
      'SUMMARY_MISSING',
      2,
      4,
    ],
    ['a row with a filled field beyond the header', withLine(3, (f) => f.push('oops')), 'RAGGED_ROW', 4, 25],
    ['an unparsable amount', withLine(3, (f) => (f[col('amount')] = '3,75x')), 'BAD_AMOUNT', 4, 15],
    ['an unparsable total', withLine(1, (f) => (f[col('total-amount')] = 'abc')), 'BAD_AMOUNT', 2, 5],
    [
      'an unparsable posted date',
      withLine(3, (f) => (f[col('posted-date')] = '2025-02-30')),
      'BAD_DATE',
      4,
      17,
    ],
    [
      'an unparsable posted time',
      withLine(4, (f) => (f[col('posted-date-time')] = '2025-06-07T99:00')),
      'BAD_DATE',
      5,
      18,
    ],
    ['a mixed decimal mark', withLine(3, (f) => (f[col('amount')] = '-3,75')), 'BAD_AMOUNT', 4, 15],
    ['an unknown currency', withLine(1, (f) => (f[col('currency')] = 'XYZ')), 'UNKNOWN_CURRENCY', 2, 6],
    [
      'a second settlement',
      withLine(3, (f) => (f[col('settlement-id')] = '999')),
      'SETTLEMENT_ID_MISMATCH',
      4,
      1,
    ],
    [
      'a second summary row',
      withLine(3, (f) => (f[col('total-amount')] = '1.00')),
      'UNEXPECTED_SUMMARY_ROW',
      4,
      5,
    ],
    [
      'a row in another currency',
      withLine(3, (f) => (f[col('currency')] = 'EUR')),
      'CURRENCY_MISMATCH',
      4,
      6,
    ],
  ])('refuses %s, naming line and column', (_name, text, code, line, column) => {
    const { result, got } = parse(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe(code);
    expect(result.error.line).toBe(line);
    expect(result.error.column).toBe(column);
    if (line !== undefined) expect(result.error.message).toContain(`line ${line}`);
    if (column !== undefined) expect(result.error.message).toContain(`column ${column}`);
    // Rows before the bad line may have reached the sink, but the caller only gets the error.
    expect(got.rows.length).toBeLessThan(3);
  });

  it('gives up on a line longer than any settlement row instead of buffering it', async () => {
    const bytes = new Uint8Array(MAX_LINE_LENGTH * 4).fill(65);
    const { sink } = collector();
    const result = await parseSettlementStream(chunkedStream(bytes, [4096]), sink);
    expect(result).toMatchObject({ ok: false, error: { code: 'LINE_TOO_LONG', line: 1 } });
  });

  it('reads a first line arriving a byte at a time in linear time, not rescanning what it holds', () => {
    // 70 kB without a line end, fed byte by byte: rescanning the held bytes on every push
    // took about 3 s here (quadratic); scanning only the new ones takes tens of milliseconds.
    const bytes = new Uint8Array(MAX_LINE_LENGTH + 4000).fill(65);
    const parser = new SettlementParser(collector().sink);
    const started = performance.now();
    let error: ReturnType<SettlementParser['push']>;
    for (let i = 0; i < bytes.length && !error; i++) error = parser.push(bytes.subarray(i, i + 1));
    expect(error).toMatchObject({ code: 'LINE_TOO_LONG', line: 1 });
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('reports a failing stream as READ_FAILED', async () => {
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.error(new Error('disk gone'));
      },
    });
    const result = await parseSettlementStream(stream, collector().sink);
    expect(result).toMatchObject({ ok: false, error: { code: 'READ_FAILED' } });
  });
});
