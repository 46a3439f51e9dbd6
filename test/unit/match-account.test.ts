import { describe, expect, it } from 'vitest';
import { matchAccount } from '../../lib/match-account';
import type { Account } from '../../lib/records';

const account = (over: Partial<Account>): Account => ({
  id: crypto.randomUUID(),
  name: 'x',
  marketplace: 'US',
  currency: 'USD',
  createdAt: 0,
  updatedAt: 0,
  ...over,
});

describe('matchAccount', () => {
  const us = account({
    name: 'Acme US',
    merchantId: 'A1B2C3D4E5F6G7',
    amazonAccountName: 'Acme Trading LLC',
  });
  const ca = account({ name: 'Acme CA', marketplace: 'CA', currency: 'CAD', merchantId: 'A1B2C3D4E5F6G7' });
  const uk = account({
    name: 'Acme UK',
    marketplace: 'UK',
    currency: 'GBP',
    amazonAccountName: 'Acme Trading LLC',
  });

  it('matches by merchant and marketplace ids: one merchant id covers US and CA', () => {
    const ctx = {
      host: 'h',
      recognised: true,
      merchantId: 'A1B2C3D4E5F6G7',
      marketplaceId: 'A2EUQ1WTGCTBG2',
    };
    expect(matchAccount([us, ca, uk], ctx)).toBe(ca);
  });

  it('falls back to the header names recorded at binding', () => {
    const ctx = {
      host: 'h',
      recognised: true,
      accountName: 'Acme Trading LLC',
      marketplaceName: 'United Kingdom',
    };
    expect(matchAccount([us, ca, uk], ctx)).toBe(uk);
  });

  it('matches nothing on an unrecognised page', () => {
    expect(matchAccount([us], { host: 'h', recognised: false })).toBeUndefined();
    expect(matchAccount([us], null)).toBeUndefined();
  });
});
