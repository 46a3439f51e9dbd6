/**
 * Exact money for invoice totals. Xero accepts decimal JSON numbers (unit amounts up to
 * four places with unitdp=4, quantities up to four places); we hold every amount as a
 * bigint of 1/10000 units so totals never drift the way float sums do.
 */
import { LosslessNumber } from 'lossless-json';

export const SCALE = 10_000n;

/** Minor-unit digits per currency; Xero rounds line amounts to these. JPY-like have none. */
const ZERO_DECIMAL = new Set(['JPY', 'KRW', 'VND', 'CLP', 'ISK', 'HUF', 'TWD', 'UGX', 'XOF', 'XAF']);

export function currencyDecimals(code: string): number {
  return ZERO_DECIMAL.has(code) ? 0 : 2;
}

/** Parses a JSON number or numeric string into 1/10000 units; undefined when not a number. */
export function toUnits(value: unknown): bigint | undefined {
  let text: string;
  if (value instanceof LosslessNumber) {
    text = value.toString();
  } else if (typeof value === 'number') {
    if (!Number.isFinite(value)) return undefined;
    text = /e/i.test(String(value)) ? value.toFixed(10) : String(value);
  } else if (typeof value === 'string' && value.trim() !== '') {
    text = value.trim();
  } else {
    return undefined;
  }
  const match = /^([+-])?(\d*)(?:\.(\d*))?$/.exec(text);
  if (!match || (match[2] === '' && (match[3] ?? '') === '')) return undefined;
  const sign = match[1] === '-' ? -1n : 1n;
  const whole = BigInt(match[2] || '0');
  const fraction = (match[3] ?? '').padEnd(5, '0');
  let units = whole * SCALE + BigInt(fraction.slice(0, 4));
  // Half away from zero on the fifth decimal, as Xero rounds.
  if (Number(fraction[4]) >= 5) units += 1n;
  return sign * units;
}

/** a * b / d rounded half away from zero. */
export function mulDiv(a: bigint, b: bigint, d: bigint): bigint {
  const n = a * b;
  const negative = n < 0n !== d < 0n;
  const absN = n < 0n ? -n : n;
  const absD = d < 0n ? -d : d;
  const q = (absN + absD / 2n) / absD;
  return negative ? -q : q;
}

/** Rounds 1/10000 units to `dp` decimal places (dp ≤ 4). */
export function roundUnits(units: bigint, dp: number): bigint {
  const step = 10n ** BigInt(4 - dp);
  return mulDiv(units, 1n, step) * step;
}

/** Back to a JSON number at the edge; exact while |value| stays below 2^53 / 10^4. */
export function toNumber(units: bigint): number {
  return Number(units) / 10_000;
}

/** Exact decimal text of 1/10000 units, trailing zeros dropped ("12.5", "-3", "0.0001"). */
export function toDecimalText(units: bigint): string {
  const sign = units < 0n ? '-' : '';
  const abs = units < 0n ? -units : units;
  const fraction = String(abs % SCALE)
    .padStart(4, '0')
    .replace(/0+$/, '');
  return `${sign}${abs / SCALE}${fraction ? `.${fraction}` : ''}`;
}

/**
 * A JSON number that keeps every digit, for amounts beyond what a double holds. Xero's
 * API is .NET (decimal amounts); the sim answers with the same digits it stored.
 */
export function toJsonDecimal(units: bigint): LosslessNumber {
  return new LosslessNumber(toDecimalText(units));
}
