/**
 * Money as integer minor units plus an ISO 4217 currency code. Nothing in the settlement
 * engine ever holds an amount as a float: amounts are parsed straight into minor units
 * (lib/settlement/numbers.ts) and formatted back to decimal strings only at the edges.
 */

export interface Money {
  /** The amount in the currency's minor unit (cents, pence, yen, fils). */
  minor: bigint;
  currency: string;
}

/**
 * Minor-unit digits per ISO 4217 (https://www.six-group.com/en/products-services/financial-information/data-standards.html).
 * Covers every currency in lib/marketplaces.ts plus the common 0- and 3-digit currencies,
 * so code never assumes two decimals. A currency not listed here is refused rather than
 * guessed, because a wrong guess would scale every amount by a power of ten.
 */
const MINOR_DIGITS: Readonly<Record<string, 0 | 2 | 3>> = {
  // Marketplace currencies (docs/domain.md#marketplaces).
  USD: 2,
  CAD: 2,
  MXN: 2,
  BRL: 2,
  GBP: 2,
  EUR: 2,
  SEK: 2,
  PLN: 2,
  TRY: 2,
  AED: 2,
  SAR: 2,
  EGP: 2,
  INR: 2,
  ZAR: 2,
  JPY: 0,
  AUD: 2,
  SGD: 2,
  // Other common two-digit currencies a Xero organisation may hold.
  CHF: 2,
  CZK: 2,
  DKK: 2,
  HKD: 2,
  HUF: 2,
  NOK: 2,
  NZD: 2,
  CNY: 2,
  // Zero-digit currencies.
  CLP: 0,
  ISK: 0,
  KRW: 0,
  VND: 0,
  // Three-digit currencies.
  BHD: 3,
  IQD: 3,
  JOD: 3,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  TND: 3,
};

/** Minor digits of `currency`, or undefined when the currency is not known. */
export function minorDigits(currency: string): 0 | 2 | 3 | undefined {
  return Object.hasOwn(MINOR_DIGITS, currency) ? MINOR_DIGITS[currency] : undefined;
}

export function isKnownCurrency(currency: string): boolean {
  return minorDigits(currency) !== undefined;
}

export function knownCurrencies(): string[] {
  return Object.keys(MINOR_DIGITS).sort();
}

function digitsOrThrow(currency: string): number {
  const digits = minorDigits(currency);
  // Callers only reach here with currencies the parser has already accepted, so an unknown
  // one is a programming error, not bad input.
  if (digits === undefined) throw new Error(`Unknown currency ${currency}`);
  return digits;
}

/**
 * `minor` as a decimal string in the currency's own minor digits with a point:
 * 123450n USD → "1234.50", -310n GBP → "-3.10", 1200n JPY → "1200", 12345n KWD → "12.345".
 */
export function formatMinor(minor: bigint, currency: string): string {
  const digits = digitsOrThrow(currency);
  const negative = minor < 0n;
  const abs = (negative ? -minor : minor).toString();
  if (digits === 0) return negative ? `-${abs}` : abs;
  const padded = abs.padStart(digits + 1, '0');
  const whole = padded.slice(0, padded.length - digits);
  const fraction = padded.slice(padded.length - digits);
  return `${negative ? '-' : ''}${whole}.${fraction}`;
}

export function formatMoney(money: Money): string {
  return formatMinor(money.minor, money.currency);
}

export function money(minor: bigint, currency: string): Money {
  return { minor, currency };
}
