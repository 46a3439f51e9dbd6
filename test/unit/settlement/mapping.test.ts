import { describe, expect, it } from 'vitest';
import { DEFAULT_MAPPING, DEFAULT_MAPPING_DOCUMENT } from '../../../lib/settlement/default-mapping.ts';
import {
  parseMapping,
  parseMappingJson,
  resolveKey,
  SettlementMappingSchema,
} from '../../../lib/settlement/mapping.ts';

const key = (transactionType: string, amountType: string, amountDescription: string) => ({
  transactionType,
  amountType,
  amountDescription,
});

describe('mapping', () => {
  it('ships a default mapping equal to what validating its document gives', () => {
    // DEFAULT_MAPPING is built without zod; it must be exactly the validated document.
    expect(DEFAULT_MAPPING).toStrictEqual(SettlementMappingSchema.parse(DEFAULT_MAPPING_DOCUMENT));
  });

  it.each([
    [key('Order', 'ItemPrice', 'Principal'), '200', 'mapped'],
    [key('Refund', 'ItemPrice', 'Principal'), '210', 'mapped'],
    [key('Refund', 'ItemPrice', 'Tax'), '825', 'mapped'],
    [key('Order', 'ItemFees', 'Commission'), '430', 'mapped'],
    [key('ServiceFee', 'Cost of Advertising', 'TransactionTotalAmount'), '433', 'mapped'],
    [key('other-transaction', 'other-transaction', 'Current Reserve Amount'), '810', 'reserve'],
    [key('other-transaction', 'other-transaction', 'Previous Reserve Amount Balance'), '810', 'reserve'],
    [key('Order', 'itemprice', 'shipping'), '202', 'mapped'],
    [key('other-transaction', 'other-transaction', 'SomethingAmazonInventedToday'), '899', 'unmapped'],
  ])('maps %o to account %s (%s)', (settlementKey, accountCode, kind) => {
    expect(resolveKey(DEFAULT_MAPPING, settlementKey)).toMatchObject({ accountCode, kind });
  });

  it('names an unmapped key in its line description so it stays visible', () => {
    expect(resolveKey(DEFAULT_MAPPING, key('A', 'B', 'C')).description).toBe('Unmapped: A/B/C');
  });

  it('prefers the rule naming more fields, then the earlier one', () => {
    const mapping = parseMapping({
      version: 1,
      accounts: { reserve: '1', clearing: '2', unmapped: '3', discrepancy: '4' },
      rules: [
        { amountType: 'ItemFees', accountCode: '10', description: 'fees' },
        {
          amountType: 'ItemFees',
          amountDescription: 'Commission',
          accountCode: '11',
          description: 'commission',
        },
        { amountType: 'ItemFees', accountCode: '12', description: 'later fees' },
      ],
    });
    expect(mapping.ok).toBe(true);
    if (!mapping.ok) return;
    expect(resolveKey(mapping.value, key('Order', 'ItemFees', 'Commission')).accountCode).toBe('11');
    expect(resolveKey(mapping.value, key('Order', 'ItemFees', 'Other')).accountCode).toBe('10');
    expect(mapping.value.defaultTaxType).toBe('NONE');
  });

  it.each([
    ['not JSON', '{', 'not JSON'],
    ['the wrong version', JSON.stringify({ ...DEFAULT_MAPPING, version: 2 }), 'version'],
    [
      'a rule with two accounts',
      JSON.stringify({
        ...DEFAULT_MAPPING,
        rules: [{ amountType: 'X', accountCode: '1', account: 'reserve', description: 'x' }],
      }),
      'exactly one of accountCode or account',
    ],
    [
      'an over-long account code',
      JSON.stringify({
        ...DEFAULT_MAPPING,
        accounts: { ...DEFAULT_MAPPING.accounts, reserve: '12345678901' },
      }),
      'accounts.reserve',
    ],
  ])('rejects %s with a readable message', (_name, text, message) => {
    const result = parseMappingJson(text);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('BAD_MAPPING');
      expect(result.error.message).toContain(message);
    }
  });
});
