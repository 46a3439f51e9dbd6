// @vitest-environment node
/**
 * Settlement files as sellers really have them (test/fixtures/settlements/README.md says how
 * each fixture was made and from which evidence): the older V1 layout, files that went
 * through Excel, other encodings. Each is read exactly or refused with a message that names
 * line and column, what was found and what to do.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildInvoices, type InvoiceSet, properMarketplaceName } from '../../../lib/settlement/invoices.ts';
import { formatMinor } from '../../../lib/settlement/money.ts';
import { decodeSettlementBytes } from '../../../lib/settlement/parse.ts';
import { toReport } from '../../../lib/settlement/report.ts';
import { type SettlementSummary, summariseSettlement } from '../../../lib/settlement/summarise.ts';
import { chunkedStream, encodeFile, settlementText } from './settlement-file.ts';

const FIXTURES = join(import.meta.dirname, '../../fixtures/settlements');
const bytesOf = (name: string) => new Uint8Array(readFileSync(join(FIXTURES, name)));

async function read(name: string, chunk = 1 << 16) {
  return summariseSettlement(chunkedStream(bytesOf(name), [chunk]));
}

async function summary(name: string, chunk?: number): Promise<SettlementSummary> {
  const result = await read(name, chunk);
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

/** Every line of every invoice, as "key amount", in the settlement's own sign. */
function lines(set: InvoiceSet): string[] {
  return set.invoices.flatMap((invoice) =>
    invoice.lines.map((line) => {
      const amount = invoice.netTotal < 0n ? -line.amount : line.amount;
      return `${line.key} ${formatMinor(amount, invoice.currency)}`;
    }),
  );
}

const net = (set: InvoiceSet) => set.invoices.reduce((sum, invoice) => sum + invoice.netTotal, 0n);

describe('settlement files as sellers have them', () => {
  it('reads a V1 flat file into the keys V2 would give, and its invoice nets to its total', async () => {
    const v1 = await summary('ca-v1.tsv');
    expect(v1.header).toMatchObject({ settlementId: '4455667788', currency: 'CAD', depositTotal: 4016n });
    expect(v1.stats).toMatchObject({ format: 'V1', columnCount: 36, rows: 16 });
    const set = buildInvoices(v1);
    expect(set.isReconciled).toBe(true);
    expect(net(set)).toBe(4016n);
    expect(set.invoices[0]).toMatchObject({ type: 'ACCREC', contactName: 'Amazon.ca', total: 4016n });
    expect(lines(set)).toEqual([
      'Order/ItemPrice/Principal 74.99',
      'Order/ItemFees/Commission -11.25',
      'Order/ItemPrice/Shipping 11.98',
      'Order/ItemFees/FBAPerUnitFulfillmentFee -3.85',
      'Order/ItemPrice/Tax 3.90',
      'Order/Promotion/Shipping -5.99',
      'Refund/ItemPrice/Principal -29.99',
      'Refund/ItemFees/Commission 3.60',
      'Refund/ItemFees/RefundCommission -0.90',
      'Storage Fee/other-transaction/Storage Fee -12.34',
      'other-transaction/other-transaction/Subscription Fee -39.99',
      'Previous Reserve Amount Balance/other-transaction/Previous Reserve Amount Balance 100.00',
      'Current Reserve Amount/other-transaction/Current Reserve Amount -50.00',
    ]);
    // The same mapping applies: reserves go to the reserve account, nothing is unmapped.
    expect(v1.unmapped).toEqual([]);
    expect(set.invoices[0]!.lines.filter((l) => l.kind === 'reserve').map((l) => l.accountCode)).toEqual([
      '810',
      '810',
    ]);
    expect(toReport(v1, set).format).toBe('V1');
  });

  it('reads the V1 file the same in any chunking', async () => {
    const whole = lines(buildInvoices(await summary('ca-v1.tsv')));
    for (const chunk of [1, 7, 64])
      expect(lines(buildInvoices(await summary('ca-v1.tsv', chunk)))).toEqual(whole);
  });

  // The DE V2 file, changed the way real files and spreadsheets change it, gives exactly the
  // invoice the original gives.
  const original = async () => lines(buildInvoices(await summary('de.tsv')));

  it.each([
    [
      'an extra empty trailing field on the summary row',
      'de-trailing-tab.tsv',
      'more or fewer empty trailing',
    ],
    ['a German Excel CSV re-save (semicolons)', 'de-excel-semicolon.csv', 'separated by semicolons'],
    ['Excel day-first posted-dates without posted-date-time', 'de-excel-dates-no-time.tsv', 'read day-first'],
  ])('reads a DE file with %s exactly', async (_name, file, notice) => {
    const changed = await summary(file, 97);
    expect(lines(buildInvoices(changed))).toEqual(await original());
    expect(changed.header.depositTotal).toBe(140483n);
    expect(changed.stats.notices.join(' ')).toContain(notice);
  });

  const us = async () => lines(buildInvoices(await summary('us.tsv')));

  it.each([
    ['Excel\'s UTF-16LE "Unicode Text" with BOM', 'us-unicode-text.txt', 'UTF-16LE'],
    ['every field quoted, one with a doubled quote', 'us-quoted.txt', 'quoted fields'],
    ['CR-only line ends', 'us-cr-only.txt', 'carriage return only'],
    [
      'Excel month-first posted-dates next to posted-date-time',
      'us-excel-dates.tsv',
      'taken from posted-date-time',
    ],
  ])('reads a US file with %s exactly, in any chunking', async (_name, file, notice) => {
    for (const chunk of [1, 3, 4096]) {
      const changed = await summary(file, chunk);
      expect(lines(buildInvoices(changed))).toEqual(await us());
      expect(changed.stats.notices.join(' ')).toContain(notice);
    }
  });

  it('reads a comma CSV re-save, quoting the field that holds a comma', async () => {
    const csv = new TextDecoder()
      .decode(bytesOf('us.tsv'))
      .split('\n')
      .map((line) => line.split('\t').join(','))
      .join('\n')
      .replace(',Subscription Fee,', ',"Subscription, monthly",');
    const result = await summariseSettlement(csv);
    if (!result.ok) throw new Error(result.error.message);
    const got = lines(buildInvoices(result.value));
    expect(got).toContain('ServiceFee/other-transaction/Subscription, monthly -39.99');
    expect(got.filter((l) => !l.includes('Subscription'))).toEqual(
      (await us()).filter((l) => !l.includes('Subscription')),
    );
    expect(result.value.stats.notices.join(' ')).toContain('separated by commas');
  });

  it('reads a database export that writes settlement_id for settlement-id', async () => {
    const text = new TextDecoder().decode(bytesOf('us.tsv'));
    const [header, ...rest] = text.split('\n');
    const result = await summariseSettlement([header!.replaceAll('-', '_'), ...rest].join('\n'));
    expect(result.ok && lines(buildInvoices(result.value))).toEqual(await us());
  });

  it('keeps a doubled quote inside a quoted field as one quote', async () => {
    const seen: string[] = [];
    const { SettlementParser } = await import('../../../lib/settlement/parse.ts');
    const parser = new SettlementParser({
      summary: () => undefined,
      row: (row) => seen.push(row.field('sku')),
    });
    parser.push(bytesOf('us-quoted.txt'));
    expect(parser.finish().ok).toBe(true);
    expect(seen).toContain('MUG "BLUE" 12');
  });

  it('reads Windows-1252 text as such, so "Gebühr" keeps its ü', async () => {
    const de = await summary('de-windows-1252.tsv');
    expect(de.stats.encoding).toBe('Windows-1252');
    expect(de.unmapped.map((u) => u.key)).toEqual(['other-transaction/other-transaction/Gebühr']);
    expect(lines(buildInvoices(de))).toContain('other-transaction/other-transaction/Gebühr -8.47');
    expect(net(buildInvoices(de))).toBe(140483n);
  });

  it('refuses Windows-1252 text that was already decoded as UTF-8, saying a letter was lost', async () => {
    // What `File.text()` makes of the Windows-1252 file: U+FFFD where the ü was.
    const damaged = new TextDecoder('utf-8').decode(bytesOf('de-windows-1252.tsv'));
    const result = await summariseSettlement(damaged);
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'BAD_ENCODING', line: 16, column: 14, columnName: 'amount-description' },
    });
    expect(!result.ok && result.error.message).toMatch(
      /line 16, column 14 .*"Geb\ufffdhr".*wrong encoding.*original file/,
    );
  });

  it('refuses UTF-16 text that was already decoded as UTF-8, saying so', async () => {
    const damaged = new TextDecoder('utf-8').decode(bytesOf('us-unicode-text.txt'));
    const result = await summariseSettlement(damaged);
    expect(result).toMatchObject({ ok: false, error: { code: 'BAD_ENCODING', line: 1, column: 1 } });
    expect(!result.ok && result.error.message).toContain('UTF-16');
  });

  it('names the line and column of bytes that are not UTF-16 in a UTF-16 file, in any chunking', async () => {
    // us.tsv as UTF-16LE with a lone low surrogate (DC00) at the start of line 4's column 4.
    const lines = new TextDecoder().decode(bytesOf('us.tsv')).split('\n');
    const fields = lines[3]!.split('\t');
    fields[3] = `\udc00${fields[3]}`;
    lines[3] = fields.join('\t');
    const bytes = encodeFile(lines.join('\n'), 'utf-16le');
    for (const chunk of [1, 2, 3, 5, 4096]) {
      const result = await summariseSettlement(chunkedStream(bytes, [chunk]));
      expect(result, `chunks of ${chunk}`).toMatchObject({
        ok: false,
        error: { code: 'BAD_ENCODING', line: 4, column: 4 },
      });
      expect(!result.ok && result.error.message).toContain('has bytes here that are not UTF-16LE');
    }
  });

  it('refuses a file that mixes UTF-8 and Windows-1252, naming where', async () => {
    const text = settlementText({
      total: '3.00',
      rows: [
        {
          transactionType: 'Order',
          amountType: 'ItemFees',
          amountDescription: 'Gebühr',
          amount: '1.00',
          postedDate: '2025-06-06',
        },
        {
          transactionType: 'Order',
          amountType: 'ItemFees',
          amountDescription: 'Steuer?',
          amount: '2.00',
          postedDate: '2025-06-06',
        },
      ],
    });
    const bytes = encodeFile(text, 'utf-8');
    // Line 4's "?" becomes a lone Windows-1252 byte after line 3's proper UTF-8 "ü".
    bytes[bytes.lastIndexOf(63)] = 0xe4;
    const result = await summariseSettlement(new Blob([bytes]));
    expect(result).toMatchObject({ ok: false, error: { code: 'BAD_ENCODING', line: 4, column: 14 } });
    expect(!result.ok && result.error.message).toContain('mixes two encodings');
  });

  const decoded = (bytes: Uint8Array) => {
    const text = decodeSettlementBytes(bytes);
    if (!text.ok) throw new Error(text.error.message);
    return text.value;
  };

  it('decodes bytes to text by the same rules, for callers that must pass text on', async () => {
    const expected = await us();
    const bomless = bytesOf('us-unicode-text.txt').subarray(2);
    for (const bytes of [bytesOf('us-unicode-text.txt'), bomless, bytesOf('us.tsv')]) {
      const result = await summariseSettlement(decoded(bytes));
      expect(result.ok && lines(buildInvoices(result.value))).toEqual(expected);
    }
    const de = await summariseSettlement(decoded(bytesOf('de-windows-1252.tsv')));
    expect(de.ok && de.value.unmapped.map((u) => u.key)).toEqual([
      'other-transaction/other-transaction/Gebühr',
    ]);
  });

  it('refuses to decode a file mixing UTF-8 and Windows-1252, as the parser does, instead of garbling it', async () => {
    const text = settlementText({
      total: '3.00',
      rows: [
        {
          transactionType: 'Order',
          amountType: 'ItemFees',
          amountDescription: 'Gebühr',
          amount: '1.00',
          postedDate: '2025-06-06',
        },
        {
          transactionType: 'Order',
          amountType: 'ItemFees',
          amountDescription: 'Steuer?',
          amount: '2.00',
          postedDate: '2025-06-06',
        },
      ],
    });
    const bytes = encodeFile(text, 'utf-8');
    bytes[bytes.lastIndexOf(63)] = 0xe4;
    const result = decodeSettlementBytes(bytes);
    expect(result).toMatchObject({ ok: false, error: { code: 'BAD_ENCODING', line: 4, column: 14 } });
    expect(!result.ok && result.error.message).toContain('mixes two encodings');
  });

  it('refuses to decode UTF-16 with bytes that are not UTF-16, as the parser does', async () => {
    const good = bytesOf('us-unicode-text.txt');
    const bytes = new Uint8Array(good.length + 2);
    bytes.set(good);
    bytes.set([0x00, 0xdc], good.length); // a lone low surrogate
    const result = decodeSettlementBytes(bytes);
    expect(result).toMatchObject({ ok: false, error: { code: 'BAD_ENCODING', column: 1 } });
    expect(!result.ok && result.error.message).toContain('not UTF-16LE');
  });

  it('decodes a stray Windows-1252 byte in a field the engine does not keep as the parser reads it', async () => {
    // Kept text is UTF-8 ("Gebühr-Abo"); one sku carries a lone Windows-1252 byte.
    const text = new TextDecoder()
      .decode(bytesOf('us.tsv'))
      .replace('Subscription Fee', 'Gebühr-Abo')
      .replace('\tMUG-BLUE-12\t', '\tMUG-BLUE-12?\t');
    const bytes = encodeFile(text, 'utf-8');
    bytes[bytes.indexOf(63)] = 0xe4;
    const fromBytes = await summariseSettlement(new Blob([bytes]));
    const fromText = await summariseSettlement(decoded(bytes));
    const expected = (await us()).map((l) => l.replace('Subscription Fee', 'Gebühr-Abo'));
    expect(fromBytes.ok && lines(buildInvoices(fromBytes.value))).toEqual(expected);
    expect(fromText.ok && lines(buildInvoices(fromText.value))).toEqual(expected);
  });

  it('makes nothing to send of a zero settlement with no rows', async () => {
    const zero = await summary('zero.tsv');
    const set = buildInvoices(zero);
    expect(set).toMatchObject({ invoices: [], isNothingToSend: true, isReconciled: true, depositTotal: 0n });
    expect(toReport(zero, set)).toMatchObject({ isNothingToSend: true, invoices: [], rows: 0 });
  });

  it('still posts a summary-only settlement with a non-zero total, as a discrepancy', async () => {
    const text = new TextDecoder().decode(bytesOf('zero.tsv')).replace('\t0.00\t', '\t12.00\t');
    const result = await summariseSettlement(text);
    const set = result.ok ? buildInvoices(result.value) : undefined;
    expect(set?.isNothingToSend).toBe(false);
    expect(set && lines(set)).toEqual(['discrepancy 12.00']);
  });

  it("names the contact by the marketplace's proper name and keeps the file's spelling in the reference", async () => {
    const text = new TextDecoder().decode(bytesOf('us.tsv')).replaceAll('\tAmazon.com\t', '\tamazon.com\t');
    const result = await summariseSettlement(text);
    if (!result.ok) throw new Error(result.error.message);
    const [invoice] = buildInvoices(result.value).invoices;
    expect(invoice!.contactName).toBe('Amazon.com');
    expect(invoice!.reference).toBe(
      'Amazon.com settlement 18004731211 2025-06-05 to 2025-06-19 (marketplace "amazon.com" in the file)',
    );
  });
});

describe('contact names', () => {
  it.each([
    ['amazon.de', 'Amazon.de'],
    [' AMAZON.DE ', 'Amazon.de'],
    ['www.amazon.co.uk', 'Amazon.co.uk'],
    ['AMAZON.CO.JP', 'Amazon.co.jp'],
    ['amazon.com.mx', 'Amazon.com.mx'],
    ['Amazon.fr', 'Amazon.fr'],
    ['Non-Amazon', undefined],
    ['', undefined],
  ])('gives %j the proper name %j', (spelling, proper) => {
    expect(properMarketplaceName(spelling)).toBe(proper);
  });

  it("names a DE file's lower-case amazon.de contact Amazon.de and keeps the spelling in the reference", async () => {
    const text = new TextDecoder().decode(bytesOf('de.tsv')).replaceAll('\tAmazon.de\t', '\tamazon.de\t');
    const result = await summariseSettlement(text);
    if (!result.ok) throw new Error(result.error.message);
    const [invoice] = buildInvoices(result.value).invoices;
    expect(invoice!.contactName).toBe('Amazon.de');
    expect(invoice!.reference).toMatch(
      /^Amazon\.de settlement 9911223344 .*\(marketplace "amazon\.de" in the file\)$/,
    );
  });
});

describe('refusals say what is true, where, and what to do', () => {
  async function refusal(text: string | Uint8Array) {
    const result = await summariseSettlement(
      typeof text === 'string' ? text : new Blob([text as Uint8Array<ArrayBuffer>]),
    );
    if (result.ok) throw new Error('expected a refusal');
    return result.error;
  }

  it('refuses an ambiguous spreadsheet date without posted-date-time, naming the line', async () => {
    // Period 2025-06-01..06-30: 6/7 could be 7 June or 6 July, and no date shows the order.
    const error = await refusal(
      settlementText({
        start: '2025-06-01T00:00:00+00:00',
        end: '2025-07-10T00:00:00+00:00',
        deposit: '2025-07-12T00:00:00+00:00',
        total: '1.00',
        rows: [
          {
            transactionType: 'Order',
            amountType: 'ItemPrice',
            amountDescription: 'Principal',
            amount: '1.00',
            postedDate: '6/7/2025',
          },
        ],
      }),
    );
    expect(error).toMatchObject({ code: 'AMBIGUOUS_DATE', line: 3, column: 17, columnName: 'posted-date' });
    expect(error.message).toContain('could be 2025-06-07 (month first) or 2025-07-06 (day first)');
  });

  it('settles an ambiguous spreadsheet date by the one reading inside the settlement period', async () => {
    const result = await summariseSettlement(
      settlementText({
        total: '1.00',
        rows: [
          {
            transactionType: 'Order',
            amountType: 'ItemPrice',
            amountDescription: 'Principal',
            amount: '1.00',
            postedDate: '6/7/2025',
          },
        ],
      }),
    );
    expect(result.ok && result.value.groups[0]!.firstMonth.rows).toBe(1);
    expect(result.ok && result.value.stats.notices.join(' ')).toContain('read month-first');
  });

  it.each([
    [
      'an XML settlement report',
      '<?xml version="1.0" encoding="UTF-8"?>\n<AmazonEnvelope>',
      'XML settlement report',
    ],
    [
      'a Date Range Report',
      '"Includes Amazon Marketplace, Fulfillment by Amazon (FBA), and Amazon Webstore transactions"\n',
      'Date Range',
    ],
    ['an Excel workbook', 'PK\u0003\u0004\u0014\u0000\u0006\u0000', 'Excel workbook'],
    ['a web page', '<!DOCTYPE html>\n<html><body>Sign in</body></html>\n', 'web page'],
  ])('refuses %s as what it is, pointing at Flat File V2', async (_name, text, what) => {
    const error = await refusal(text);
    expect(error).toMatchObject({ code: 'NOT_SETTLEMENT_FILE', line: 1, column: 1 });
    expect(error.message).toContain(what);
    expect(error.message).toContain('download "Flat File V2"');
  });

  it('says a header with settlement-id but no amount columns has settlement-id, and lists what it has', async () => {
    const error = await refusal('settlement-id\tdeposit-date\ttotal\n1\t2025-01-01\t3\n');
    expect(error).toMatchObject({ code: 'NOT_SETTLEMENT_FILE', line: 1, column: 1 });
    expect(error.message).toContain('it names settlement-id but none of the amount columns');
    expect(error.message).toContain('"total"');
    expect(error.message).not.toContain('no settlement-id');
  });

  it('says the summary row is at line 2 in a CR-only file that is short of it, not that it is missing', async () => {
    const text = settlementText({ total: '1.00', rows: [], lineEnd: '\r' }).replace('\t1.00\t', '\t\t');
    const error = await refusal(text);
    expect(error).toMatchObject({ code: 'SUMMARY_MISSING', line: 2, column: 5, columnName: 'total-amount' });
    expect(error.message).toContain('column 5 (total-amount): is blank; the summary row');
  });

  it('says a blank amount is blank rather than quoting an empty ""', async () => {
    const row = {
      transactionType: 'Order',
      amountType: 'ItemPrice',
      amountDescription: 'Principal',
      amount: '',
      postedDate: '2025-06-06',
    };
    const error = await refusal(settlementText({ total: '1.00', rows: [row] }));
    expect(error).toMatchObject({ code: 'BAD_AMOUNT', line: 3, column: 15, columnName: 'amount' });
    expect(error.message).toContain('column 15 (amount): is blank, so it is not an amount');
    expect(error.message).not.toContain('""');
  });

  it('refuses a quote that does not close, naming line and column', async () => {
    const text = settlementText({
      total: '1.00',
      rows: [
        {
          transactionType: 'Order',
          amountType: 'ItemPrice',
          amountDescription: '"Principal',
          amount: '1.00',
          postedDate: '2025-06-06',
        },
      ],
    });
    const error = await refusal(text);
    expect(error).toMatchObject({ code: 'UNCLOSED_QUOTE', line: 3, column: 14 });
  });

  it('says which field is missing when a row stops short', async () => {
    const text = settlementText({
      total: '1.00',
      rows: [
        {
          transactionType: 'Order',
          amountType: 'ItemPrice',
          amountDescription: 'Principal',
          amount: '1.00',
          postedDate: '2025-06-06',
        },
      ],
    });
    const cut = text
      .split('\n')
      .map((l, i) => (i === 2 ? l.split('\t').slice(0, 14).join('\t') : l))
      .join('\n');
    const error = await refusal(cut);
    expect(error).toMatchObject({ code: 'BAD_AMOUNT', line: 3, column: 15, columnName: 'amount' });
    expect(error.message).toContain('is missing (the row ends after column 14)');
  });

  it('says a total a spreadsheet gave a thousands separator has one, not too many decimal digits', async () => {
    const text = new TextDecoder().decode(bytesOf('de.tsv')).replace('\t1404,83\t', '\t1.404,83\t');
    const error = await refusal(text);
    expect(error).toMatchObject({ code: 'BAD_AMOUNT', line: 2, column: 5, columnName: 'total-amount' });
    expect(error.message).toContain('"1.404,83" is not an amount: it has two separators');
    expect(error.message).not.toContain('decimal digits');
  });

  it('gives every refusal a line, a column and something to do', async () => {
    const samples = [
      '',
      'hello\n',
      settlementText({ total: 'x', rows: [] }),
      settlementText({ total: '1.00', currency: 'XYZ', rows: [] }),
      settlementText({ total: '1.00', start: '31/31/2025', rows: [] }),
    ];
    for (const sample of samples) {
      const error = await refusal(sample);
      expect(error.line).toBeGreaterThan(0);
      expect(error.column).toBeGreaterThan(0);
      expect(error.message).toMatch(/[:;] (correct|download|check|write|import|open|save|remove|try)/);
    }
  });
});
