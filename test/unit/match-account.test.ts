import { describe, expect, it } from 'vitest';
import { matchAccount } from '../../lib/match-account';
import type { Account } from '../../lib/record-schemas';

const NA_MERCHANT = 'amzn1.merchant.d.AFIXTURENA7Q3ZK2WPX9LM4RT5HV';
const EU_MERCHANT = 'amzn1.merchant.d.AFIXTUREEU4M8N2QX7KZ3WR9PL6T';

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
  const us = account({ name: 'Acme US', merchantId: NA_MERCHANT, amazonAccountName: 'Acme Trading LLC' });
  const ca = account({ name: 'Acme CA', marketplace: 'CA', currency: 'CAD', merchantId: NA_MERCHANT });
  const uk = account({
    name: 'Acme UK',
    marketplace: 'UK',
    currency: 'GBP',
    merchantId: EU_MERCHANT,
    amazonAccountName: 'Acme Trading LLC',
  });
  const legacy = account({ name: 'Old DE', marketplace: 'DE', currency: 'EUR', merchantId: 'A2EXAMPLE123' });

  it('matches by merchant and marketplace ids: one merchant id covers US and CA', () => {
    const ctx = { host: 'h', recognised: true, merchantId: NA_MERCHANT, marketplaceId: 'A2EUQ1WTGCTBG2' };
    expect(matchAccount([us, ca, uk], ctx)).toBe(ca);
  });

  it('matches an account bound with the short seller id when the page shows that id', () => {
    const ctx = { host: 'h', recognised: true, merchantId: 'A2EXAMPLE123', marketplaceId: 'A1PA6795UKMFR9' };
    expect(matchAccount([us, legacy], ctx)).toBe(legacy);
  });

  it('never matches by the header names, which are localised and not unique', () => {
    const ctx = {
      host: 'h',
      recognised: true,
      accountName: 'Acme Trading LLC',
      marketplaceName: 'United Kingdom',
    };
    expect(matchAccount([us, ca, uk], ctx)).toBeUndefined();
  });

  it('matches nothing on an unrecognised page or for another merchant', () => {
    expect(matchAccount([us], { host: 'h', recognised: false })).toBeUndefined();
    expect(matchAccount([us], null)).toBeUndefined();
    const other = { host: 'h', recognised: true, merchantId: EU_MERCHANT, marketplaceId: 'ATVPDKIKX0DER' };
    expect(matchAccount([us, uk], other)).toBeUndefined();
  });
});
