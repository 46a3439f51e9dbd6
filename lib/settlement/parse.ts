/**
 * Streaming reader for Amazon's settlement report flat file: V2 (docs/domain.md#settlement-report) and the older
 * V1 layout sellers still have on disk for past years. One header line, one summary row, then
 * detail rows. It never holds more than one chunk plus one partial line, so memory stays flat
 * however large the settlement; rows go to a sink as they are read. Pure TypeScript
 * (TextDecoder and Web Streams only), so the same code runs in the extension and in Node.
 *
 * Speed matters (big sellers have hundreds of thousands of rows), so the hot loop works on the
 * UTF-8 bytes themselves: tab (0x09) and line feed (0x0A) never occur inside a multi-byte
 * UTF-8 sequence, so lines and fields can be found without decoding, and amounts and dates
 * are read digit by digit from bytes. Only text that is kept (a new group's key, the summary
 * row, an error message) is decoded. Decoding every byte first cost as much as the whole parse
 * did; measured with scripts/bench-settlement.ts.
 *
 * Files as sellers really have them are read too, each by a step that costs nothing on a
 * plain V2 file: UTF-16 (Excel's "Unicode Text") is transcoded to UTF-8 in front of the hot
 * loop; CR-only line ends (old Excel for Mac) become line feeds; a row whose field starts
 * with a quote (Excel's quoting, or a CSV re-save with commas or semicolons) is re-split by a
 * quote-aware splitter; empty trailing fields beyond the header, or missing at the end of a
 * row, are harmless; kept text that is not UTF-8 is read as Windows-1252; a posted-date a
 * spreadsheet rewrote (`3/14/2026`) falls back to posted-date-time or is settled from the
 * file's other dates. What was tolerated is listed in `ParseStats.notices`.
 */

import { type DateOrder, DateReader, dayNumber, isoDate, SlashDateReader } from './dates.ts';
import { fail, ok, type Result, type SettlementError, type SettlementErrorReason } from './errors.ts';
import { minorDigits } from './money.ts';
import { AmountReader, type DecimalMark } from './numbers.ts';

/** The 23 columns Amazon documents for V2, in its order. Real files add `promotion-id`. */
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

/**
 * The 36 columns of the V1 flat file (`_GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_`), in order,
 * as public MWS client code expects them (caponica/AmazonMwsComplete, ReportSettlementFlatFile
 * EXPECTED_HEADER). Amazon's own description of V2 (pay.amazon.eu/help/201047650) says how
 * they relate: "price-type and price-amount … are represented as amount-type=ItemPrice,
 * amount-description=<type of ItemPrice> and amount=price-amount".
 */
export const V1_COLUMNS = [
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
  'shipment-fee-type',
  'shipment-fee-amount',
  'order-fee-type',
  'order-fee-amount',
  'fulfillment-id',
  'posted-date',
  'order-item-code',
  'merchant-order-item-id',
  'merchant-adjustment-item-id',
  'sku',
  'quantity-purchased',
  'price-type',
  'price-amount',
  'item-related-fee-type',
  'item-related-fee-amount',
  'misc-fee-amount',
  'other-fee-amount',
  'other-fee-reason-description',
  'promotion-id',
  'promotion-type',
  'promotion-amount',
  'direct-payment-type',
  'direct-payment-amount',
  'other-amount',
] as const;

/**
 * Each V1 amount column and the V2 key it becomes: amount-type as V2 names it, and the
 * column whose text is the amount-description. Columns without a type of their own take
 * other-fee-reason-description, else the fixed description given here, else the
 * transaction-type (how V1 names reserves and subscription fees).
 */
export const V1_AMOUNTS = [
  { amount: 'price-amount', amountType: 'ItemPrice', description: 'price-type', fallback: '' },
  {
    amount: 'item-related-fee-amount',
    amountType: 'ItemFees',
    description: 'item-related-fee-type',
    fallback: '',
  },
  {
    amount: 'shipment-fee-amount',
    amountType: 'ShipmentFees',
    description: 'shipment-fee-type',
    fallback: '',
  },
  {
    amount: 'order-fee-amount',
    amountType: 'OrderFees',
    description: 'order-fee-type',
    fallback: '',
  },
  {
    amount: 'promotion-amount',
    amountType: 'Promotion',
    description: 'promotion-type',
    fallback: '',
  },
  {
    amount: 'direct-payment-amount',
    amountType: 'DirectPayment',
    description: 'direct-payment-type',
    fallback: '',
  },
  {
    amount: 'misc-fee-amount',
    amountType: 'other-transaction',
    description: 'other-fee-reason-description',
    fallback: 'MiscFee',
  },
  {
    amount: 'other-fee-amount',
    amountType: 'other-transaction',
    description: 'other-fee-reason-description',
    fallback: 'OtherFee',
  },
  // V1 writes other transactions (reserves, subscription) as transaction-type + other-amount;
  // V2 writes them as other-transaction/other-transaction/<what it is>.
  {
    amount: 'other-amount',
    amountType: 'other-transaction',
    description: 'other-fee-reason-description',
    fallback: '',
  },
] as const;

export type V2Column = (typeof V2_COLUMNS)[number] | (typeof V2_OPTIONAL_COLUMNS)[number];
export type V1Column = (typeof V1_COLUMNS)[number];
export type SettlementColumn = V2Column | V1Column | 'posted-date-time';
export type SettlementFormat = 'V2' | 'V1';
export type SettlementEncoding = 'UTF-8' | 'UTF-16LE' | 'UTF-16BE' | 'Windows-1252';

const ALL_COLUMNS: readonly SettlementColumn[] = [
  ...new Set<SettlementColumn>([...V2_COLUMNS, ...V2_OPTIONAL_COLUMNS, ...V1_COLUMNS, 'posted-date-time']),
];
const SUMMARY_COLUMNS = [
  'settlement-id',
  'settlement-start-date',
  'settlement-end-date',
  'deposit-date',
  'total-amount',
  'currency',
] as const;
const V1_REQUIRED: readonly SettlementColumn[] = [
  ...SUMMARY_COLUMNS,
  'transaction-type',
  'marketplace-name',
  'posted-date',
];

/** Longest line accepted: real rows are a few hundred characters; this bounds memory on junk. */
export const MAX_LINE_LENGTH = 64 * 1024;
const MAX_COLUMNS = 256;
/** Index of a field that is always empty: stands in for a column the file does not have. */
const EMPTY = MAX_COLUMNS + 1;

const WHERE_TO_GET =
  'download "Flat File V2" for this settlement from Seller Central (Payments › All Statements)';
const FIX_OR_DOWNLOAD = `correct it in the file, or ${WHERE_TO_GET}`;

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
  /** Number of columns in the header: 23, 24 or 36 (V1), or more if Amazon adds some. */
  columnCount: number;
  /** Packed yyyymmdd of periodStart, for month arithmetic without re-parsing. */
  periodStartPacked: number;
  /** Line number of the summary row. */
  line: number;
  format: SettlementFormat;
}

/**
 * One detail amount, as a view over the text being parsed. The parser reuses a single
 * instance, so a sink must copy what it wants to keep before returning. A V2 row is one
 * amount; a V1 row gives one per filled amount column, each keyed as V2 would key it.
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
  field(column: SettlementColumn): string;
}

export interface SettlementSink {
  summary(header: SettlementHeader): void;
  row(row: SettlementRow): void;
}

export interface ParseStats {
  /** Detail amounts read (the summary row is not counted; a V1 row may give several). */
  rows: number;
  /** Physical lines read, including the header and blank lines. */
  lines: number;
  decimalMark: DecimalMark | undefined;
  dateOrder: DateOrder | undefined;
  columnCount: number;
  format: SettlementFormat;
  encoding: SettlementEncoding;
  /** What was tolerated on the way, one sentence each, for the bookkeeper to see. */
  notices: string[];
}

type Columns = Record<SettlementColumn, number>;

/** Column indexes of transaction-type, marketplace-name, amount-type, amount-description. */
type KeyColumns = [number, number, number, number];

const TAB = 9;
const LF = 10;
const CR = 13;
const QUOTE = 34;
const COMMA = 44;
const SEMICOLON = 59;

const encoder = new TextEncoder();
const lenientUtf8 = new TextDecoder('utf-8');
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const windows1252 = new TextDecoder('windows-1252');

function isSameBytes(stored: Uint8Array, bytes: Uint8Array, start: number, end: number): boolean {
  if (end - start !== stored.length) return false;
  for (let i = 0; i < stored.length; i++) if (stored[i] !== bytes[start + i]) return false;
  return true;
}

function isAscii(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (bytes[i]! >= 0x80) return false;
  return true;
}

function clipText(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
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

  get size(): number {
    return this.stored.length;
  }

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

/** The four texts of a group key, decoded once when the key is first seen. */
interface KeyText {
  transactionType: string;
  marketplaceName: string;
  amountType: string;
  amountDescription: string;
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
    private readonly keys: KeyText[],
    private readonly text: (bytes: Uint8Array, start: number, end: number) => string,
  ) {}

  get transactionType(): string {
    return this.keys[this.groupId]!.transactionType;
  }
  get amountType(): string {
    return this.keys[this.groupId]!.amountType;
  }
  get amountDescription(): string {
    return this.keys[this.groupId]!.amountDescription;
  }
  get marketplaceName(): string {
    return this.keys[this.groupId]!.marketplaceName;
  }
  field(column: SettlementColumn): string {
    const index = this.columns[column];
    return index < 0 ? '' : this.text(this.bytes, this.starts[index]!, this.ends[index]!);
  }
}

type OtherFile = Exclude<SettlementErrorReason, 'empty'>;

/** Why each other kind of file is not a settlement flat file, and what to do instead. */
const OTHER_FILE_TEXT: Record<OtherFile, string> = {
  xml: `this is an XML settlement report; Settlebridge reads the flat file: ${WHERE_TO_GET}`,
  pdf: `this is a PDF statement, not the report's data: ${WHERE_TO_GET}`,
  xlsx: `this is an Excel workbook (.xlsx) or a zip archive: open it in Excel and save it as "Text (Tab delimited)", or ${WHERE_TO_GET}`,
  gzip: `this is a compressed (gzip) file: unpack it first, or ${WHERE_TO_GET}`,
  html: `this is a web page, not the report (the download may have needed a sign-in): ${WHERE_TO_GET}`,
  date_range: `this is a Date Range (transaction) report, not a settlement report: ${WHERE_TO_GET}`,
};

/** Recognises files that are not a settlement flat file, from their first bytes or header. */
function recogniseOtherFile(first: string, names: string[]): OtherFile | undefined {
  const head = first.trimStart().replace(/^"/, '').slice(0, 200).toLowerCase();
  if (head.startsWith('<?xml') || head.includes('<amazonenvelope') || head.includes('<settlementreport')) {
    return 'xml';
  }
  if (head.startsWith('%pdf')) return 'pdf';
  if (head.startsWith('pk\u0003\u0004')) return 'xlsx';
  if (head.startsWith('\u001f\ufffd') || head.startsWith('\u001f\u008b')) return 'gzip';
  if (head.startsWith('<!doctype html') || head.startsWith('<html')) return 'html';
  if (
    head.startsWith('includes amazon marketplace') ||
    (names.includes('date/time') && names.includes('settlement id'))
  ) {
    return 'date_range';
  }
  return undefined;
}

/** The refusal for a file recognised as another kind. */
const otherFileError = (kind: OtherFile, line: number): SettlementError =>
  fail('NOT_SETTLEMENT_FILE', OTHER_FILE_TEXT[kind], { line, column: 1, reason: kind }).error;

/**
 * Push-style parser: feed bytes in any chunking, then call `finish`. Stops at the first
 * error; after an error every call returns that same error.
 */
export class SettlementParser {
  // --- input: encoding and line ends, decided from the first bytes -----------------------
  private encoding: SettlementEncoding = 'UTF-8';
  private isEncodingDecided = false;
  private utf16: TextDecoder | undefined;
  private utf16Label: 'utf-16le' | 'utf-16be' = 'utf-16le';
  /** UTF-16 bytes fed so far, and the last (up to 3) of them: what the decoder may hold back. */
  private utf16Fed = 0;
  private utf16Tail: number[] = [];
  /** First raw bytes, held until the encoding can be told (at most a few bytes). */
  private rawHead: Uint8Array = new Uint8Array(0);
  private isLineEndDecided = false;
  private isCrOnly = false;
  /** First UTF-8 bytes, held until the first line end shows which kind the file uses. */
  private textHead: Uint8Array = new Uint8Array(0);
  private textHeadLength = 0;

  // --- lines ------------------------------------------------------------------------------
  /** The unfinished last line of the previous chunk (at most MAX_LINE_LENGTH bytes). */
  private carry = new Uint8Array(0);
  private carryLength = 0;
  private lineNo = 0;
  private rows = 0;
  /** Fields on the current line, before padding to the header's count. */
  private rowFields = 0;
  private delimiter = TAB;
  private scratch = new Uint8Array(0);

  // --- layout -----------------------------------------------------------------------------
  private format: SettlementFormat = 'V2';
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
  private readonly slashDates = new SlashDateReader();
  private readonly keys = new KeyInterner();
  private readonly keyTexts: KeyText[] = [];
  /** V1: one interner per amount column, and their local ids → file-wide group ids. */
  private v1Keys: { interner: KeyInterner; ids: number[]; columns: KeyColumns; amount: number }[] = [];
  private error: SettlementError | undefined;
  /** Why `postedDate` returned -1. */
  private dateError: SettlementError | undefined;

  // --- text and notices -------------------------------------------------------------------
  /** Kept text that is not UTF-8 switches the file to Windows-1252 (see `text`). */
  private isWindows1252 = false;
  private hasUtf8Text = false;
  private windows1252Line = 0;
  private postedFallback = { rows: 0, line: 0, found: '' };
  private slashRows = { rows: 0, line: 0, found: '' };
  private amountlessRows = { rows: 0, line: 0 };
  private quotedLines = 0;
  private trailingFieldLines = 0;

  constructor(private readonly sink: SettlementSink) {
    // starts/ends at EMPTY stay 0..0: an empty field for columns the file lacks.
    this.starts[EMPTY] = 0;
    this.ends[EMPTY] = 0;
  }

  /** Feeds the next bytes of the file. Returns the error that stopped parsing, if any. */
  push(chunk: Uint8Array): SettlementError | undefined {
    if (this.error) return this.error;
    if (!this.isEncodingDecided) {
      this.rawHead = concat(this.rawHead, chunk);
      if (this.rawHead.length < 4) return undefined;
      this.decideEncoding();
      const head = this.rawHead;
      this.rawHead = new Uint8Array(0);
      return this.pushRaw(head, false);
    }
    return this.pushRaw(chunk, false);
  }

  /** Ends the input: reads a last line without a line feed and checks the file was complete. */
  finish(): Result<ParseStats> {
    if (this.error) return { ok: false, error: this.error };
    if (!this.isEncodingDecided) {
      this.decideEncoding();
      const head = this.rawHead;
      this.rawHead = new Uint8Array(0);
      const error = this.pushRaw(head, true);
      if (error) return { ok: false, error };
    } else {
      const error = this.pushRaw(new Uint8Array(0), true);
      if (error) return { ok: false, error };
    }
    if (!this.isLineEndDecided) {
      this.isLineEndDecided = true;
      const head = this.textHead.subarray(0, this.textHeadLength);
      this.textHead = new Uint8Array(0);
      this.textHeadLength = 0;
      const error = this.pushLines(head);
      if (error) return { ok: false, error };
    }
    if (this.carryLength > 0) {
      const error = this.lineAt(this.carry, 0, this.carryLength);
      this.carryLength = 0;
      if (error) return { ok: false, error: this.stop(error) };
    }
    if (!this.columns) {
      return fail(
        'NOT_SETTLEMENT_FILE',
        `the file is empty, so it is not a settlement report: ${WHERE_TO_GET}`,
        { line: 1, column: 1, reason: 'empty' },
      );
    }
    if (!this.header) {
      return fail(
        'SUMMARY_MISSING',
        `the file ends after the header: the summary row (settlement-id, dates, total-amount, currency) is missing; ${WHERE_TO_GET}`,
        { line: this.lineNo + 1, column: 1 },
      );
    }
    return ok({
      rows: this.rows,
      lines: this.lineNo,
      decimalMark: this.amounts?.mark,
      dateOrder: this.dates.order,
      columnCount: this.columnCount,
      format: this.format,
      encoding: this.isWindows1252 ? 'Windows-1252' : this.encoding,
      notices: this.notices(),
    });
  }

  private notices(): string[] {
    const out: string[] = [];
    if (this.format === 'V1') {
      out.push(
        'Older V1 format: each V1 amount column was read as the line V2 would give it (price-amount as ItemPrice, item-related-fee-amount as ItemFees, …).',
      );
    }
    if (this.encoding !== 'UTF-8') {
      out.push(
        `Read as ${this.encoding} text${this.encoding === 'UTF-16LE' ? ` (Excel's "Unicode Text")` : ''}.`,
      );
    }
    if (this.isWindows1252) {
      out.push(
        `The file is not UTF-8; its text was read as Windows-1252, as Excel saves it on Windows (first seen on line ${this.windows1252Line}).`,
      );
    }
    if (this.isCrOnly) out.push('Lines end with a carriage return only (as old Mac Excel saves them).');
    if (this.delimiter !== TAB) {
      out.push(
        `Fields are separated by ${this.delimiter === COMMA ? 'commas' : 'semicolons'} (a spreadsheet's CSV re-save), not tabs.`,
      );
    } else if (this.quotedLines > 0) {
      out.push(`${this.quotedLines} line(s) had quoted fields (a spreadsheet re-save); quotes were removed.`);
    }
    if (this.trailingFieldLines > 0) {
      out.push(
        `${this.trailingFieldLines} line(s) had more or fewer empty trailing fields than the header; they were read as empty.`,
      );
    }
    const f = this.postedFallback;
    if (f.rows > 0) {
      out.push(
        `posted-date was not an Amazon date on ${f.rows} row(s) (first on line ${f.line}: "${f.found}"); their dates were taken from posted-date-time.`,
      );
    }
    const s = this.slashRows;
    if (s.rows > 0) {
      out.push(
        `posted-date was rewritten by a spreadsheet on ${s.rows} row(s) without posted-date-time (first on line ${s.line}: "${s.found}"); read ${this.slashDates.order ?? 'where unambiguous'} from the file's other dates.`,
      );
    }
    const a = this.amountlessRows;
    if (a.rows > 0) {
      out.push(`${a.rows} V1 row(s) carried no amount (first on line ${a.line}) and add nothing.`);
    }
    return out;
  }

  // --- input stage ------------------------------------------------------------------------

  private decideEncoding(): void {
    this.isEncodingDecided = true;
    const label = utf16Label(this.rawHead);
    if (label) {
      this.encoding = label === 'utf-16le' ? 'UTF-16LE' : 'UTF-16BE';
      // The decoder drops the byte order mark itself and keeps a split code unit or
      // surrogate pair across chunks (`stream: true`).
      this.utf16 = new TextDecoder(label, { fatal: true });
      this.utf16Label = label;
    }
  }

  private pushRaw(chunk: Uint8Array, isLast: boolean): SettlementError | undefined {
    if (!this.utf16) return chunk.length > 0 ? this.pushText(chunk) : undefined;
    let text: string;
    try {
      text = this.utf16.decode(chunk, { stream: !isLast });
    } catch {
      return this.stop(this.utf16Error(chunk));
    }
    this.utf16Fed += chunk.length;
    for (let i = Math.max(0, chunk.length - 3); i < chunk.length; i++) this.utf16Tail.push(chunk[i]!);
    if (this.utf16Tail.length > 3) this.utf16Tail = this.utf16Tail.slice(-3);
    return text.length > 0 ? this.pushText(encoder.encode(text)) : undefined;
  }

  /**
   * The chunk holds bytes that are not UTF-16: reads the text before them (so lines are
   * counted and an earlier fault is reported first) and names the line and column they are on.
   * Only on this error path: the bytes the decoder held back from the last chunk (half a code
   * unit, a high surrogate) are rebuilt from the tail, and the longest prefix that decodes is
   * found by halving.
   */
  private utf16Error(chunk: Uint8Array): SettlementError {
    const tail = this.utf16Tail;
    const odd = this.utf16Fed % 2;
    let held = odd;
    const unit = tail.length - odd - 2;
    if (unit >= 0) {
      const code =
        this.utf16Label === 'utf-16le'
          ? tail[unit]! | (tail[unit + 1]! << 8)
          : (tail[unit]! << 8) | tail[unit + 1]!;
      if (code >= 0xd800 && code <= 0xdbff) held += 2;
    }
    const bytes = concat(Uint8Array.from(tail.slice(tail.length - held)), chunk);
    const decode = (end: number) =>
      new TextDecoder(this.utf16Label, { fatal: true, ignoreBOM: this.utf16Fed > 0 }).decode(
        bytes.subarray(0, end),
        { stream: true },
      );
    let good = 0;
    let bad = bytes.length + 1;
    while (bad - good > 1) {
      const middle = (good + bad) >> 1;
      try {
        decode(middle);
        good = middle;
      } catch {
        bad = middle;
      }
    }
    const text = decode(good);
    const earlier = text.length > 0 ? this.pushText(encoder.encode(text)) : undefined;
    if (earlier) return earlier;
    // The line the bad bytes are on is the one not yet ended: held in textHead or carry.
    const open = this.isLineEndDecided
      ? this.carry.subarray(0, this.carryLength)
      : this.textHead.subarray(0, this.textHeadLength);
    return fail(
      'BAD_ENCODING',
      `the file is ${this.encoding} text but has bytes here that are not ${this.encoding} (a broken character): save it again from Excel as "Unicode Text" or "Text (Tab delimited)", or ${WHERE_TO_GET}`,
      { line: this.lineNo + 1, column: countByte(open, 0, open.length, this.delimiter) + 1 },
    ).error;
  }

  /** UTF-8 bytes in: decides the line-end kind from the first line end, then feeds lines. */
  private pushText(chunk: Uint8Array): SettlementError | undefined {
    if (this.isLineEndDecided) return this.isCrOnly ? this.pushLines(crToLf(chunk)) : this.pushLines(chunk);
    // Grows by doubling: the first line may arrive a byte at a time.
    const before = this.textHeadLength;
    const needed = before + chunk.length;
    if (needed > this.textHead.length) {
      const grown = new Uint8Array(Math.max(needed, this.textHead.length * 2, 1024));
      grown.set(this.textHead.subarray(0, this.textHeadLength));
      this.textHead = grown;
    }
    this.textHead.set(chunk, this.textHeadLength);
    this.textHeadLength = needed;
    const head = this.textHead.subarray(0, needed);
    // Only the new bytes (and a carriage return that ended the last ones) are searched, so a
    // first line arriving a byte at a time costs linear time: the earlier bytes held neither.
    const cr = head.indexOf(CR, Math.max(0, before - 1));
    const lf = head.indexOf(LF, before);
    if (lf < 0 && (cr < 0 || cr === head.length - 1) && head.length <= MAX_LINE_LENGTH) return undefined;
    this.isLineEndDecided = true;
    // A carriage return before any line feed, not followed by one: CR-only line ends.
    this.isCrOnly = cr >= 0 && (lf < 0 || cr < lf) && head[cr + 1] !== LF;
    this.textHead = new Uint8Array(0);
    this.textHeadLength = 0;
    return this.pushLines(this.isCrOnly ? crToLf(head) : head);
  }

  // --- lines ------------------------------------------------------------------------------

  private pushLines(chunk: Uint8Array): SettlementError | undefined {
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
    if (!this.columns && this.carryLength > 0) {
      const other = recogniseOtherFile(lenientUtf8.decode(this.carry.subarray(0, 400)), []);
      if (other) return otherFileError(other, this.lineNo);
    }
    return fail(
      'LINE_TOO_LONG',
      this.columns
        ? `the line is longer than ${MAX_LINE_LENGTH} bytes without a line end; a settlement row is a few hundred: ${WHERE_TO_GET}`
        : `the first line is longer than ${MAX_LINE_LENGTH} bytes without a line end, so it is not the header of a settlement report: ${WHERE_TO_GET}`,
      { line: this.lineNo, column: 1 },
    ).error;
  }

  /**
   * Splits `bytes[start, end)` honouring quotes (RFC 4180: `"a""b"` is `a"b`) into the
   * scratch buffer, filling starts/ends. Returns the field count, or -column of a quote that
   * does not close before the line ends.
   */
  private splitQuoted(bytes: Uint8Array, start: number, end: number): number {
    if (this.scratch.length < end - start) this.scratch = new Uint8Array(Math.max(end - start, 1024));
    const out = this.scratch;
    const d = this.delimiter;
    let o = 0;
    let count = 0;
    let i = start;
    for (;;) {
      const fieldStart = o;
      if (i < end && bytes[i] === QUOTE) {
        i++;
        for (;;) {
          if (i >= end) return -(count + 1);
          const c = bytes[i]!;
          if (c === QUOTE) {
            if (i + 1 < end && bytes[i + 1] === QUOTE) {
              out[o++] = QUOTE;
              i += 2;
              continue;
            }
            i++;
            break;
          }
          out[o++] = c;
          i++;
        }
      }
      while (i < end && bytes[i] !== d) out[o++] = bytes[i++]!;
      if (count <= MAX_COLUMNS) {
        this.starts[count] = fieldStart;
        this.ends[count] = o;
      }
      count++;
      if (i >= end) break;
      i++;
    }
    return count;
  }

  /** One line, already split on tabs: `count` fields in starts/ends. */
  private line(bytes: Uint8Array, start: number, end: number, count: number): SettlementError | undefined {
    if (!this.columns) return this.headerLine(bytes, start, end);
    if (start === end) return undefined; // Blank lines carry nothing; trailing ones are common.
    let row = bytes;
    let fields = count;
    let isQuoted = this.delimiter !== TAB;
    if (!isQuoted) {
      const starts = this.starts;
      const last = count <= MAX_COLUMNS ? count : MAX_COLUMNS + 1;
      for (let k = 0; k < last; k++) {
        if (bytes[starts[k]!] === QUOTE) {
          isQuoted = true;
          break;
        }
      }
    }
    if (isQuoted) {
      fields = this.splitQuoted(bytes, start, end);
      if (fields < 0) {
        return fail(
          'UNCLOSED_QUOTE',
          `a quoted field opens here and does not close before the line ends (Settlebridge reads one row per line): remove the line break or stray quote in the file, or ${WHERE_TO_GET}`,
          { line: this.lineNo, column: -fields },
        ).error;
      }
      if (this.delimiter === TAB) this.quotedLines++;
      row = this.scratch;
    }
    this.rowFields = fields;
    if (fields !== this.columnCount) {
      const error = this.fitColumns(row, fields);
      if (error) return error;
    }
    return this.header ? this.detailRow(row) : this.summaryRow(row);
  }

  /** Extra empty trailing fields are dropped and missing trailing ones read as empty. */
  private fitColumns(bytes: Uint8Array, count: number): SettlementError | undefined {
    const expected = this.columnCount;
    if (count > MAX_COLUMNS + 1) {
      return fail(
        'RAGGED_ROW',
        `found more than ${MAX_COLUMNS} fields where the header names ${expected} columns: ${FIX_OR_DOWNLOAD}`,
        { line: this.lineNo, column: expected + 1 },
      ).error;
    }
    if (count > expected) {
      for (let k = expected; k < count; k++) {
        if (this.starts[k] !== this.ends[k]) {
          const found = clipText(this.text(bytes, this.starts[k]!, this.ends[k]!));
          return fail(
            'RAGGED_ROW',
            `found "${found}" beyond the header's ${expected} columns (this row has ${count} fields, so a field may hold a stray tab): ${FIX_OR_DOWNLOAD}`,
            { line: this.lineNo, column: k + 1 },
          ).error;
        }
      }
    } else {
      const end = count > 0 ? this.ends[count - 1]! : 0;
      for (let k = count; k < expected; k++) {
        this.starts[k] = end;
        this.ends[k] = end;
      }
    }
    this.trailingFieldLines++;
    return undefined;
  }

  /**
   * Kept text (keys, the summary row, messages). UTF-8 unless the file proves otherwise:
   * the first kept text that is not valid UTF-8, in a file whose kept text so far was plain
   * ASCII, switches the file to Windows-1252 (what Excel writes on Windows). Throw-free:
   * `checkText` reports the cases that must stop the file.
   */
  private text(bytes: Uint8Array, start: number, end: number): string {
    if (start === end) return '';
    const view = bytes.subarray(start, end);
    if (this.isWindows1252) return windows1252.decode(view);
    return lenientUtf8.decode(view);
  }

  /** Decodes kept text, switching to Windows-1252 when needed; an error when it cannot. */
  private checkedText(
    bytes: Uint8Array,
    start: number,
    end: number,
    column: number,
    columnName: string,
  ): string | SettlementError {
    if (start === end) return '';
    if (isAscii(bytes, start, end)) return this.text(bytes, start, end);
    const view = bytes.subarray(start, end);
    if (!this.isWindows1252) {
      try {
        const decoded = strictUtf8.decode(view);
        if (decoded.includes('\ufffd')) {
          return fail(
            'BAD_ENCODING',
            `"${clipText(decoded)}" holds the replacement character "\ufffd" where a letter was lost: the file was decoded with the wrong encoding (typically a Windows-1252 file read as UTF-8) before it reached Settlebridge; import the original file from disk, or save it again as UTF-8`,
            { line: this.lineNo, column, columnName },
          ).error;
        }
        this.hasUtf8Text = true;
        return decoded;
      } catch {
        if (this.hasUtf8Text) {
          return fail(
            'BAD_ENCODING',
            `"${clipText(windows1252.decode(view))}" is not UTF-8 text although earlier lines are: the file mixes two encodings; save it again as UTF-8, or ${WHERE_TO_GET}`,
            { line: this.lineNo, column, columnName },
          ).error;
        }
        this.isWindows1252 = true;
        this.windows1252Line = this.lineNo;
      }
    }
    return windows1252.decode(view);
  }

  private headerLine(bytes: Uint8Array, start: number, end: number): SettlementError | undefined {
    let from = start;
    // UTF-8 byte order mark, which Excel and some Amazon downloads put first.
    if (end - from >= 3 && bytes[from] === 0xef && bytes[from + 1] === 0xbb && bytes[from + 2] === 0xbf)
      from += 3;
    const first = lenientUtf8.decode(bytes.subarray(from, Math.min(end, from + 400)));
    if (from === end) {
      return fail(
        'NOT_SETTLEMENT_FILE',
        `the first line is empty; a settlement report starts with its header (settlement-id, settlement-start-date, …): ${WHERE_TO_GET}`,
        { line: this.lineNo, column: 1 },
      ).error;
    }
    const known = recogniseOtherFile(first, []);
    if (known) return otherFileError(known, this.lineNo);
    if (first.includes('\u0000')) {
      return fail(
        'BAD_ENCODING',
        `the header holds zero characters between its letters: the file is UTF-16 text (Excel's "Unicode Text") that was read as UTF-8 before it reached Settlebridge; save it from Excel as "Text (Tab delimited)" or "CSV UTF-8", or ${WHERE_TO_GET}`,
        { line: this.lineNo, column: 1 },
      ).error;
    }
    // Tab-separated as Amazon writes it; a spreadsheet's CSV re-save uses commas or semicolons.
    const hasTab = bytes.subarray(from, end).includes(TAB);
    if (!hasTab) {
      const commas = countByte(bytes, from, end, COMMA);
      const semicolons = countByte(bytes, from, end, SEMICOLON);
      if (commas > 0 || semicolons > 0) this.delimiter = semicolons > commas ? SEMICOLON : COMMA;
    }
    const count = this.splitQuoted(bytes, from, end);
    if (count < 0) {
      return fail(
        'NOT_SETTLEMENT_FILE',
        `the header has a quote that does not close (column ${-count}), so it is not the header of a settlement report: ${WHERE_TO_GET}`,
        { line: this.lineNo, column: -count },
      ).error;
    }
    if (count > MAX_COLUMNS) {
      return fail('RAGGED_ROW', `the header has more than ${MAX_COLUMNS} columns: ${WHERE_TO_GET}`, {
        line: this.lineNo,
        column: MAX_COLUMNS + 1,
      }).error;
    }
    const names: string[] = [];
    for (let k = 0; k < count; k++) {
      names.push(
        lenientUtf8
          .decode(this.scratch.subarray(this.starts[k], this.ends[k]))
          .trim()
          .toLowerCase()
          .replaceAll('_', '-'),
      );
    }
    // Trailing empty names (a spreadsheet's extra tabs) are not columns.
    while (names.length > 1 && names[names.length - 1] === '') names.pop();

    const other = recogniseOtherFile(first, names);
    if (other) return otherFileError(other, this.lineNo);
    const v1AmountColumns = V1_AMOUNTS.map((a) => a.amount).filter((name) => names.includes(name));
    const isV2 = names.includes('amount') || names.includes('amount-type');
    if (!names.includes('settlement-id') || (!isV2 && v1AmountColumns.length === 0)) {
      const has = names.includes('settlement-id')
        ? `it names settlement-id but none of the amount columns (V2: amount-type, amount-description, amount; V1: price-amount, item-related-fee-amount, other-amount, …); its columns are ${names
            .slice(0, 12)
            .map((n) => `"${clipText(n)}"`)
            .join(', ')}${names.length > 12 ? ', …' : ''}`
        : `it starts "${clipText(first)}" and has no settlement-id column`;
      return fail(
        'NOT_SETTLEMENT_FILE',
        `this line is not the header of an Amazon settlement report flat file: ${has}; ${WHERE_TO_GET}`,
        { line: this.lineNo, column: 1 },
      ).error;
    }
    this.format = isV2 ? 'V2' : 'V1';
    const columns = {} as Columns;
    for (const name of ALL_COLUMNS) {
      const index = names.indexOf(name);
      const again = index >= 0 ? names.indexOf(name, index + 1) : -1;
      if (again >= 0) {
        return fail(
          'DUPLICATE_COLUMN',
          `the header names column "${name}" twice (columns ${index + 1} and ${again + 1}): ${WHERE_TO_GET}`,
          { line: this.lineNo, column: again + 1, columnName: name },
        ).error;
      }
      columns[name] = index;
    }
    const required = isV2 ? V2_COLUMNS : V1_REQUIRED;
    const missing = required.filter((name) => columns[name] < 0);
    if (missing.length > 0) {
      const layout: readonly string[] = isV2 ? V2_COLUMNS : V1_COLUMNS;
      const layoutColumn = layout.indexOf(missing[0]!) + 1;
      return fail(
        'MISSING_COLUMN',
        `the ${this.format} header lacks the column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')} (Amazon's layout has "${missing[0]}" as column ${layoutColumn}; this header has ${names.length} columns): ${WHERE_TO_GET}`,
        { line: this.lineNo, column: layoutColumn, columnName: missing[0] },
      ).error;
    }
    this.columns = columns;
    this.columnCount = names.length;
    const at = (name: SettlementColumn) => (columns[name] < 0 ? EMPTY : columns[name]);
    if (isV2) {
      this.keyColumns = [
        at('transaction-type'),
        at('marketplace-name'),
        at('amount-type'),
        at('amount-description'),
      ];
    } else {
      this.v1Keys = V1_AMOUNTS.filter((a) => columns[a.amount] >= 0).map((a) => ({
        interner: new KeyInterner(),
        ids: [],
        // Both type columns are in the key, so other-amount rows keep transaction-type apart.
        columns: [at('transaction-type'), at('marketplace-name'), at(a.description), at(a.description)],
        amount: V1_AMOUNTS.indexOf(a),
      }));
    }
    this.view = new RowView(this.starts, this.ends, columns, this.keyTexts, (b, s, e) => this.text(b, s, e));
    return undefined;
  }

  private fieldError(
    code: SettlementError['code'],
    column: SettlementColumn,
    detail: string,
    bytes: Uint8Array,
    todo: string = FIX_OR_DOWNLOAD,
  ): SettlementError {
    const index = this.columns?.[column] ?? -1;
    const isMissing = index >= this.rowFields;
    const raw = index >= 0 && !isMissing ? this.text(bytes, this.starts[index]!, this.ends[index]!) : '';
    const found = isMissing
      ? `is missing (the row ends after column ${this.rowFields}); ${detail}`
      : raw !== ''
        ? `"${clipText(raw)}" ${detail}`
        : detail.startsWith('is blank')
          ? detail
          : `is blank, so it ${detail}`;
    return fail(code, `${found}: ${todo}`, {
      line: this.lineNo,
      column: index + 1,
      columnName: column,
      ...(isMissing ? { isMissing } : { found: clipText(raw) }),
    }).error;
  }

  private isBlank(index: number): boolean {
    return this.starts[index] === this.ends[index];
  }

  private isAllBlank(): boolean {
    for (let k = 0; k < this.columnCount; k++) if (!this.isBlank(k)) return false;
    return true;
  }

  private summaryRow(bytes: Uint8Array): SettlementError | undefined {
    const columns = this.columns!;
    if (this.isAllBlank()) return undefined; // A row of empty fields, as a spreadsheet writes.
    const value = (column: SettlementColumn) =>
      this.text(bytes, this.starts[columns[column]]!, this.ends[columns[column]]!).trim();
    if (!this.isBlank(columns['transaction-type'])) {
      return this.fieldError(
        'SUMMARY_MISSING',
        'transaction-type',
        'is filled, so this is a detail row, but the row after the header must be the summary row (settlement-id, dates, total-amount and currency filled, transaction-type blank)',
        bytes,
        `the summary row is missing or was moved (sorting in a spreadsheet moves it): ${WHERE_TO_GET}`,
      );
    }
    for (const column of SUMMARY_COLUMNS) {
      if (value(column) === '') {
        return this.fieldError(
          'SUMMARY_MISSING',
          column,
          'is blank; the summary row (the row after the header) must fill it',
          bytes,
        );
      }
    }
    const currency = value('currency').toUpperCase();
    const digits = minorDigits(currency);
    if (digits === undefined) {
      return this.fieldError(
        'UNKNOWN_CURRENCY',
        'currency',
        'is not a currency this engine knows',
        bytes,
        'check the currency code in the summary row (e.g. USD, EUR, GBP, JPY)',
      );
    }
    this.amounts = new AmountReader(digits);
    const dates = this.summaryDates(bytes);
    if (!Array.isArray(dates)) return dates;
    const totalIndex = columns['total-amount'];
    const total = this.amounts.readBig(bytes, this.starts[totalIndex]!, this.ends[totalIndex]!);
    if (total === undefined) {
      return this.fieldError('BAD_AMOUNT', 'total-amount', `is not an amount: ${this.amounts.error}`, bytes);
    }
    const [start, end, deposit] = dates;
    const idIndex = columns['settlement-id'];
    const settlementId = this.checkedText(
      bytes,
      this.starts[idIndex]!,
      this.ends[idIndex]!,
      idIndex + 1,
      'settlement-id',
    );
    if (typeof settlementId !== 'string') return settlementId;
    this.settlementIdBytes = encoder.encode(settlementId.trim());
    this.currencyBytes = encoder.encode(currency);
    this.header = {
      settlementId: settlementId.trim(),
      periodStart: isoDate(start),
      periodEnd: isoDate(end),
      depositDate: isoDate(deposit),
      depositTotal: total,
      currency,
      columnCount: this.columnCount,
      periodStartPacked: start,
      line: this.lineNo,
      format: this.format,
    };
    this.sink.summary(this.header);
    return undefined;
  }

  /**
   * The summary row's three dates. Amazon's own shapes are read directly; spreadsheet
   * rewrites (`3/14/2026`) are settled by any date that shows its order, else by which order
   * makes a plausible settlement (start ≤ end ≤ deposit, a period of at most three months).
   */
  private summaryDates(bytes: Uint8Array): [number, number, number] | SettlementError {
    const names = ['settlement-start-date', 'settlement-end-date', 'deposit-date'] as const;
    const packed: number[] = [];
    const slashed: { name: (typeof names)[number]; monthFirst: number; dayFirst: number; slot: number }[] =
      [];
    for (const name of names) {
      const index = this.columns![name];
      const start = this.starts[index]!;
      const end = this.ends[index]!;
      const value = this.dates.read(bytes, start, end);
      if (value >= 0) {
        packed.push(value);
        continue;
      }
      if (!this.slashDates.read(bytes, start, end)) {
        return this.fieldError('BAD_DATE', name, `is not a date: ${this.dates.error}`, bytes);
      }
      const { monthFirst, dayFirst } = this.slashDates;
      if (monthFirst < 0 && dayFirst < 0) {
        return this.fieldError('BAD_DATE', name, 'is not a valid calendar date', bytes);
      }
      if (monthFirst < 0) this.slashDates.order ??= 'day-first';
      else if (dayFirst < 0) this.slashDates.order ??= 'month-first';
      slashed.push({ name, monthFirst, dayFirst, slot: packed.length });
      packed.push(-1);
    }
    if (slashed.length > 0) {
      const plausible = (order: 'month-first' | 'day-first') => {
        const values = packed.map((v, i) => {
          const s = slashed.find((x) => x.slot === i);
          return s ? (order === 'month-first' ? s.monthFirst : s.dayFirst) : v;
        });
        const [a, b, c] = values.map((v) => (v < 0 ? Number.NaN : dayNumber(v))) as [number, number, number];
        return a <= b && b <= c && b - a <= 92 && c - b <= 31 ? values : undefined;
      };
      let order = this.slashDates.order;
      if (!order) {
        const m = plausible('month-first');
        const d = plausible('day-first');
        if (m && !d) order = 'month-first';
        else if (d && !m) order = 'day-first';
        else if (m && d && m.every((v, i) => v === d[i])) order = undefined;
        else {
          const s = slashed[0]!;
          return this.fieldError(
            'AMBIGUOUS_DATE',
            s.name,
            `could be ${isoDate(s.monthFirst)} (month first) or ${isoDate(s.dayFirst)} (day first), and the summary row's other dates do not settle which`,
            bytes,
            `write the summary row's dates as YYYY-MM-DD, or ${WHERE_TO_GET}`,
          );
        }
        this.slashDates.order = order;
      }
      for (const s of slashed) {
        const value = order === 'day-first' ? s.dayFirst : s.monthFirst;
        if (value < 0) {
          return this.fieldError(
            'BAD_DATE',
            s.name,
            `is not a valid date in ${order} order, which this file's other dates use`,
            bytes,
          );
        }
        packed[s.slot] = value;
      }
    }
    return packed as [number, number, number];
  }

  /**
   * The posted date of a detail row: posted-date as Amazon writes it; else (blank, or
   * rewritten by a spreadsheet) posted-date-time; else a spreadsheet's `A/B/YYYY` settled by
   * the order the file has shown, or by the one reading that falls in the settlement period.
   * Returns -1 with `this.dateError` set.
   */
  private postedDate(bytes: Uint8Array): number {
    const columns = this.columns!;
    const starts = this.starts;
    const ends = this.ends;
    const dates = this.dates;
    const postedIndex = columns['posted-date'];
    const timeIndex = columns['posted-date-time'] < 0 ? EMPTY : columns['posted-date-time'];
    const hasPosted = !this.isBlank(postedIndex);
    if (hasPosted) {
      const posted = dates.read(bytes, starts[postedIndex]!, ends[postedIndex]!);
      if (posted >= 0) {
        if (!this.isBlank(timeIndex) && dates.read(bytes, starts[timeIndex]!, ends[timeIndex]!) < 0) {
          this.dateError = this.fieldError(
            'BAD_DATE',
            'posted-date-time',
            `is not a date: ${dates.error}`,
            bytes,
          );
          return -1;
        }
        return posted;
      }
    }
    const postedError = dates.error;
    if (!this.isBlank(timeIndex)) {
      const time = dates.read(bytes, starts[timeIndex]!, ends[timeIndex]!);
      if (time < 0) {
        this.dateError = this.fieldError(
          'BAD_DATE',
          'posted-date-time',
          `is not a date: ${dates.error}`,
          bytes,
        );
        return -1;
      }
      if (hasPosted) {
        const f = this.postedFallback;
        if (f.rows++ === 0) {
          f.line = this.lineNo;
          f.found = clipText(this.text(bytes, starts[postedIndex]!, ends[postedIndex]!));
        }
        // A spreadsheet's rewrite next to the true date shows the file's slash order.
        if (!this.slashDates.order && this.slashDates.read(bytes, starts[postedIndex]!, ends[postedIndex]!)) {
          const { monthFirst, dayFirst } = this.slashDates;
          if (monthFirst === time && dayFirst !== time) this.slashDates.order = 'month-first';
          else if (dayFirst === time && monthFirst !== time) this.slashDates.order = 'day-first';
        }
      }
      return time;
    }
    if (!hasPosted) {
      this.dateError = this.fieldError(
        'BAD_DATE',
        'posted-date',
        `is blank, and so is posted-date-time${timeIndex === EMPTY ? ' (or the file has no such column)' : ''}`,
        bytes,
      );
      return -1;
    }
    const slash = this.slashDates;
    if (!slash.read(bytes, starts[postedIndex]!, ends[postedIndex]!)) {
      this.dateError = this.fieldError('BAD_DATE', 'posted-date', `is not a date: ${postedError}`, bytes);
      return -1;
    }
    const s = this.slashRows;
    if (s.rows++ === 0) {
      s.line = this.lineNo;
      s.found = clipText(this.text(bytes, starts[postedIndex]!, ends[postedIndex]!));
    }
    const { monthFirst, dayFirst } = slash;
    if (monthFirst < 0 && dayFirst < 0) {
      this.dateError = this.fieldError('BAD_DATE', 'posted-date', 'is not a valid calendar date', bytes);
      return -1;
    }
    if (slash.order) {
      const value = slash.order === 'month-first' ? monthFirst : dayFirst;
      if (value < 0) {
        this.dateError = this.fieldError(
          'BAD_DATE',
          'posted-date',
          `is not a valid date in ${slash.order} order, which this file's other dates use`,
          bytes,
        );
      }
      return value;
    }
    if (monthFirst === dayFirst) return monthFirst;
    if (dayFirst < 0) {
      slash.order = 'month-first';
      return monthFirst;
    }
    if (monthFirst < 0) {
      slash.order = 'day-first';
      return dayFirst;
    }
    // Both readings are dates: take the one inside the settlement period (a day's slack for
    // time zones), which also settles the order for the rest of the file.
    const header = this.header!;
    const from = dayNumber(header.periodStartPacked) - 1;
    const to = dayNumber(packedOf(header.depositDate)) + 1;
    const inM = dayNumber(monthFirst) >= from && dayNumber(monthFirst) <= to;
    const inD = dayNumber(dayFirst) >= from && dayNumber(dayFirst) <= to;
    if (inM !== inD) {
      slash.order = inM ? 'month-first' : 'day-first';
      return inM ? monthFirst : dayFirst;
    }
    this.dateError = this.fieldError(
      'AMBIGUOUS_DATE',
      'posted-date',
      `could be ${isoDate(monthFirst)} (month first) or ${isoDate(dayFirst)} (day first); posted-date-time is blank and no other date in the file settles the order`,
      bytes,
      `open the original file from Seller Central (a spreadsheet rewrote this date), or write it as YYYY-MM-DD`,
    );
    return -1;
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
      this.text(bytes, starts[idIndex]!, ends[idIndex]!).trim() !== header.settlementId
    ) {
      return this.fieldError(
        'SETTLEMENT_ID_MISMATCH',
        'settlement-id',
        `differs from the summary row's settlement ${header.settlementId}`,
        bytes,
        'import each settlement from its own file',
      );
    }
    if (!this.isBlank(columns['total-amount'])) {
      return this.fieldError(
        'UNEXPECTED_SUMMARY_ROW',
        'total-amount',
        'is filled on a detail row: a second summary row means two settlements in one file',
        bytes,
        'import each settlement from its own file',
      );
    }
    const currencyIndex = columns.currency;
    if (
      !this.isBlank(currencyIndex) &&
      !isSameBytes(this.currencyBytes, bytes, starts[currencyIndex]!, ends[currencyIndex]!) &&
      this.text(bytes, starts[currencyIndex]!, ends[currencyIndex]!).trim().toUpperCase() !== header.currency
    ) {
      return this.fieldError(
        'CURRENCY_MISMATCH',
        'currency',
        `differs from the settlement currency ${header.currency}`,
        bytes,
      );
    }
    if (this.format === 'V1') return this.v1Row(bytes);

    const amountIndex = columns.amount;
    const amounts = this.amounts!;
    const amount = amounts.read(bytes, starts[amountIndex]!, ends[amountIndex]!);
    if (Number.isNaN(amount)) {
      if (this.isAllBlank()) return undefined;
      return this.fieldError('BAD_AMOUNT', 'amount', `is not an amount: ${amounts.error}`, bytes);
    }
    const posted = this.postedDate(bytes);
    if (posted < 0) return this.dateError;

    const groupId = this.keys.intern(bytes, starts, ends, this.keyColumns!);
    if (groupId >= this.keyTexts.length) {
      const error = this.addKeyText(bytes, this.keyColumns!, null);
      if (error) return error;
    }
    const view = this.view!;
    view.groupId = groupId;
    view.bytes = bytes;
    view.line = this.lineNo;
    view.amountMinor = amount;
    view.postedDate = posted;
    this.rows++;
    this.sink.row(view);
    return undefined;
  }

  /** Decodes a new key's texts once (V1 passes its amount column's fixed amount-type). */
  private addKeyText(
    bytes: Uint8Array,
    keyColumns: KeyColumns,
    v1: (typeof V1_AMOUNTS)[number] | null,
  ): SettlementError | undefined {
    const names = [
      'transaction-type',
      'marketplace-name',
      v1 ? v1.description : 'amount-type',
      'amount-description',
    ];
    const texts: string[] = [];
    for (let f = 0; f < 4; f++) {
      const column = keyColumns[f]!;
      const text = this.checkedText(bytes, this.starts[column]!, this.ends[column]!, column + 1, names[f]!);
      if (typeof text !== 'string') return text;
      texts.push(text);
    }
    if (v1) {
      const transactionType = texts[0]!;
      this.keyTexts.push({
        transactionType,
        marketplaceName: texts[1]!,
        amountType: v1.amountType,
        // A typed column's own type is the description, even when blank (as V2 would leave
        // it); columns without a type take the reason, else a fixed name or the transaction.
        amountDescription:
          v1.description !== 'other-fee-reason-description'
            ? texts[2]!
            : texts[2] || v1.fallback || transactionType,
      });
    } else {
      this.keyTexts.push({
        transactionType: texts[0]!,
        marketplaceName: texts[1]!,
        amountType: texts[2]!,
        amountDescription: texts[3]!,
      });
    }
    return undefined;
  }

  /** A V1 row: one amount per filled amount column, each keyed as V2 would key it. */
  private v1Row(bytes: Uint8Array): SettlementError | undefined {
    const columns = this.columns!;
    const amounts = this.amounts!;
    let posted = -2;
    let emitted = 0;
    for (const key of this.v1Keys) {
      const spec = V1_AMOUNTS[key.amount]!;
      const index = columns[spec.amount];
      if (this.isBlank(index)) continue;
      const amount = amounts.read(bytes, this.starts[index]!, this.ends[index]!);
      if (Number.isNaN(amount)) {
        return this.fieldError('BAD_AMOUNT', spec.amount, `is not an amount: ${amounts.error}`, bytes);
      }
      if (posted === -2) {
        posted = this.postedDate(bytes);
        if (posted < 0) return this.dateError;
      }
      const local = key.interner.intern(bytes, this.starts, this.ends, key.columns);
      let groupId = key.ids[local];
      if (groupId === undefined) {
        groupId = this.keyTexts.length;
        const error = this.addKeyText(bytes, key.columns, spec);
        if (error) return error;
        key.ids[local] = groupId;
      }
      const view = this.view!;
      view.groupId = groupId;
      view.bytes = bytes;
      view.line = this.lineNo;
      view.amountMinor = amount;
      view.postedDate = posted;
      this.rows++;
      emitted++;
      this.sink.row(view);
    }
    if (emitted === 0 && !this.isAllBlank()) {
      const a = this.amountlessRows;
      if (a.rows++ === 0) a.line = this.lineNo;
    }
    return undefined;
  }
}

/** UTF-16 by its byte order mark, or without one by ASCII header text's zero in every other byte. */
function utf16Label(b: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  if (b[0] === 0xff && b[1] === 0xfe) return 'utf-16le';
  if (b[0] === 0xfe && b[1] === 0xff) return 'utf-16be';
  if (b.length >= 4 && b[0] !== 0 && b[1] === 0 && b[2] !== 0 && b[3] === 0) return 'utf-16le';
  if (b.length >= 4 && b[0] === 0 && b[1] !== 0 && b[2] === 0 && b[3] !== 0) return 'utf-16be';
  return undefined;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function crToLf(chunk: Uint8Array): Uint8Array {
  const out = chunk.slice();
  for (let i = 0; i < out.length; i++) if (out[i] === CR) out[i] = LF;
  return out;
}

function countByte(bytes: Uint8Array, start: number, end: number, byte: number): number {
  let n = 0;
  for (let i = start; i < end; i++) if (bytes[i] === byte) n++;
  return n;
}

function packedOf(iso: string): number {
  return Number(iso.slice(0, 4)) * 10000 + Number(iso.slice(5, 7)) * 100 + Number(iso.slice(8, 10));
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
      `the file could not be read: ${cause instanceof Error ? cause.message : String(cause)}; try again, or copy the file somewhere local first`,
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

/**
 * A settlement file's bytes as text, by the rules the parser applies to bytes: UTF-16 by its
 * byte order mark or the header's zero bytes, else UTF-8, else Windows-1252. For callers that
 * must pass text on (a browser message), instead of `File.text()`, which reads every file as
 * UTF-8 and so loses the letters of a Windows-1252 file and all of a UTF-16 one.
 *
 * A file that does not decode cleanly is read once by the parser to decide: it refuses a file
 * mixing UTF-8 and Windows-1252, or UTF-16 with bytes that are not (BAD_ENCODING, naming line
 * and column), which decoding the whole file leniently would silently turn into "GebÃ¼hr" or
 * replacement characters. Any other refusal is left to the caller's parse of the text, which
 * meets the same fault at the same place.
 */
export function decodeSettlementBytes(bytes: Uint8Array): Result<string> {
  const label = utf16Label(bytes);
  try {
    return ok(label ? new TextDecoder(label, { fatal: true }).decode(bytes) : strictUtf8.decode(bytes));
  } catch {
    const read = parseSettlementBytes(bytes, { summary: () => undefined, row: () => undefined });
    if (!read.ok && read.error.code === 'BAD_ENCODING') return read;
    if (label) return ok(new TextDecoder(label).decode(bytes));
    // Kept text that stayed UTF-8 (the stray bytes are in fields the engine does not keep)
    // reads as the parser read it; otherwise the file is Windows-1252.
    if (read.ok && read.value.encoding === 'UTF-8') return ok(lenientUtf8.decode(bytes));
    return ok(windows1252.decode(bytes));
  }
}

/** Parses a settlement already in memory as text (encoded to UTF-8 once, then as bytes). */
export function parseSettlementText(text: string, sink: SettlementSink): Result<ParseStats> {
  return parseSettlementBytes(encoder.encode(text), sink);
}

/** Parses a settlement from a Blob or File (e.g. a download or an `<input type=file>`). */
export function parseSettlementBlob(blob: Blob, sink: SettlementSink): Promise<Result<ParseStats>> {
  return parseSettlementStream(blob.stream() as ReadableStream<Uint8Array>, sink);
}
