/**
 * Streaming reader for Amazon's settlement report, flat file V2 (DOMAIN.md §2): one header
 * line, one summary row, then detail rows, tab-separated. It never holds more than one chunk
 * plus one partial line, so memory stays flat however large the settlement; rows go to a
 * sink as they are read. Pure TypeScript (TextDecoder and Web Streams only), so the same code
 * runs in the extension and in Node.
 *
 * Speed matters (big sellers have hundreds of thousands of rows), so the hot loop works on the
 * UTF-8 bytes themselves: tab (0x09) and line feed (0x0A) never occur inside a multi-byte
 * UTF-8 sequence, so lines and fields can be found without decoding, and amounts and dates
 * are read digit by digit from bytes. Only text that is kept (a new group's key, the summary
 * row, an error message) goes through TextDecoder. Decoding every byte first cost as much as
 * the whole parse did; measured with scripts/bench-settlement.ts.
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

const TAB = 9;
const LF = 10;
const CR = 13;

// Non-fatal: invalid UTF-8 becomes U+FFFD and then fails a header or field check with a line
// number, rather than throwing from the decoder.
const decoder = new TextDecoder('utf-8');
const encoder = new TextEncoder();

function decode(bytes: Uint8Array, start: number, end: number): string {
  return decoder.decode(bytes.subarray(start, end));
}

function isSameBytes(stored: Uint8Array, bytes: Uint8Array, start: number, end: number): boolean {
  if (end - start !== stored.length) return false;
  for (let i = 0; i < stored.length; i++) if (stored[i] !== bytes[start + i]) return false;
  return true;
}

/**
 * Gives each distinct group key a dense id without allocating per row: hash the four fields'
 * bytes in place (FNV-1a style), then confirm against the stored bytes so a hash collision
 * can never merge two keys. Building a string key per row for a Map lookup was the largest cost
 * in the profile before this.
 */
class KeyInterner {
  private readonly heads = new Map<number, number>();
  private readonly next: number[] = [];
  private readonly stored: Uint8Array[][] = [];

  intern(bytes: Uint8Array, starts: Int32Array, ends: Int32Array, columns: KeyColumns): number {
    // Hash each field's length and a few of its bytes, not all of them: the comparison below
    // reads every byte anyway, and keys that share length and ends just share a bucket.
    let hash = 0x811c9dc5;
    for (let f = 0; f < 4; f++) {
      const column = columns[f]!;
      const start = starts[column]!;
      const end = ends[column]!;
      const length = end - start;
      hash = Math.imul(hash ^ length, 16777619);
      if (length > 0) {
        hash = Math.imul(hash ^ bytes[start]!, 16777619);
        hash = Math.imul(hash ^ bytes[end - 1]!, 16777619);
        hash = Math.imul(hash ^ bytes[start + (length >> 1)]!, 16777619);
        hash = Math.imul(hash ^ bytes[start + (length >> 2)]!, 16777619);
      }
    }
    const head = this.heads.get(hash);
    for (let id = head ?? -1; id >= 0; id = this.next[id]!) {
      const fields = this.stored[id]!;
      if (
        isSameBytes(fields[0]!, bytes, starts[columns[0]]!, ends[columns[0]]!) &&
        isSameBytes(fields[1]!, bytes, starts[columns[1]]!, ends[columns[1]]!) &&
        isSameBytes(fields[2]!, bytes, starts[columns[2]]!, ends[columns[2]]!) &&
        isSameBytes(fields[3]!, bytes, starts[columns[3]]!, ends[columns[3]]!)
      ) {
        return id;
      }
    }
    const id = this.stored.length;
    this.stored.push(columns.map((column) => bytes.slice(starts[column], ends[column])));
    this.next.push(head ?? -1);
    this.heads.set(hash, id);
    return id;
  }
}

class RowView implements SettlementRow {
  bytes: Uint8Array = new Uint8Array(0);
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
    return index < 0 ? '' : decode(this.bytes, this.starts[index]!, this.ends[index]!);
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
 * Push-style parser: feed bytes in any chunking, then call `finish`. Stops at the first
 * error; after an error every call returns that same error.
 */
export class SettlementParser {
  /** The unfinished last line of the previous chunk (at most MAX_LINE_LENGTH bytes). */
  private carry = new Uint8Array(0);
  private carryLength = 0;
  private lineNo = 0;
  private rows = 0;
  private columns: Columns | undefined;
  private keyColumns: KeyColumns | undefined;
  private columnCount = 0;
  private header: SettlementHeader | undefined;
  private settlementIdBytes = new Uint8Array(0);
  private currencyBytes = new Uint8Array(0);
  private readonly starts = new Int32Array(MAX_COLUMNS + 2);
  private readonly ends = new Int32Array(MAX_COLUMNS + 2);
  private view: RowView | undefined;
  private amounts: AmountReader | undefined;
  private readonly dates = new DateReader();
  private readonly keys = new KeyInterner();
  private error: SettlementError | undefined;

  constructor(private readonly sink: SettlementSink) {}

  /** Feeds the next bytes of the file. Returns the error that stopped parsing, if any. */
  push(chunk: Uint8Array): SettlementError | undefined {
    if (this.error) return this.error;
    let from = 0;
    if (this.carryLength > 0) {
      // Finish the line begun in an earlier chunk in the carry buffer, then go on in place.
      const newline = chunk.indexOf(LF);
      const take = newline < 0 ? chunk.length : newline;
      if (!this.appendCarry(chunk, 0, take)) return this.stop(this.lineTooLong(1));
      if (newline < 0) return undefined;
      const error = this.lineAt(this.carry, 0, this.carryLength);
      this.carryLength = 0;
      if (error) return this.stop(error);
      from = newline + 1;
    }
    // One pass over the bytes finds both line ends and tabs: cheaper than an indexOf call
    // per field, at 24 fields a row.
    const starts = this.starts;
    const ends = this.ends;
    const length = chunk.length;
    let pos = from;
    let fieldStart = from;
    let count = 0;
    for (let i = from; i < length; i++) {
      const c = chunk[i]!;
      if (c === TAB) {
        if (count <= MAX_COLUMNS) {
          starts[count] = fieldStart;
          ends[count] = i;
        }
        count++;
        fieldStart = i + 1;
      } else if (c === LF) {
        let end = i;
        if (end > pos && chunk[end - 1] === CR) end--;
        if (count <= MAX_COLUMNS) {
          starts[count] = fieldStart;
          ends[count] = end;
        }
        count++;
        this.lineNo++;
        if (end - pos > MAX_LINE_LENGTH) return this.stop(this.lineTooLong(0));
        const error = this.line(chunk, pos, end, count);
        if (error) return this.stop(error);
        pos = i + 1;
        fieldStart = pos;
        count = 0;
      }
    }
    if (pos < length && !this.appendCarry(chunk, pos, length)) return this.stop(this.lineTooLong(1));
    return undefined;
  }

  /** Ends the input: reads a last line without a line feed and checks the file was complete. */
  finish(): Result<ParseStats> {
    if (this.error) return { ok: false, error: this.error };
    if (this.carryLength > 0) {
      const error = this.lineAt(this.carry, 0, this.carryLength);
      this.carryLength = 0;
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

  private appendCarry(bytes: Uint8Array, start: number, end: number): boolean {
    const needed = this.carryLength + (end - start);
    // +1 leaves room for the CR of a maximum-length CRLF line.
    if (needed > MAX_LINE_LENGTH + 1) return false;
    if (needed > this.carry.length) {
      const grown = new Uint8Array(
        Math.min(MAX_LINE_LENGTH + 1, Math.max(needed, this.carry.length * 2, 1024)),
      );
      grown.set(this.carry.subarray(0, this.carryLength));
      this.carry = grown;
    }
    this.carry.set(bytes.subarray(start, end), this.carryLength);
    this.carryLength = needed;
    return true;
  }

  /** A whole line held outside the chunk loop (carried over, or the last one): split it here. */
  private lineAt(bytes: Uint8Array, start: number, lineEnd: number): SettlementError | undefined {
    let end = lineEnd;
    if (end > start && bytes[end - 1] === CR) end--;
    this.lineNo++;
    let count = 0;
    let fieldStart = start;
    for (let i = start; i < end; i++) {
      if (bytes[i] === TAB) {
        if (count <= MAX_COLUMNS) {
          this.starts[count] = fieldStart;
          this.ends[count] = i;
        }
        count++;
        fieldStart = i + 1;
      }
    }
    if (count <= MAX_COLUMNS) {
      this.starts[count] = fieldStart;
      this.ends[count] = end;
    }
    return this.line(bytes, start, end, count + 1);
  }

  private stop(error: SettlementError): SettlementError {
    this.error = error;
    this.carry = new Uint8Array(0);
    this.carryLength = 0;
    return error;
  }

  /** `pending` is 1 when the over-long line has not been counted yet. */
  private lineTooLong(pending: 0 | 1): SettlementError {
    this.lineNo += pending;
    return fail(
      'LINE_TOO_LONG',
      this.columns
        ? `the line is longer than ${MAX_LINE_LENGTH} bytes; a settlement row is a few hundred`
        : 'no header line found: this does not look like an Amazon settlement report (flat file V2)',
      { line: this.lineNo },
    ).error;
  }

  /** One line, already split: `count` fields in starts/ends. */
  private line(bytes: Uint8Array, start: number, end: number, count: number): SettlementError | undefined {
    if (!this.columns) return this.headerLine(bytes, start, end);
    if (start === end) return undefined; // Blank lines carry nothing; trailing ones are common.
    if (count !== this.columnCount) {
      return fail(
        'RAGGED_ROW',
        `expected ${this.columnCount} tab-separated columns as in the header, found ${count > MAX_COLUMNS ? `more than ${MAX_COLUMNS}` : count}`,
        { line: this.lineNo },
      ).error;
    }
    return this.header ? this.detailRow(bytes) : this.summaryRow(bytes);
  }

  private headerLine(bytes: Uint8Array, start: number, end: number): SettlementError | undefined {
    let from = start;
    // UTF-8 byte order mark, which Excel and some Amazon downloads put first.
    if (end - from >= 3 && bytes[from] === 0xef && bytes[from + 1] === 0xbb && bytes[from + 2] === 0xbf)
      from += 3;
    if (from === end) {
      return fail(
        'NOT_SETTLEMENT_FILE',
        'the first line is empty; a settlement report starts with its header',
        {
          line: this.lineNo,
        },
      ).error;
    }
    const names = decode(bytes, from, end)
      .split('\t')
      .map((name) => name.trim().toLowerCase());
    if (!names.includes('settlement-id') || !names.includes('amount')) {
      return fail(
        'NOT_SETTLEMENT_FILE',
        'the header has no settlement-id and amount columns: this is not an Amazon settlement report (flat file V2)',
        { line: this.lineNo },
      ).error;
    }
    if (names.length > MAX_COLUMNS) {
      return fail('RAGGED_ROW', `the header has more than ${MAX_COLUMNS} columns`, { line: this.lineNo })
        .error;
    }
    const columns = {} as Columns;
    for (const name of [...V2_COLUMNS, ...V2_OPTIONAL_COLUMNS]) {
      const index = names.indexOf(name);
      const again = index >= 0 ? names.indexOf(name, index + 1) : -1;
      if (again >= 0) {
        return fail('DUPLICATE_COLUMN', `the header names column "${name}" twice`, {
          line: this.lineNo,
          column: again + 1,
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
    this.columnCount = names.length;
    this.keyColumns = [
      columns['transaction-type'],
      columns['marketplace-name'],
      columns['amount-type'],
      columns['amount-description'],
    ];
    this.view = new RowView(this.starts, this.ends, columns);
    return undefined;
  }

  private fieldError(
    code: SettlementError['code'],
    column: V2Column,
    detail: string,
    bytes: Uint8Array,
  ): SettlementError {
    const index = this.columns?.[column] ?? -1;
    const raw = index >= 0 ? decode(bytes, this.starts[index]!, this.ends[index]!) : '';
    const shown = raw.length > 40 ? `${raw.slice(0, 40)}…` : raw;
    return fail(code, `"${shown}" ${detail}`, {
      line: this.lineNo,
      column: index + 1,
      columnName: column,
    }).error;
  }

  private isBlank(index: number): boolean {
    return this.starts[index] === this.ends[index];
  }

  private summaryRow(bytes: Uint8Array): SettlementError | undefined {
    const columns = this.columns!;
    const value = (column: V2Column) =>
      decode(bytes, this.starts[columns[column]]!, this.ends[columns[column]]!).trim();
    if (
      !this.isBlank(columns['transaction-type']) ||
      value('settlement-id') === '' ||
      value('total-amount') === ''
    ) {
      return fail(
        'SUMMARY_MISSING',
        'expected the summary row here (settlement-id, dates, total-amount and currency filled, transaction-type blank)',
        { line: this.lineNo },
      ).error;
    }
    for (const column of [
      'settlement-start-date',
      'settlement-end-date',
      'deposit-date',
      'currency',
    ] as const) {
      if (value(column) === '') {
        return this.fieldError('SUMMARY_MISSING', column, 'is blank; the summary row must fill it', bytes);
      }
    }
    const currency = value('currency').toUpperCase();
    const digits = minorDigits(currency);
    if (digits === undefined) {
      return this.fieldError('UNKNOWN_CURRENCY', 'currency', 'is not a currency this engine knows', bytes);
    }
    this.amounts = new AmountReader(digits);
    const dates: number[] = [];
    for (const column of ['settlement-start-date', 'settlement-end-date', 'deposit-date'] as const) {
      const index = columns[column];
      const packed = this.dates.read(bytes, this.starts[index]!, this.ends[index]!);
      if (packed < 0) return this.fieldError('BAD_DATE', column, `is not a date: ${this.dates.error}`, bytes);
      dates.push(packed);
    }
    const totalIndex = columns['total-amount'];
    const total = this.amounts.readBig(bytes, this.starts[totalIndex]!, this.ends[totalIndex]!);
    if (total === undefined) {
      return this.fieldError('BAD_AMOUNT', 'total-amount', `is not an amount: ${this.amounts.error}`, bytes);
    }
    const [start, end, deposit] = dates as [number, number, number];
    const settlementId = value('settlement-id');
    this.settlementIdBytes = encoder.encode(settlementId);
    this.currencyBytes = encoder.encode(currency);
    this.header = {
      settlementId,
      periodStart: isoDate(start),
      periodEnd: isoDate(end),
      depositDate: isoDate(deposit),
      depositTotal: total,
      currency,
      columnCount: this.columnCount,
      periodStartPacked: start,
      line: this.lineNo,
    };
    this.sink.summary(this.header);
    return undefined;
  }

  private detailRow(bytes: Uint8Array): SettlementError | undefined {
    const columns = this.columns!;
    const starts = this.starts;
    const ends = this.ends;
    const header = this.header!;

    // Detail rows may repeat the settlement id (real files do) but must not name another
    // settlement, currency or total: that would be two settlements glued together.
    const idIndex = columns['settlement-id'];
    if (
      !this.isBlank(idIndex) &&
      !isSameBytes(this.settlementIdBytes, bytes, starts[idIndex]!, ends[idIndex]!) &&
      decode(bytes, starts[idIndex]!, ends[idIndex]!).trim() !== header.settlementId
    ) {
      return this.fieldError(
        'SETTLEMENT_ID_MISMATCH',
        'settlement-id',
        `differs from the summary row's settlement ${header.settlementId}`,
        bytes,
      );
    }
    if (!this.isBlank(columns['total-amount'])) {
      return this.fieldError(
        'UNEXPECTED_SUMMARY_ROW',
        'total-amount',
        'is filled on a detail row: a second summary row means two settlements in one file',
        bytes,
      );
    }
    const currencyIndex = columns.currency;
    if (
      !this.isBlank(currencyIndex) &&
      !isSameBytes(this.currencyBytes, bytes, starts[currencyIndex]!, ends[currencyIndex]!) &&
      decode(bytes, starts[currencyIndex]!, ends[currencyIndex]!).trim().toUpperCase() !== header.currency
    ) {
      return this.fieldError(
        'CURRENCY_MISMATCH',
        'currency',
        `differs from the settlement currency ${header.currency}`,
        bytes,
      );
    }

    const amountIndex = columns.amount;
    const amounts = this.amounts!;
    const amount = amounts.read(bytes, starts[amountIndex]!, ends[amountIndex]!);
    if (Number.isNaN(amount)) {
      return this.fieldError('BAD_AMOUNT', 'amount', `is not an amount: ${amounts.error}`, bytes);
    }

    const postedIndex = columns['posted-date'];
    const postedTimeIndex = columns['posted-date-time'];
    const dates = this.dates;
    let posted: number;
    if (!this.isBlank(postedIndex)) {
      posted = dates.read(bytes, starts[postedIndex]!, ends[postedIndex]!);
      if (posted < 0)
        return this.fieldError('BAD_DATE', 'posted-date', `is not a date: ${dates.error}`, bytes);
      if (!this.isBlank(postedTimeIndex)) {
        const postedTime = dates.read(bytes, starts[postedTimeIndex]!, ends[postedTimeIndex]!);
        if (postedTime < 0) {
          return this.fieldError('BAD_DATE', 'posted-date-time', `is not a date: ${dates.error}`, bytes);
        }
      }
    } else {
      // Fall back to posted-date-time so a row is never dropped for a blank posted-date.
      if (this.isBlank(postedTimeIndex)) {
        return this.fieldError('BAD_DATE', 'posted-date', 'is blank, and so is posted-date-time', bytes);
      }
      posted = dates.read(bytes, starts[postedTimeIndex]!, ends[postedTimeIndex]!);
      if (posted < 0) {
        return this.fieldError('BAD_DATE', 'posted-date-time', `is not a date: ${dates.error}`, bytes);
      }
    }

    const view = this.view!;
    view.groupId = this.keys.intern(bytes, starts, ends, this.keyColumns!);
    view.bytes = bytes;
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
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const error = parser.push(value);
      if (error) {
        await reader.cancel().catch(() => undefined);
        return { ok: false, error };
      }
    }
  } catch (cause) {
    return fail(
      'READ_FAILED',
      `the file could not be read: ${cause instanceof Error ? cause.message : String(cause)}`,
    );
  } finally {
    reader.releaseLock();
  }
  return parser.finish();
}

/** Parses a settlement already in memory as bytes. */
export function parseSettlementBytes(bytes: Uint8Array, sink: SettlementSink): Result<ParseStats> {
  const parser = new SettlementParser(sink);
  const error = parser.push(bytes);
  if (error) return { ok: false, error };
  return parser.finish();
}

/** Parses a settlement already in memory as text (encoded to UTF-8 once, then as bytes). */
export function parseSettlementText(text: string, sink: SettlementSink): Result<ParseStats> {
  return parseSettlementBytes(encoder.encode(text), sink);
}

/** Parses a settlement from a Blob or File (e.g. a download or an `<input type=file>`). */
export function parseSettlementBlob(blob: Blob, sink: SettlementSink): Promise<Result<ParseStats>> {
  return parseSettlementStream(blob.stream() as ReadableStream<Uint8Array>, sink);
}
