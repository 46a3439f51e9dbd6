import { describe, expect, it } from 'vitest';
import {
  MarketplaceId,
  MerchantId,
  PartnerAccountId,
  upgradeStoredAccountIds,
} from '../../lib/record-schemas';

const firstMessage = (r: { success: boolean; error?: { issues: { message: string }[] } }) =>
  r.error?.issues[0]?.message;

describe('MerchantId', () => {
  it.each([
    'amzn1.merchant.d.AFIXTURENA7Q3ZK2WPX9LM4RT5HV',
    'amzn1.merchant.o.AFIXTUREEU4M8N2QX7KZ3WR9PL6T',
    'A2EXAMPLE123',
    'A1B2C3D4E5F6G7',
  ])('accepts %s', (id) => {
    expect(MerchantId.parse(id)).toBe(id);
  });

  it('trims what the page padded', () => {
    expect(MerchantId.parse(' amzn1.merchant.d.AFIXTURENA7Q3ZK2WPX9LM4RT5HV\n')).toBe(
      'amzn1.merchant.d.AFIXTURENA7Q3ZK2WPX9LM4RT5HV',
    );
  });

  it.each([
    ['amzn1.merchant.x.AFIXTURENA7Q3ZK2WPX9LM4RT5HV', 'must continue "amzn1.merchant.d."'],
    ['amzn1.merchant.d.afixturena7q3zk2wpx9lm4rt5hv', 'must be upper-case'],
    ['amzn1.merchant.d.AFIXTURE-NA7Q3ZK2WPX9LM4RT5HV', 'only hold letters and digits'],
    ['amzn1.merchant.d.ABC', 'wrong length'],
    ['amzn1.pa.d.AFIXTUREACMEGLOBALQ7K2M9XW3', 'must start with "amzn1.merchant."'],
    ['amzn1.merchant.d.AFIXTURENA7Q3ZK2WPX9LM4RT5HV.X', 'wrong number of dot-separated parts'],
    ['<script>', 'expected amzn1.merchant.d.'],
    ['a2example123', 'expected amzn1.merchant.d.'],
    ['', 'expected amzn1.merchant.d.'],
  ])('refuses the look-alike %s, saying why', (id, reason) => {
    const result = MerchantId.safeParse(id);
    expect(result.success).toBe(false);
    expect(firstMessage(result)).toContain('Not an Amazon merchant id');
    expect(firstMessage(result)).toContain(reason);
  });
});

describe('PartnerAccountId', () => {
  it('accepts the real form', () => {
    expect(PartnerAccountId.parse('amzn1.pa.d.AFIXTUREACMEGLOBALQ7K2M9XW3')).toBe(
      'amzn1.pa.d.AFIXTUREACMEGLOBALQ7K2M9XW3',
    );
  });

  it.each([
    ['amzn1.merchant.d.AFIXTURENA7Q3ZK2WPX9LM4RT5HV', 'must start with "amzn1.pa."'],
    ['amzn1.pa.d.lowercase12345', 'must be upper-case'],
    ['amzn1.pa.q.AFIXTUREACMEGLOBAL', 'must continue'],
    ['partner-123', 'must start with "amzn1.pa."'],
  ])('refuses %s, saying why', (id, reason) => {
    const result = PartnerAccountId.safeParse(id);
    expect(firstMessage(result)).toContain('Not an Amazon partner account id');
    expect(firstMessage(result)).toContain(reason);
  });
});

describe('MarketplaceId', () => {
  it('reads the prefixed and the bare form to the bare id', () => {
    expect(MarketplaceId.parse('amzn1.mp.o.A28R8C7NBKEWEA')).toBe('A28R8C7NBKEWEA');
    expect(MarketplaceId.parse('ATVPDKIKX0DER')).toBe('ATVPDKIKX0DER');
  });

  it('tells an unsupported marketplace from a malformed id', () => {
    expect(firstMessage(MarketplaceId.safeParse('amzn1.mp.o.AAHKV2X7AFYLW'))).toBe(
      'Marketplace AAHKV2X7AFYLW is not one Settlebridge supports.',
    );
    expect(firstMessage(MarketplaceId.safeParse('amzn1.mp.o.<x>'))).toContain('Not an Amazon marketplace id');
  });
});

describe('upgradeStoredAccountIds', () => {
  it('keeps valid ids (long or short), trims them, and drops ids in no real format', () => {
    expect(
      upgradeStoredAccountIds({ name: 'a', merchantId: ' A2EXAMPLE123 ', partnerAccountId: 'partner-123' }),
    ).toEqual({ name: 'a', merchantId: 'A2EXAMPLE123' });
    expect(upgradeStoredAccountIds({ merchantId: 'amzn1.merchant.d.bad' })).toEqual({});
  });
});
