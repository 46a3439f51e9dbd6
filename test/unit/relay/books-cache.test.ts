import { describe, expect, it } from 'vitest';
import type { OrganisationBooks } from '../../../lib/relay-api';
import { BOOKS_TTL_MS, BooksCache } from '../../../relay/xero/books';

function books(tenantId: string, fetchedAt: number): OrganisationBooks {
  return {
    tenantId,
    organisation: {
      name: 'Org',
      countryCode: 'GB',
      baseCurrency: 'GBP',
      shortCode: '!abcde',
      currencies: ['GBP'],
    },
    accounts: [],
    taxRates: [],
    trackingCategories: [],
    fetchedAt,
  };
}

describe('BooksCache', () => {
  it('answers within the TTL and forgets after it', () => {
    let now = 1_000;
    const cache = new BooksCache(() => now);
    cache.set(books('t1', now));
    now += BOOKS_TTL_MS - 1;
    expect(cache.get('t1')?.tenantId).toBe('t1');
    now += 1;
    expect(cache.get('t1')).toBeUndefined();
  });

  it('keeps organisations apart and forgets one on request', () => {
    const cache = new BooksCache(() => 0);
    cache.set(books('t1', 0));
    cache.set(books('t2', 0));
    cache.forget('t1');
    expect(cache.get('t1')).toBeUndefined();
    expect(cache.get('t2')?.tenantId).toBe('t2');
  });
});
