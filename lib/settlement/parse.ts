/**
 * Streaming reader for Amazon's settlement report, flat file V2 (DOMAIN.md §2): one header
 * line, one summary row, then detail rows, tab-separated. It never holds more than one chunk
 * plus one partial line, so memory stays flat however large the settlement; rows go to a
 * sink as they are read. Pure TypeScript (TextDecoder and Web Streams only), so the same code
 * runs in the extension and in Node.
 *
 * Speed matters (big sellers have hundreds of thousands of rows), so the hot loop works on
 * offsets into the decoded chunk: no per-line slice, no split(), no regex, amounts and dates
 * read from char codes, and one reused row view instead of an object per row.
 */

import { type DateOrder, DateReader, isoDate } from './dates.ts';
import { fail, ok, type Result, type SettlementError } from './errors.ts';
import { minorDigits } from './money.ts';
import { AmountReader, type DecimalMark } from './numbers.ts';

/** The 23 columns Amazon documents, in its order. Real files add `promotion-id`. */
export const V2_COLUMNS = [
  'settlement-id',
  'settlement-start-date',
  'settlement-end-date',
  'deposit-date',
  'total-amount',
  'currency',
  'transaction-type',
  'order-id',
  'merchant-order-id',
  'adjustment-id',
  'shipment-id',
  'marketplace-name',
  'amount-type',
  'amount-description',
  'amount',
  'fulfillment-id',
  'posted-date',
  'posted-date-time',
  'order-item-code',
  'merchant-order-item-id',
  'merchant-adjustment-item-id',
  'sku',
  'quantity-purchased',
] as const;
export const V2_OPTIONAL_COLUMNS = ['promotion-id'] as const;

export type V2Column = (typeof V2_COLUMNS)[number] | (typeof V2_OPTIONAL_COLUMNS)[number];

/** Longest line accepted: real rows are a few hundred characters; this bounds memory on junk. */
export const MAX_LINE_LENGTH = 64 * 1024;
const MAX_COLUMNS = 256;

/** What the summary row says about the settlement. */
export interface SettlementHeader {
  settlementId: string;
  /** "YYYY-MM-DD" as written in the file. */
  periodStart: string;
  periodEnd: string;
  depositDate: string;
  /** The deposit (summary row total-amount) in minor units. */
  depositTotal: bigint;
  currency: string;
  /** Number of columns in the header: 23, 24, or more if Amazon adds some. */
  columnCount: number;
  /** Packed yyyymmdd of periodStart, for month arithmetic without re-parsing. */
  periodStartPacked: number;
  /** Line number of the summary row. */
  line: number;
}

/**
 * One detail row, as a view over the text being parsed. The parser reuses a single instance,
 * so a sink must copy what it wants to keep before returning.
 */
export interface SettlementRow {
  readonly line: number;
  /** Amount in minor units; always a safe integer. */
  readonly amountMinor: number;
  /** Posted date packed as yyyymmdd. */
  readonly postedDate: number;
  /**
   * A small integer (0, 1, 2, … in order of first appearance) equal for rows with the same
   * transaction-type, marketplace-name, amount-type and amount-description. Lets a
   * summariser index an array instead of building a string key per row.
   */
  readonly groupId: number;
  readonly transactionType: string;
  readonly amountType: string;
  readonly amountDescription: string;
  readonly marketplaceName: string;
  field(column: V2Column): string;
}

export interface SettlementSink {
  summary(header: SettlementHeader): void;
  row(row: SettlementRow): void;
}

export interface ParseStats {
  /** Detail rows read (the summary row is not counted). */
  rows: number;
  /** Physical lines read, including the header and blank lines. */
  lines: number;
  decimalMark: DecimalMark | undefined;
  dateOrder: DateOrder | undefined;
  columnCount: number;
}

type Columns = Record<V2Column, number>;

/** Column indexes of transaction-type, marketplace-name, amount-type, amount-description. */
type KeyColumns = [number, number, number, number];

/**
 * Gives each distinct group key a dense id without allocating per row: hash the four fields'
 * characters in place (FNV-1a), then confirm against the stored strings so a hash collision
 * can never merge two keys. Building a string key per row and looking it up in a Map was
 * the largest cost in the profile.
 */
class KeyInterner {
  private readonly heads = new Map<number, number>();
  private readonly next: number[] = [];
  private readonly fields: string[][] = [];

  intern(text: string, starts: Int32Array, ends: Int32Array, columns: KeyColumns): number {
    let hash = 0x811c9dc5;
    for (let f = 0; f < 4; f++) {
      const column = columns[f]!;
      const end = ends[column]!;
      for (let i = starts[column]!; i < end; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 16777619);
      hash = Math.imul(hash ^ 9, 16777619);
    }
    const head = this.heads.get(hash);
    for (let id = head ?? -1; id >= 0; id = this.next[id]!) {
      if (this.isSame(this.fields[id]!, text, starts, ends, columns)) return id;
    }
    const id = this.fields.length;
    this.fields.push(columns.map((column) => text.slice(starts[column], ends[column])));
    this.next.push(head ?? -1);
    this.heads.set(hash, id);
    return id;
  }

  private isSame(fields: string[], text: string, starts: Int32Array, ends: Int32Array, columns: KeyColumns) {
    for (let f = 0; f < 4; f++) {
      const column = columns[f]!;
      const start = starts[column]!;
      const stored = fields[f]!;
      if (ends[column]! - start !== stored.length || !text.startsWith(stored, start)) return false;
    }
    return true;
  }
}

class RowView implements SettlementRow {
  text = '';
  line = 0;
  amountMinor = 0;
  postedDate = 0;
  groupId = 0;

  constructor(
    private readonly starts: Int32Array,
    private readonly ends: Int32Array,
    private readonly columns: Columns,
  ) {}

  private get(index: number): string {
    return index < 0 ? '' : this.text.slice(this.starts[index], this.ends[index]);
  }
  get transactionType(): string {
    return this.get(this.columns['transaction-type']);
  }
  get amountType(): string {
    return this.get(this.columns['amount-type']);
  }
  get amountDescription(): string {
    return this.get(this.columns['amount-description']);
  }
  get marketplaceName(): string {
    return this.get(this.columns['marketplace-name']);
  }
  field(column: V2Column): string {
    return this.get(this.columns[column]);
  }
}

/**
 * Push-style parser: feed decoded text in any chunking, then call `finish`. Stops at the
 * first error; after an error every call returns that same error.
 */
export class SettlementParser {
  private carryParts: string[] = [];
  private carryLength = 0;
  private lineNo = 0;
  private rows = 0;
  private columns: Columns | undefined;
  private columnCount = 0;
  private header: SettlementHeader | undefined;
  private readonly starts = new Int32Array(MAX_COLUMNS + 1);
  private readonly ends = new Int32Array(MAX_COLUMNS + 1);
  private view: RowView | undefined;
  private amounts: AmountReader | undefined;
  private readonly dates = new DateReader();
  private error: SettlementError | undefined;
  private isFirstText = true;
  private readonly keys = new KeyInterner();
  private keyColumns: KeyColumns | undefined;

  constructor(private readonly sink: SettlementSink) {}

  /** Feeds decoded text. Returns the error that stopped parsing, if any. */
  push(chunk: string): SettlementError | undefined {
    if (this.error) return this.error;
    let text = chunk;
    if (this.isFirstText && text.length > 0) {
      this.isFirstText = false;
      // A BOM left in by callers that did not decode with TextDecoder.
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (text.indexOf('\n') < 0) {
      // No line ends here: park the chunk without concatenating, so a long line fed in tiny
      // chunks (or random bytes) costs linear time, and give up once it is over-long.
      this.carryParts.push(text);
      this.carryLength += text.length;
      if (this.carryLength > MAX_LINE_LENGTH + 1) {
        this.lineNo++;
        return this.stop(this.lineTooLong());
      }
      return undefined;
    }
    if (this.carryLength > 0) {
      this.carryParts.push(text);
      text = this.carryParts.join('');
    }
    this.carryParts = [];
    this.carryLength = 0;
    // One pass over the characters finds both line ends and tabs: cheaper than an
    // indexOf call per field, which dominated the profile at 24 fields a row.
    const starts = this.starts;
    const ends = this.ends;
    const length = text.length;
    let pos = 0;
    let fieldStart = 0;
    let count = 0;
    for (let i = 0; i < length; i++) {
      const c = text.charCodeAt(i);
      if (c === 9) {
        if (count < MAX_COLUMNS) {
          starts[count] = fieldStart;
          ends[count] = i;
        }
        count++;
        fieldStart = i + 1;
      } else if (c === 10) {
        let end = i;
        if (end > pos && text.charCodeAt(end - 1) === 13) end--;
        if (count < MAX_COLUMNS) {
          starts[count] = fieldStart;
          ends[count] = end < fieldStart ? fieldStart : end;
        }
        count++;
        this.lineNo++;
        if (end - pos > MAX_LINE_LENGTH) return this.stop(this.lineTooLong());
        const error = this.line(text, pos, end, count);
        if (error) return this.stop(error);
        pos = i + 1;
        fieldStart = pos;
        count = 0;
      }
    }
    if (pos < length) {
      const rest = text.slice(pos);
      this.carryParts.push(rest);
      this.carryLength = rest.length;
      if (rest.length > MAX_LINE_LENGTH + 1) {
        this.lineNo++;
        return this.stop(this.lineTooLong());
      }
    }
    return undefined;
  }

  /** Ends the input: reads a last line without a newline and checks the file was complete. */
  finish(): Result<ParseStats> {
    if (this.error) return { ok: false, error: this.error };
    if (this.carryLength > 0) {
      const text = this.carryParts.join('');
      this.carryParts = [];
      this.carryLength = 0;
      let end = text.length;
      if (text.charCodeAt(end - 1) === 13) end--;
      this.lineNo++;
      const error = this.line(text, 0, end, this.split(text, 0, end));
      if (error) return { ok: false, error: this.stop(error) };
    }
    if (!this.columns) {
      return fail('NOT_SETTLEMENT_FILE', 'the file is empty, so it is not an Amazon settlement report');
    }
    if (!this.header) {
      return fail(
        'SUMMARY_MISSING',
        'the file ends after the header: the summary row (settlement-id, dates, total-amount, currency) is missing',
        { line: this.lineNo + 1 },
      );
    }
    return ok({
      rows: this.rows,
      lines: this.lineNo,
      decimalMark: this.amounts?.mark,
      dateOrder: this.dates.order,
      columnCount: this.columnCount,
    });
  }

  private stop(error: SettlementError): SettlementError {
    this.error = error;
    this.carryParts = [];
    this.carryLength = 0;
    return error;
  }

  private lineTooLong(): SettlementError {
    return fail(
      'LINE_TOO_LONG',
      this.columns
        ? `the line is longer than ${MAX_LINE_LENGTH} characters; a settlement row is a few hundred`
        : 'no header line found: this does not look like an Amazon settlement report (flat file V2)',
      { line: this.lineNo },
    ).error;
  }

  /** Splits `text[start, end)` on tabs into starts/ends; returns the field count. */
  private split(text: string, start: number, end: number): number {
    const starts = this.starts;
    const ends = this.ends;
    let count = 0;
    let s = start;
    for (;;) {
      const tab = text.indexOf('\t', s);
      if (tab < 0 || tab >= end) {
        starts[count] = s;
        ends[count] = end;
        return count + 1;
      }
      starts[count] = s;
      ends[count] = tab;
      count++;
      s = tab + 1;
      if (count > MAX_COLUMNS) return count;
    }
  }

  /** One line, already split: `count` fields in starts/ends. */
  private line(text: string, start: number, end: number, count: number): SettlementError | undefined {
    if (!this.columns) return this.headerLine(text, start, end, count);
    if (start === end) return undefined; // Blank lines carry nothing; trailing ones are common.
    if (count !== this.columnCount) {
      return fail(
        'RAGGED_ROW',
        `expected ${this.columnCount} tab-separated columns as in the header, found ${count > MAX_COLUMNS ? `more than ${MAX_COLUMNS}` : count}`,
        { line: this.lineNo },
      ).error;
    }
    return this.header ? this.detailRow(text) : this.summaryRow(text);
  }

  private headerLine(text: string, start: number, end: number, count: number): SettlementError | undefined {
    if (start === end && this.lineNo === 1) {
      return fail('NOT_SETTLEMENT_FILE', 'the first line is empty; a settlement report starts with its header', {
        line: 1,
      }).error;
    }
    const names: string[] = [];
    for (let i = 0; i < Math.min(count, MAX_COLUMNS); i++) {
      names.push(text.slice(this.starts[i], this.ends[i]).trim().toLowerCase());
    }
    if (!names.includes('settlement-id') || !names.includes('amount')) {
      return fail(
        'NOT_SETTLEMENT_FILE',
        'the header has no settlement-id and amount columns: this is not an Amazon settlement report (flat file V2)',
        { line: this.lineNo },
      ).error;
    }
    if (count > MAX_COLUMNS) {
      return fail('RAGGED_ROW', `the header has more than ${MAX_COLUMNS} columns`, { line: this.lineNo }).error;
    }
    const columns = {} as Columns;
    for (const name of [...V2_COLUMNS, ...V2_OPTIONAL_COLUMNS]) {
      const index = names.indexOf(name);
      if (index >= 0 && names.indexOf(name, index + 1) >= 0) {
        return fail('DUPLICATE_COLUMN', `the header names column "${name}" twice`, {
          line: this.lineNo,
          column: names.indexOf(name, index + 1) + 1,
          columnName: name,
        }).error;
      }
      columns[name] = index;
    }
    const missing = V2_COLUMNS.filter((name) => columns[name] < 0);
    if (missing.length > 0) {
      return fail(
        'MISSING_COLUMN',
        `the header lacks the column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')}`,
        { line: this.lineNo, columnName: missing[0] },
      ).error;
    }
    this.columns = columns;
    this.columnCount = count;
    this.view = new RowView(this.starts, this.ends, columns);
    this.keyColumns = [
      columns['transaction-type'],
      columns['marketplace-name'],
      columns['amount-type'],
      columns['amount-description'],
    ];
    return undefined;
  }

  private fieldError(
    code: SettlementError['code'],
    column: V2Column,
    detail: string,
    text: string,
  ): SettlementError {
    const index = this.columns?.[column] ?? -1;
    const raw = index >= 0 ? text.slice(this.starts[index], this.ends[index]) : '';
    const shown = raw.length > 40 ? `${raw.slice(0, 40)}…` : raw;
    return fail(code, `"${shown}" ${detail}`, {
      line: this.lineNo,
      column: index + 1,
      columnName: column,
    }).error;
  }

  private isBlank(column: V2Column): boolean {
    const index = this.columns![column];
    return this.starts[index] === this.ends[index];
  }

  private summaryRow(text: string): SettlementError | undefined {
    const columns = this.columns!;
    const value = (column: V2Column) => text.slice(this.starts[columns[column]], this.ends[columns[column]]).trim();
    if (!this.isBlank('transaction-type') || value('settlement-id') === '' || value('total-amount') === '') {
      return fail(
        'SUMMARY_MISSING',
        'expected the summary row here (settlement-id, dates, total-amount and currency filled, transaction-type blank)',
        { line: this.lineNo },
      ).error;
    }
    for (const column of ['settlement-start-date', 'settlement-end-date', 'deposit-date', 'currency'] as const) {
      if (value(column) === '') {
        return this.fieldError('SUMMARY_MISSING', column, 'is blank; the summary row must fill it', text);
      }
    }
    const currency = value('currency').toUpperCase();
    const digits = minorDigits(currency);
    if (digits === undefined) {
      return this.fieldError('UNKNOWN_CURRENCY', 'currency', 'is not a currency this engine knows', text);
    }
    this.amounts = new AmountReader(digits);
    const dates: number[] = [];
    for (const column of ['settlement-start-date', 'settlement-end-date', 'deposit-date'] as const) {
      const index = columns[column];
      const packed = this.dates.read(text, this.starts[index]!, this.ends[index]!);
      if (packed < 0) return this.fieldError('BAD_DATE', column, `is not a date: ${this.dates.error}`, text);
      dates.push(packed);
    }
    const totalIndex = columns['total-amount'];
    const total = this.amounts.read(text, this.starts[totalIndex]!, this.ends[totalIndex]!);
    if (Number.isNaN(total)) {
      return this.fieldError('BAD_AMOUNT', 'total-amount', `is not an amount: ${this.amounts.error}`, text);
    }
    const [start, end, deposit] = dates as [number, number, number];
    this.header = {
      settlementId: value('settlement-id'),
      periodStart: isoDate(start),
      periodEnd: isoDate(end),
      depositDate: isoDate(deposit),
      depositTotal: BigInt(total),
      currency,
      columnCount: this.columnCount,
      periodStartPacked: start,
      line: this.lineNo,
    };
    this.sink.summary(this.header);
    return undefined;
  }

  private detailRow(text: string): SettlementError | undefined {
    const columns = this.columns!;
    const starts = this.starts;
    const ends = this.ends;
    const header = this.header!;

    // Detail rows may repeat the settlement id (real files do) but must not name another
    // settlement, currency or total: that would be two settlements glued together.
    const idIndex = columns['settlement-id'];
    const idLength = ends[idIndex]! - starts[idIndex]!;
    if (
      idLength !== 0 &&
      (idLength !== header.settlementId.length || !text.startsWith(header.settlementId, starts[idIndex]))
    ) {
      return this.fieldError(
        'SETTLEMENT_ID_MISMATCH',
        'settlement-id',
        `differs from the summary row's settlement ${header.settlementId}`,
        text,
      );
    }
    if (!this.isBlank('total-amount')) {
      return this.fieldError(
        'UNEXPECTED_SUMMARY_ROW',
        'total-amount',
        'is filled on a detail row: a second summary row means two settlements in one file',
        text,
      );
    }
    const currencyIndex = columns.currency;
    if (starts[currencyIndex] !== ends[currencyIndex]) {
      const currency = text.slice(starts[currencyIndex], ends[currencyIndex]).trim().toUpperCase();
      if (currency !== header.currency) {
        return this.fieldError(
          'CURRENCY_MISMATCH',
          'currency',
          `differs from the settlement currency ${header.currency}`,
          text,
        );
      }
    }

    const amountIndex = columns.amount;
    const amounts = this.amounts!;
    const amount = amounts.read(text, starts[amountIndex]!, ends[amountIndex]!);
    if (Number.isNaN(amount)) {
      return this.fieldError('BAD_AMOUNT', 'amount', `is not an amount: ${amounts.error}`, text);
    }

    const postedIndex = columns['posted-date'];
    const postedTimeIndex = columns['posted-date-time'];
    const dates = this.dates;
    let posted: number;
    if (starts[postedIndex] !== ends[postedIndex]) {
      posted = dates.read(text, starts[postedIndex]!, ends[postedIndex]!);
      if (posted < 0) return this.fieldError('BAD_DATE', 'posted-date', `is not a date: ${dates.error}`, text);
      if (starts[postedTimeIndex] !== ends[postedTimeIndex]) {
        const postedTime = dates.read(text, starts[postedTimeIndex]!, ends[postedTimeIndex]!);
        if (postedTime < 0) {
          return this.fieldError('BAD_DATE', 'posted-date-time', `is not a date: ${dates.error}`, text);
        }
      }
    } else {
      // Fall back to posted-date-time so a row is never dropped for a blank posted-date.
      if (starts[postedTimeIndex] === ends[postedTimeIndex]) {
        return this.fieldError('BAD_DATE', 'posted-date', 'is blank, and so is posted-date-time', text);
      }
      posted = dates.read(text, starts[postedTimeIndex]!, ends[postedTimeIndex]!);
      if (posted < 0) {
        return this.fieldError('BAD_DATE', 'posted-date-time', `is not a date: ${dates.error}`, text);
      }
    }

    const view = this.view!;
    view.groupId = this.keys.intern(text, starts, ends, this.keyColumns!);
    view.text = text;
    view.line = this.lineNo;
    view.amountMinor = amount;
    view.postedDate = posted;
    this.rows++;
    this.sink.row(view);
    return undefined;
  }
}

/** Parses a settlement from a byte stream (a fetch body, `Blob.stream()`, a Node file). */
export async function parseSettlementStream(
  stream: ReadableStream<Uint8Array>,
  sink: SettlementSink,
): Promise<Result<ParseStats>> {
  const parser = new SettlementParser(sink);
  // Non-fatal decoding: invalid UTF-8 becomes U+FFFD and then fails the header or a field
  // check with a line number, instead of an opaque decoder exception.
  const decoder = new TextDecoder('utf-8');
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const error = parser.push(decoder.decode(value, { stream: true }));
      if (error) {
        await reader.cancel().catch(() => undefined);
        return { ok: false, error };
      }
    }
  } catch (cause) {
    return fail('READ_FAILED', `the file could not be read: ${cause instanceof Error ? cause.message : String(cause)}`);
  } finally {
    reader.releaseLock();
  }
  const error = parser.push(decoder.decode());
  if (error) return { ok: false, error };
  return parser.finish();
}

/** Parses a settlement already in memory as text. */
export function parseSettlementText(text: string, sink: SettlementSink): Result<ParseStats> {
  const parser = new SettlementParser(sink);
  const error = parser.push(text);
  if (error) return { ok: false, error };
  return parser.finish();
}

/** Parses a settlement from a Blob or File (e.g. a download or an `<input type=file>`). */
export function parseSettlementBlob(blob: Blob, sink: SettlementSink): Promise<Result<ParseStats>> {
  return parseSettlementStream(blob.stream() as ReadableStream<Uint8Array>, sink);
}
