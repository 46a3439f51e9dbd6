/**
 * Settlement dates. Amazon writes them in several shapes depending on marketplace and era
 * (docs/domain.md#settlement-report):
 *   2025-06-05T22:07:18+00:00   ISO 8601 with offset
 *   2023-01-15 08:00:00 UTC     ISO-like with a zone name
 *   14.03.2023 07:49:55 UTC     EU day.month.year
 *   2023-01-15 / 14.03.2023     bare posted-date
 * The field order (year-first or day-first) is detected from the first date in the file and
 * then held, so one file cannot mix orders. Dates are taken as the calendar date written in
 * the file (Amazon's own local date for the row); the time and zone are validated but not
 * used to shift the day, because the bookkeeper reconciles against the dates Amazon shows.
 */

export type DateOrder = 'year-first' | 'day-first';

const DIGIT_0 = 48;
const DIGIT_9 = 57;

function digitAt(bytes: Uint8Array, i: number): number {
  const c = bytes[i]!;
  return c >= DIGIT_0 && c <= DIGIT_9 ? c - DIGIT_0 : -1;
}

/** Reads `count` digits at `i`, or -1. */
function digitsAt(bytes: Uint8Array, i: number, count: number, end: number): number {
  if (i + count > end) return -1;
  let value = 0;
  for (let k = 0; k < count; k++) {
    const d = digitAt(bytes, i + k);
    if (d < 0) return -1;
    value = value * 10 + d;
  }
  return value;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function isUpperLetter(c: number): boolean {
  return c >= 65 && c <= 90;
}

/**
 * Reads dates for one file. `read` returns the date packed as yyyymmdd (an integer, so the
 * hot loop allocates nothing) or -1 with the reason in `error`.
 */
export class DateReader {
  order: DateOrder | undefined;
  error = '';

  constructor(order?: DateOrder) {
    this.order = order;
  }

  read(bytes: Uint8Array, start: number, end: number): number {
    let year: number;
    let month: number;
    let day: number;
    let i: number;
    let order: DateOrder;
    if (end - start >= 10 && bytes[start + 4]! === 45 && bytes[start + 7]! === 45) {
      order = 'year-first';
      year = digitsAt(bytes, start, 4, end);
      month = digitsAt(bytes, start + 5, 2, end);
      day = digitsAt(bytes, start + 8, 2, end);
      i = start + 10;
    } else if (end - start >= 10 && bytes[start + 2]! === 46 && bytes[start + 5]! === 46) {
      order = 'day-first';
      day = digitsAt(bytes, start, 2, end);
      month = digitsAt(bytes, start + 3, 2, end);
      year = digitsAt(bytes, start + 6, 4, end);
      i = start + 10;
    } else {
      this.error = 'not a date in a known format (YYYY-MM-DD… or DD.MM.YYYY…)';
      return -1;
    }
    if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
      this.error = 'not a valid calendar date';
      return -1;
    }
    if (this.order === undefined) {
      this.order = order;
    } else if (this.order !== order) {
      this.error = `date is ${order} but this file writes dates ${this.order}`;
      return -1;
    }
    if (i < end && !this.readTimeAndZone(bytes, i, end)) return -1;
    return year * 10000 + month * 100 + day;
  }

  /** Validates "[T ]HH:MM[:SS[.fff]][Z|±HH[:]MM| ZONE]" so a garbled time is not accepted. */
  private readTimeAndZone(bytes: Uint8Array, start: number, end: number): boolean {
    let i = start;
    const sep = bytes[i]!;
    if (sep !== 84 /* T */ && sep !== 32 /* space */) return this.fail('unexpected text after the date');
    i++;
    const hour = digitsAt(bytes, i, 2, end);
    const minute = bytes[i + 2]! === 58 ? digitsAt(bytes, i + 3, 2, end) : -1;
    if (hour < 0 || hour > 23 || minute < 0 || minute > 59) return this.fail('not a valid time');
    i += 5;
    if (i < end && bytes[i]! === 58) {
      const second = digitsAt(bytes, i + 1, 2, end);
      // 60 allows a leap second.
      if (second < 0 || second > 60) return this.fail('not a valid time');
      i += 3;
      if (i < end && bytes[i]! === 46) {
        i++;
        const fractionStart = i;
        while (i < end && digitAt(bytes, i) >= 0) i++;
        if (i === fractionStart) return this.fail('not a valid time');
      }
    }
    if (i === end) return true;
    let c = bytes[i]!;
    if (c === 90 /* Z */) return i + 1 === end || this.fail('unexpected text after the time');
    if (c === 32) {
      i++;
      c = bytes[i]!;
    }
    if (c === 43 || c === 45) {
      const hours = digitsAt(bytes, i + 1, 2, end);
      let j = i + 3;
      if (j < end && bytes[j]! === 58) j++;
      const minutes = digitsAt(bytes, j, 2, end);
      if (hours < 0 || hours > 14 || minutes < 0 || minutes > 59 || j + 2 !== end) {
        return this.fail('not a valid zone offset');
      }
      return true;
    }
    // Zone names such as UTC, GMT, PST, CEST.
    const nameStart = i;
    while (i < end && isUpperLetter(bytes[i]!)) i++;
    const length = i - nameStart;
    if (i !== end || length < 2 || length > 5) return this.fail('not a valid zone');
    return true;
  }

  private fail(reason: string): false {
    this.error = reason;
    return false;
  }
}

/** yyyymmdd → "YYYY-MM-DD". */
export function isoDate(packed: number): string {
  const year = Math.floor(packed / 10000);
  const month = Math.floor(packed / 100) % 100;
  const day = packed % 100;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** yyyymmdd → a month index (year × 12 + month − 1) that orders and compares months. */
export function monthIndex(packed: number): number {
  return Math.floor(packed / 10000) * 12 + (Math.floor(packed / 100) % 100) - 1;
}

/** The last day of the month of `packed`, as "YYYY-MM-DD". */
export function endOfMonth(packed: number): string {
  const year = Math.floor(packed / 10000);
  const month = Math.floor(packed / 100) % 100;
  return isoDate(year * 10000 + month * 100 + daysInMonth(year, month));
}

/** One-off parse to "YYYY-MM-DD", for callers outside the streaming hot loop. */
export function parseSettlementDate(
  text: string,
  order?: DateOrder,
): { ok: true; date: string; order: DateOrder } | { ok: false; reason: string } {
  const reader = new DateReader(order);
  const bytes = new TextEncoder().encode(text);
  const packed = reader.read(bytes, 0, bytes.length);
  if (packed < 0 || reader.order === undefined) return { ok: false, reason: reader.error };
  return { ok: true, date: isoDate(packed), order: reader.order };
}

/**
 * Dates a spreadsheet rewrote: Excel turns a bare `2025-06-06` posted-date into its locale's
 * short date, `6/6/2025` (United States, month first) or `06/06/2025` (most other locales, day
 * first), and saves that text. The order cannot be told from one date alone, so `read` gives
 * both readings and the caller settles it from the file's other dates.
 */
export type SlashOrder = 'month-first' | 'day-first';

export class SlashDateReader {
  /** Set once any date in the file has shown which order it uses. */
  order: SlashOrder | undefined;
  /** The two readings of the last `read`, packed yyyymmdd, or -1 where impossible. */
  monthFirst = -1;
  dayFirst = -1;

  /**
   * True when `bytes[start, end)` is `A/B/YYYY` with an optional time (`14:02`, `2:02:11 PM`);
   * then `monthFirst` and `dayFirst` hold its two readings.
   */
  read(bytes: Uint8Array, start: number, end: number): boolean {
    let i = start;
    const a = this.number(bytes, i, end);
    if (a < 0) return false;
    i += this.length;
    if (bytes[i] !== 47 /* / */) return false;
    i++;
    const b = this.number(bytes, i, end);
    if (b < 0) return false;
    i += this.length;
    if (bytes[i] !== 47) return false;
    i++;
    const year = digitsAt(bytes, i, 4, end);
    if (year < 1000) return false;
    i += 4;
    if (i < end) {
      // Only a time may follow: digits, colons, spaces, an AM/PM marker.
      if (bytes[i] !== 32 && bytes[i] !== 84) return false;
      for (let k = i + 1; k < end; k++) {
        const c = bytes[k]!;
        if (!(digitAt(bytes, k) >= 0 || c === 58 || c === 32 || c === 65 || c === 80 || c === 77))
          return false;
      }
    }
    this.monthFirst = valid(year, a, b);
    this.dayFirst = valid(year, b, a);
    return true;
  }

  private length = 0;

  /** One or two digits at `i` (length in `this.length`), or -1. */
  private number(bytes: Uint8Array, i: number, end: number): number {
    let value = -1;
    this.length = 0;
    for (let k = 0; k < 2 && i + k < end; k++) {
      const d = digitAt(bytes, i + k);
      if (d < 0) break;
      value = (value < 0 ? 0 : value * 10) + d;
      this.length++;
    }
    return value;
  }
}

function valid(year: number, month: number, day: number): number {
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return -1;
  return year * 10000 + month * 100 + day;
}

/** Days since 1970-01-01 of a packed yyyymmdd, to compare dates across month ends. */
export function dayNumber(packed: number): number {
  return (
    Date.UTC(Math.floor(packed / 10000), (Math.floor(packed / 100) % 100) - 1, packed % 100) / 86_400_000
  );
}
