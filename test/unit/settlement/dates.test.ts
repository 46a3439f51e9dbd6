import { describe, expect, it } from 'vitest';
import { DateReader, endOfMonth, monthIndex, parseSettlementDate } from '../../../lib/settlement/dates.ts';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('dates', () => {
  it.each([
    ['2025-06-05T22:07:18+00:00', '2025-06-05', 'year-first'],
    ['2025-06-05T22:07:18Z', '2025-06-05', 'year-first'],
    ['2025-06-05T22:07:18.123-07:00', '2025-06-05', 'year-first'],
    ['2023-01-15 08:00:00 UTC', '2023-01-15', 'year-first'],
    ['2023-01-15 08:00:00 PST', '2023-01-15', 'year-first'],
    ['2023-01-15', '2023-01-15', 'year-first'],
    ['14.03.2023 07:49:55 UTC', '2023-03-14', 'day-first'],
    ['14.03.2023', '2023-03-14', 'day-first'],
    ['29.02.2024', '2024-02-29', 'day-first'],
  ])('reads %s as %s (%s)', (text, date, order) => {
    expect(parseSettlementDate(text)).toEqual({ ok: true, date, order });
  });

  it.each([
    ['', 'known format'],
    ['2023/01/15', 'known format'],
    ['01/15/2023', 'known format'],
    ['2023-02-29', 'calendar date'],
    ['31.04.2023', 'calendar date'],
    ['2023-13-01', 'calendar date'],
    ['2023-01-15 25:00:00 UTC', 'time'],
    ['2023-01-15T08:00:00+25:00', 'zone offset'],
    ['2023-01-15 08:00:00 utc', 'zone'],
    ['2023-01-15x', 'after the date'],
  ])('refuses %j (%s)', (text, reason) => {
    const result = parseSettlementDate(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(reason);
  });

  it('holds the field order the file started with', () => {
    const reader = new DateReader();
    const iso = bytes('2023-01-15');
    const eu = bytes('15.01.2023');
    expect(reader.read(iso, 0, iso.length)).toBe(20230115);
    expect(reader.read(eu, 0, eu.length)).toBe(-1);
    expect(reader.error).toContain('year-first');
  });

  it('does month arithmetic on packed dates', () => {
    expect(endOfMonth(20240205)).toBe('2024-02-29');
    expect(endOfMonth(20231231)).toBe('2023-12-31');
    expect(monthIndex(20250101) - monthIndex(20241231)).toBe(1);
  });
});
