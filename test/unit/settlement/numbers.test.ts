import { describe, expect, it } from 'vitest';
import { AmountReader, parseAmount } from '../../../lib/settlement/numbers.ts';

describe('numbers', () => {
  it.each([
    ['1234.50', 2, 123450n],
    ['-3.10', 2, -310n],
    ['1141,18', 2, 114118n],
    ['95,00', 2, 9500n],
    ['-0,5', 2, -50n],
    ['+7', 2, 700n],
    ['.5', 2, 50n],
    ['1200', 0, 1200n],
    ['12.345', 3, 12345n],
    ['12.3', 3, 12300n],
    ['12.500', 2, 1250n],
    ['-0.00', 2, 0n],
    ['0.1', 2, 10n],
  ])('reads %s with %i minor digits as %s', (text, digits, minor) => {
    const result = parseAmount(text, digits);
    expect(result).toMatchObject({ ok: true, minor });
  });

  it.each([
    ['', 'no digits'],
    ['-', 'no digits'],
    ['12.3456', 'more than 2 decimal digits'],
    // Three digits after one mark may be a thousands group; two marks are one for certain.
    ['12.345', 'more than 2 decimal digits (or "." separates thousands'],
    ['1,234.56', 'one of them separates thousands'],
    ['1.404,83', 'one of them separates thousands'],
    ['1,000.00', 'one of them separates thousands'],
    ['1,234,567', 'one of them separates thousands'],
    ['12a', 'unexpected character'],
    [' 12', 'unexpected character'],
    ['1e5', 'unexpected character'],
    ['99999999999999999999', 'too large'],
  ])('refuses %j (%s)', (text, reason) => {
    const result = parseAmount(text, 2);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(reason);
  });

  it('refuses a "1,234.56" without claiming it has too many decimal digits', () => {
    const result = parseAmount('1,234.56', 2);
    expect(!result.ok && result.reason).not.toContain('decimal digits');
  });

  it('names the amount that fixed the decimal mark when a later one has the other', () => {
    const reader = new AmountReader(2);
    const bytes = (text: string) => new TextEncoder().encode(text);
    const first = bytes('1,000');
    expect(reader.read(first, 0, first.length)).toBe(100);
    const later = bytes('24.99');
    expect(reader.read(later, 0, later.length)).toBeNaN();
    expect(reader.error).toBe(
      'decimal mark "." but this file\'s first amount with a fraction, "1,000", has ","',
    );
  });

  it('holds the decimal mark a file started with', () => {
    expect(parseAmount('1.50', 2, ',')).toMatchObject({ ok: false });
    expect(parseAmount('1,50', 2, ',')).toMatchObject({ ok: true, minor: 150n });
    expect(parseAmount('150', 2, ',')).toMatchObject({ ok: true, minor: 15000n });
  });
});
