/**
 * Xero's JSON conventions, kept in one place because the SDK depends on them exactly.
 * Dates are Microsoft JSON dates ("/Date(1700000000000+0000)/"); xero-node turns any
 * string starting with "/Date(" into a Date.
 * https://developer.xero.com/documentation/api/accounting/requests-and-responses#json-responses-and-date-formats
 */
export function msDate(ms: number): string {
  return `/Date(${ms}+0000)/`;
}

/** "2024-05-31T00:00:00": the *DateString companions Xero sends next to each date. */
export function xeroDateString(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19);
}

/** The connections API uses .NET style timestamps with seven fractional digits and no zone. */
export function connectionTimestamp(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 23)}0000`;
}

/**
 * Parses the date forms Xero accepts on input: "2024-05-31", "2024-05-31T00:00:00" and
 * "/Date(ms+0000)/". Returns the UTC midnight of the day, or undefined when unreadable.
 */
export function parseXeroDate(value: unknown): number | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const ms = /^\/Date\((-?\d+)([+-]\d{4})?\)\/$/.exec(value);
  if (ms) return startOfUtcDay(Number(ms[1]));
  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:T[\d:.]+Z?)?$/.exec(value);
  if (!iso) return undefined;
  const at = Date.UTC(Number(iso[1]), Number(iso[2]) - 1, Number(iso[3]));
  return Number.isNaN(at) ? undefined : at;
}

export function startOfUtcDay(ms: number): number {
  return ms - (((ms % 86_400_000) + 86_400_000) % 86_400_000);
}

/** Envelope every Accounting API response carries around its resource array. */
export function envelope(
  providerName: string,
  now: number,
  resource: string,
  items: unknown,
): Record<string, unknown> {
  return {
    Id: crypto.randomUUID(),
    Status: 'OK',
    ProviderName: providerName,
    DateTimeUTC: msDate(now),
    [resource]: items,
  };
}
