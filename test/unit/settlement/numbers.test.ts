import { describe, expect, it } from 'vitest';
import { parseAmount } from '../../../lib/settlement/numbers.ts';

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
    ['12.345', 'more than 2 decimal digits'],
    ['1,234.56', 'more than 2 decimal digits'],
    ['12a', 'unexpected character'],
    [' 12', 'unexpected character'],
    ['1e5', 'unexpected character'],
    ['99999999999999999999', 'too large'],
  ])('refuses %j (%s)', (text, reason) => {
    const result = parseAmount(text, 2);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(reason);
  });

  it('holds the decimal mark a file started with', () => {
    expect(parseAmount('1.50', 2, ',')).toMatchObject({ ok: false });
    expect(parseAmount('1,50', 2, ',')).toMatchObject({ ok: true, minor: 150n });
    expect(parseAmount('150', 2, ',')).toMatchObject({ ok: true, minor: 15000n });
  });
});
