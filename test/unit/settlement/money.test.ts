import { describe, expect, it } from 'vitest';
import { MARKETPLACES } from '../../../lib/marketplaces.ts';
import { formatMinor, minorDigits } from '../../../lib/settlement/money.ts';

describe('money', () => {
  it.each([
    [123450n, 'USD', '1234.50'],
    [-310n, 'GBP', '-3.10'],
    [5n, 'EUR', '0.05'],
    [-5n, 'EUR', '-0.05'],
    [0n, 'USD', '0.00'],
    [1200n, 'JPY', '1200'],
    [-1200n, 'JPY', '-1200'],
    [12345n, 'KWD', '12.345'],
    [7n, 'BHD', '0.007'],
    [123456789012345678901234567890n, 'USD', '1234567890123456789012345678.90'],
  ])('formats %s %s as %s', (minor, currency, expected) => {
    expect(formatMinor(minor, currency)).toBe(expected);
  });

  it('knows the minor digits of every marketplace currency', () => {
    for (const marketplace of MARKETPLACES) expect(minorDigits(marketplace.currency)).toBeDefined();
    expect(minorDigits('JPY')).toBe(0);
    expect(minorDigits('KWD')).toBe(3);
  });

  it('refuses to guess an unknown currency', () => {
    expect(minorDigits('XXX')).toBeUndefined();
    expect(minorDigits('toString')).toBeUndefined();
    expect(() => formatMinor(1n, 'XXX')).toThrow();
  });
});
