/**
 * Settlement dates. Amazon writes them in several shapes depending on marketplace and era
 * (DOMAIN.md §2):
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
