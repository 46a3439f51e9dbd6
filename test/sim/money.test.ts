import { describe, expect, it } from 'vitest';
import { mulDiv, roundUnits, toNumber, toUnits } from '../../xero-sim/money.ts';

describe('money', () => {
  it.each([
    [1141.18, 11_411_800n],
    ['95.00', 950_000n],
    [0.1, 1_000n],
    [-171.18, -1_711_800n],
    [0.12345, 1_235n],
    [1e-7, 0n],
  ])('reads %s as exact 1/10000 units', (input, units) => {
    expect(toUnits(input)).toBe(units);
  });

  it.each([[Number.NaN], ['abc'], [''], [null], [{}]])('rejects %s', (input) => {
    expect(toUnits(input)).toBeUndefined();
  });

  it('rounds half away from zero', () => {
    expect(roundUnits(50n, 2)).toBe(100n);
    expect(roundUnits(49n, 2)).toBe(0n);
    expect(roundUnits(-50n, 2)).toBe(-100n);
    expect(mulDiv(5n, 1n, 2n)).toBe(3n);
    expect(mulDiv(-5n, 1n, 2n)).toBe(-3n);
  });

  it('sums without float drift', () => {
    const total = [0.1, 0.2, 0.3].map((n) => toUnits(n) ?? 0n).reduce((a, b) => a + b, 0n);
    expect(toNumber(total)).toBe(0.6);
  });
});
