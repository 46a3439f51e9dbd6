import { describe, expect, it } from 'vitest';
import type { Organisation } from '../../../lib/relay-api';
import { ORGANISATION_FACTS_TTL_MS, OrganisationFactsCache } from '../../../relay/xero/org-facts';

const facts = (currencies: string[]): Organisation => ({
  name: 'Org',
  baseCurrency: 'GBP',
  multiCurrency: true,
  currencies,
});

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('organisation facts cache', () => {
  it('concurrent asks on one connection share one read, then are answered from memory until the TTL', async () => {
    let now = 0;
    const cache = new OrganisationFactsCache(() => now);
    let reads = 0;
    const pending = deferred<Organisation>();
    const read = () => {
      reads++;
      return pending.promise;
    };
    const asks = Array.from({ length: 50 }, () => cache.get('t1', 'c1', read));
    pending.resolve(facts(['GBP']));
    expect(await Promise.all(asks)).toEqual(Array(50).fill(facts(['GBP'])));
    expect(reads).toBe(1);
    now = ORGANISATION_FACTS_TTL_MS - 1;
    await cache.get('t1', 'c1', read);
    expect(reads).toBe(1);
    now = ORGANISATION_FACTS_TTL_MS;
    await cache.get('t1', 'c1', () => Promise.resolve(facts(['GBP', 'USD'])));
    expect(await cache.get('t1', 'c1', read)).toEqual(facts(['GBP', 'USD']));
  });

  it('keeps each connection apart, so one whose access Xero withdrew reads Xero itself', async () => {
    const cache = new OrganisationFactsCache(() => 0);
    await cache.get('t1', 'c1', () => Promise.resolve(facts(['GBP'])));
    const refused = new Error('needs_reconnect');
    await expect(cache.get('t1', 'c2', () => Promise.reject(refused))).rejects.toBe(refused);
  });

  it('never keeps a failure: the next ask reads again', async () => {
    const cache = new OrganisationFactsCache(() => 0);
    await expect(cache.get('t1', 'c1', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await cache.get('t1', 'c1', () => Promise.resolve(facts(['GBP'])))).toEqual(facts(['GBP']));
  });

  it('forgets an organisation for every connection, and does not keep a read that started before', async () => {
    const cache = new OrganisationFactsCache(() => 0);
    await cache.get('t1', 'c1', () => Promise.resolve(facts(['GBP'])));
    await cache.get('t1', 'c2', () => Promise.resolve(facts(['GBP'])));
    const old = deferred<Organisation>();
    const stale = cache.get('t2', 'c3', () => old.promise);
    cache.forget('t1');
    cache.forget('t2');
    expect(await cache.get('t1', 'c1', () => Promise.resolve(facts(['AUD', 'GBP'])))).toEqual(
      facts(['AUD', 'GBP']),
    );
    expect(await cache.get('t1', 'c2', () => Promise.resolve(facts(['AUD', 'GBP'])))).toEqual(
      facts(['AUD', 'GBP']),
    );
    // An ask after the change does not join the read that began before it.
    const fresh = cache.get('t2', 'c3', () => Promise.resolve(facts(['GBP', 'NZD'])));
    old.resolve(facts(['GBP']));
    expect(await stale).toEqual(facts(['GBP']));
    expect(await fresh).toEqual(facts(['GBP', 'NZD']));
    expect(await cache.get('t2', 'c3', () => Promise.resolve(facts(['never'])))).toEqual(
      facts(['GBP', 'NZD']),
    );
  });

  it('a status check drops the kept facts, so a disconnect made inside Xero is noticed at once', async () => {
    const cache = new OrganisationFactsCache(() => 0);
    await cache.get('t1', 'c1', () => Promise.resolve(facts(['GBP'])));
    const disconnected = () => Promise.reject(new Error('401 from Xero'));
    // Within the TTL the kept facts answer: Xero is not asked.
    await expect(cache.get('t1', 'c1', disconnected)).resolves.toEqual(facts(['GBP']));
    cache.drop('t1', 'c1');
    await expect(cache.get('t1', 'c1', disconnected)).rejects.toThrow('401 from Xero');
  });
});
