// @vitest-environment node
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildInvoices } from '../../../lib/settlement/invoices.ts';
import { minorDigits } from '../../../lib/settlement/money.ts';
import { parseSettlementStream, V2_COLUMNS } from '../../../lib/settlement/parse.ts';
import { SettlementSummariser, summariseSettlement } from '../../../lib/settlement/summarise.ts';
import { COLUMNS_24, chunkedStream, encodeFile, settlementText, type TestRow } from './settlement-file.ts';

const KEYS = [
  ['Order', 'ItemPrice', 'Principal'],
  ['Order', 'ItemPrice', 'Tax'],
  ['Order', 'ItemFees', 'Commission'],
  ['Refund', 'ItemPrice', 'Principal'],
  ['other-transaction', 'other-transaction', 'Current Reserve Amount'],
  ['other-transaction', 'other-transaction', 'BrandNewFeeNobodyMapped'],
  ['Lightning Deal Fee', 'other-transaction', 'Lightning Deal Fee'],
] as const;

type DateStyle = 'iso-offset' | 'iso-utc' | 'day-first';

/** Writes yyyy-mm-dd (+ time) in the given style; posted-date is always the bare date. */
function writeDate(y: number, m: number, d: number, style: DateStyle, withTime: boolean): string {
  const p = (n: number) => String(n).padStart(2, '0');
  if (style === 'day-first') return `${p(d)}.${p(m)}.${y}${withTime ? ' 07:49:55 UTC' : ''}`;
  const date = `${y}-${p(m)}-${p(d)}`;
  if (!withTime) return date;
  return style === 'iso-offset' ? `${date}T22:07:18+00:00` : `${date} 08:00:00 UTC`;
}

function writeAmount(minor: bigint, digits: number, mark: '.' | ','): string {
  const negative = minor < 0n;
  const abs = (negative ? -minor : minor).toString().padStart(digits + 1, '0');
  const text = digits === 0 ? abs : `${abs.slice(0, -digits)}${mark}${abs.slice(-digits)}`;
  return negative ? `-${text}` : text;
}

const settlementArb = fc.record({
  currency: fc.constantFrom('USD', 'EUR', 'JPY', 'KWD', 'GBP'),
  mark: fc.constantFrom('.' as const, ',' as const),
  dateStyle: fc.constantFrom<DateStyle>('iso-offset', 'iso-utc', 'day-first'),
  lineEnd: fc.constantFrom('\n' as const, '\r\n' as const, '\r' as const),
  hasBom: fc.boolean(),
  has24Columns: fc.boolean(),
  // The ways files come back from spreadsheets, and the older layout.
  layout: fc.constantFrom('V2' as const, 'V1' as const),
  isQuoted: fc.boolean(),
  summaryExtraTabs: fc.nat(2),
  isTrimmed: fc.boolean(),
  encoding: fc.constantFrom('utf-8' as const, 'utf-16le' as const, 'utf-16be' as const),
  // Days 0..27 from 2025-01-20, so many settlements cross the January/February month end.
  rows: fc.array(
    fc.record({
      key: fc.nat(KEYS.length - 1),
      minor: fc.bigInt({ min: -10_000_000n, max: 10_000_000n }),
      day: fc.nat(27),
      marketplace: fc.constantFrom('Amazon.com', 'Amazon.ca', ''),
    }),
    { maxLength: 60 },
  ),
  missing: fc.oneof(fc.constant(0n), fc.bigInt({ min: -100_000n, max: 100_000n })),
  chunkSizes: fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 4 }),
});

type GeneratedSettlement = typeof settlementArb extends fc.Arbitrary<infer T> ? T : never;

function build(s: GeneratedSettlement) {
  const digits = minorDigits(s.currency)!;
  const rowSum = s.rows.reduce((sum, r) => sum + r.minor, 0n);
  const deposit = rowSum + s.missing;
  const when = (day: number) => {
    const date = new Date(Date.UTC(2025, 0, 20 + day));
    return [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()] as const;
  };
  const rows: TestRow[] = s.rows.map((r) => {
    const [transactionType, amountType, amountDescription] = KEYS[r.key]!;
    const [y, m, d] = when(r.day);
    return {
      transactionType,
      amountType,
      amountDescription,
      marketplaceName: r.marketplace,
      amount: writeAmount(r.minor, digits, s.mark),
      postedDate: writeDate(y, m, d, s.dateStyle, false),
      postedDateTime: writeDate(y, m, d, s.dateStyle, true),
    };
  });
  const text = settlementText({
    start: writeDate(2025, 1, 20, s.dateStyle, true),
    end: writeDate(2025, 2, 16, s.dateStyle, true),
    deposit: writeDate(2025, 2, 18, s.dateStyle, true),
    total: writeAmount(deposit, digits, s.mark),
    currency: s.currency,
    rows,
    columns: s.layout === 'V1' ? undefined : s.has24Columns ? COLUMNS_24 : V2_COLUMNS,
    lineEnd: s.lineEnd,
    hasBom: s.hasBom && s.encoding === 'utf-8',
    layout: s.layout,
    isQuoted: s.isQuoted,
    summaryExtraTabs: s.summaryExtraTabs,
    isTrimmed: s.isTrimmed,
  });
  const expectedByKey = new Map<string, { minor: bigint; rows: number }>();
  for (const r of s.rows) {
    const key = KEYS[r.key]!.join('/');
    const e = expectedByKey.get(key) ?? { minor: 0n, rows: 0 };
    e.minor += r.minor;
    e.rows++;
    expectedByKey.set(key, e);
  }
  return { text, bytes: encodeFile(text, s.encoding), deposit, expectedByKey };
}

describe('summarise', () => {
  it('property: V2 or V1, quoted, CR-only, UTF-16, extra or missing empty fields, in any chunking: invoices net to the deposit and every row lands in one line', async () => {
    await fc.assert(
      fc.asyncProperty(settlementArb, fc.boolean(), fc.boolean(), async (s, splitMonth, byMarketplace) => {
        const { bytes, deposit, expectedByKey } = build(s);
        // Odd chunk sizes split UTF-16 code units and CRLF pairs across chunks.
        const stream = chunkedStream(bytes, s.chunkSizes);
        const result = await summariseSettlement(stream, { byMarketplace });
        if (!result.ok) throw new Error(result.error.message);
        const summary = result.value;
        expect(summary.header.depositTotal).toBe(deposit);
        expect(summary.stats.rows).toBe(s.rows.length);
        expect(summary.stats.format).toBe(s.layout);

        const set = buildInvoices(summary, { splitMonth });
        const net = set.invoices.reduce((sum, invoice) => sum + invoice.netTotal, 0n);
        expect(net).toBe(deposit);
        expect(set.discrepancy).toBe(s.missing);
        for (const invoice of set.invoices) {
          expect(invoice.total >= 0n).toBe(true);
          expect(invoice.lines.reduce((sum, l) => sum + l.amount, 0n)).toBe(invoice.total);
        }

        // Each row is counted once, in a line with its own key, with its amount.
        const seen = new Map<string, { minor: bigint; rows: number }>();
        for (const invoice of set.invoices) {
          const sign = invoice.netTotal < 0n ? -1n : 1n;
          for (const line of invoice.lines) {
            if (line.kind === 'clearing' || line.kind === 'discrepancy') continue;
            const e = seen.get(line.key) ?? { minor: 0n, rows: 0 };
            e.minor += sign * line.amount;
            e.rows += line.rows;
            seen.set(line.key, e);
          }
        }
        expect(seen).toEqual(expectedByKey);
        const unmapped = summary.unmapped.map((u) => u.key);
        expect(unmapped).toEqual(
          expectedByKey.has('other-transaction/other-transaction/BrandNewFeeNobodyMapped')
            ? ['other-transaction/other-transaction/BrandNewFeeNobodyMapped']
            : [],
        );
      }),
      { numRuns: 300 },
    );
  });

  it('property: arbitrary bytes give a result or an error, never a throw', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 4000 }),
        fc.integer({ min: 1, max: 512 }),
        async (bytes, size) => {
          const result = await parseSettlementStream(
            chunkedStream(bytes, [size]),
            new SettlementSummariser(),
          );
          expect(typeof result.ok).toBe('boolean');
        },
      ),
      { numRuns: 500 },
    );
  });

  it('property: bytes after a BOM or a real header, rich in tabs, quotes and line ends, give a result or an error', async () => {
    const v2 = settlementText({ total: '0.00', rows: [] });
    const v1 = settlementText({ total: '0.00', rows: [], layout: 'V1' });
    // Lone surrogates make UTF-16 that does not decode, at any place and chunking.
    const alphabet = [
      ...['\t', '\r', '\n', '"', ',', ';', '/', '-', '.', '1', '9', 'a', 'ü', '\u0000', '\ufffd'],
      ...['\ud800', '\udc00'],
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('', v2, v1, '\ufeff', v2.replaceAll('\t', ';')),
        fc.array(fc.constantFrom(...alphabet), { maxLength: 600 }),
        fc.constantFrom('utf-8' as const, 'utf-16le' as const, 'utf-16be' as const),
        fc.integer({ min: 1, max: 64 }),
        async (head, tail, encoding, size) => {
          const bytes = encodeFile(head + tail.join(''), encoding);
          const summariser = new SettlementSummariser();
          const result = await parseSettlementStream(chunkedStream(bytes, [size]), summariser);
          if (result.ok) {
            const set = buildInvoices(summariser.result(result.value));
            expect(set.invoices.reduce((sum, i) => sum + i.netTotal, 0n)).toBe(set.depositTotal);
          } else {
            expect(result.error.message.length).toBeGreaterThan(0);
            expect(result.error.line).toBeGreaterThan(0);
            expect(result.error.column).toBeGreaterThan(0);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('property: a valid file with random damage gives a result or an error, never a throw', async () => {
    const { text } = build({
      currency: 'USD',
      mark: '.',
      dateStyle: 'iso-offset',
      lineEnd: '\n',
      hasBom: false,
      has24Columns: true,
      layout: 'V2',
      isQuoted: false,
      summaryExtraTabs: 0,
      isTrimmed: false,
      encoding: 'utf-8',
      rows: KEYS.map((_, key) => ({
        key,
        minor: BigInt(key * 101 - 300),
        day: key * 4,
        marketplace: 'Amazon.com',
      })),
      missing: 0n,
      chunkSizes: [64],
    });
    const good = new TextEncoder().encode(text);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ at: fc.nat(good.length - 1), byte: fc.integer({ min: 0, max: 255 }) }), {
          minLength: 1,
          maxLength: 8,
        }),
        async (edits) => {
          const bytes = good.slice();
          for (const edit of edits) bytes[edit.at] = edit.byte;
          const summariser = new SettlementSummariser();
          const result = await parseSettlementStream(chunkedStream(bytes, [97]), summariser);
          if (result.ok) {
            const set = buildInvoices(summariser.result(result.value));
            expect(set.invoices.reduce((sum, i) => sum + i.netTotal, 0n)).toBe(set.depositTotal);
          } else {
            expect(result.error.message.length).toBeGreaterThan(0);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('sums beyond Number.MAX_SAFE_INTEGER exactly', async () => {
    const big = '90000000000000.00'; // 9e15 minor units, just above 2^53 when added twice
    const text = settlementText({
      total: '180000000000000.00',
      rows: [
        {
          transactionType: 'Order',
          amountType: 'ItemPrice',
          amountDescription: 'Principal',
          amount: big,
          postedDate: '2025-06-06',
        },
        {
          transactionType: 'Order',
          amountType: 'ItemPrice',
          amountDescription: 'Principal',
          amount: big,
          postedDate: '2025-06-06',
        },
      ],
    });
    const result = await summariseSettlement(text);
    expect(result.ok && result.value.groups[0]!.amount).toBe(18_000_000_000_000_000n);
    expect(result.ok && result.value.rowTotal).toBe(18_000_000_000_000_000n);
  });
});
