/**
 * Amounts, read straight from the file's bytes into integer minor units: no parseFloat,
 * so "0.1" + "0.2" is exactly 30 cents. EU files write decimal commas ("1141,18"), others
 * decimal points; the mark is detected once per file and then held, so a file that mixes
 * them is refused rather than silently read a hundred times too large.
 */

export type DecimalMark = '.' | ',';

const DIGIT_0 = 48;
const DIGIT_9 = 57;
const MINUS = 45;
const PLUS = 43;
const POINT = 46;
const COMMA = 44;
const TOO_LARGE = 'too large to hold exactly';
const THOUSANDS =
  "it has two separators, so one of them separates thousands, which Amazon's files never do (a spreadsheet's number format may have added it)";

/** Whether a decimal point or comma occurs in `bytes[start, end)`. */
function hasMark(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (bytes[i] === POINT || bytes[i] === COMMA) return true;
  return false;
}

/** The amount as written, for a message (amounts are ASCII; anything else shows as "…"). */
function ascii(bytes: Uint8Array, start: number, end: number): string {
  let text = '';
  for (let i = start; i < end && i < start + 40; i++) {
    const c = bytes[i]!;
    text += c < 128 ? String.fromCharCode(c) : '…';
  }
  return text;
}

/**
 * Reads amounts for one file. Per-row results are plain numbers (safe integers) so the hot
 * loop allocates nothing; anything that could lose a unit above Number.MAX_SAFE_INTEGER
 * (about 90 trillion dollars in cents) is refused. Sums are carried as bigint by the caller.
 */
export class AmountReader {
  /** The file's decimal mark, once an amount with a fraction has been seen. */
  mark: DecimalMark | undefined;
  /** Why the last `read` returned NaN. */
  error = '';
  /** The amount that fixed `mark`, as written, so a later mismatch can name it. */
  private markSample = '';

  constructor(
    readonly digits: number,
    mark?: DecimalMark,
  ) {
    this.mark = mark;
  }

  /** The amount in UTF-8 `bytes[start, end)` in minor units, or NaN (reason in `error`). */
  read(bytes: Uint8Array, start: number, end: number): number {
    let i = start;
    let isNegative = false;
    if (i < end) {
      const c = bytes[i]!;
      if (c === MINUS) {
        isNegative = true;
        i++;
      } else if (c === PLUS) {
        i++;
      }
    }
    let value = 0;
    let digitsSeen = 0;
    while (i < end) {
      const c = bytes[i]!;
      if (c < DIGIT_0 || c > DIGIT_9) break;
      value = value * 10 + (c - DIGIT_0);
      digitsSeen++;
      i++;
    }
    let fractionDigits = 0;
    if (i < end) {
      const c = bytes[i]!;
      if (c === POINT || c === COMMA) {
        const mark: DecimalMark = c === POINT ? '.' : ',';
        if (this.mark === undefined) {
          this.mark = mark;
          this.markSample = ascii(bytes, start, end);
        } else if (this.mark !== mark) {
          this.error = hasMark(bytes, i + 1, end)
            ? THOUSANDS
            : `decimal mark "${mark}" but this file's first amount with a fraction, "${this.markSample}", has "${this.mark}"`;
          return Number.NaN;
        }
        i++;
        const fractionStart = i;
        while (i < end) {
          const d = bytes[i]!;
          if (d < DIGIT_0 || d > DIGIT_9) break;
          if (fractionDigits < this.digits) {
            value = value * 10 + (d - DIGIT_0);
            fractionDigits++;
          } else if (d !== DIGIT_0) {
            // Rounding would hide money; more digits than the currency has is bad data.
            let run = i;
            while (run < end && bytes[run]! >= DIGIT_0 && bytes[run]! <= DIGIT_9) run++;
            this.error = hasMark(bytes, run, end)
              ? THOUSANDS
              : `more than ${this.digits} decimal digits${run - fractionStart === 3 ? ` (or "${mark}" separates thousands, which Amazon's files never do)` : ''}`;
            return Number.NaN;
          }
          digitsSeen++;
          i++;
        }
      }
    }
    if (i !== end || digitsSeen === 0) {
      const c = bytes[i]!;
      this.error =
        i === end
          ? 'no digits'
          : c === POINT || c === COMMA
            ? THOUSANDS
            : `unexpected character "${c < 128 ? String.fromCharCode(c) : '…'}"`;
      return Number.NaN;
    }
    for (; fractionDigits < this.digits; fractionDigits++) value *= 10;
    if (!Number.isSafeInteger(value)) {
      this.error = TOO_LARGE;
      return Number.NaN;
    }
    // `0 - 0` keeps "-0.00" from becoming -0, which would print as "-0.00".
    return isNegative ? 0 - value : value;
  }

  /**
   * Like `read` but without the safe-integer limit, for the summary row's total, which is a
   * sum of rows and so may legitimately pass what any single row can hold.
   */
  readBig(bytes: Uint8Array, start: number, end: number): bigint | undefined {
    const small = this.read(bytes, start, end);
    if (!Number.isNaN(small)) return BigInt(small);
    if (this.error !== TOO_LARGE) return undefined;
    // `read` validated the syntax already; only the size failed, so rebuild it as digits.
    let digits = '';
    let fraction = '';
    let isFraction = false;
    let isNegative = false;
    for (let i = start; i < end; i++) {
      const c = bytes[i]!;
      if (c === MINUS) isNegative = true;
      else if (c === POINT || c === COMMA) isFraction = true;
      else if (c >= DIGIT_0 && c <= DIGIT_9) {
        if (isFraction) fraction += String.fromCharCode(c);
        else digits += String.fromCharCode(c);
      }
    }
    const minor = BigInt(`${digits}${fraction.slice(0, this.digits).padEnd(this.digits, '0')}` || '0');
    return isNegative ? -minor : minor;
  }
}

/** One-off parse of an amount string, for callers outside the streaming hot loop. */
export function parseAmount(
  text: string,
  digits: number,
  mark?: DecimalMark,
): { ok: true; minor: bigint; mark: DecimalMark | undefined } | { ok: false; reason: string } {
  const reader = new AmountReader(digits, mark);
  const bytes = new TextEncoder().encode(text);
  const minor = reader.read(bytes, 0, bytes.length);
  if (Number.isNaN(minor)) return { ok: false, reason: reader.error };
  return { ok: true, minor: BigInt(minor), mark: reader.mark };
}
