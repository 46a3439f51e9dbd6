import { describe, expect, it } from 'vitest';
import { parseContextJson } from '../../../lib/seller-central/context-json';

describe('parseContextJson', () => {
  it('finds ids and names wherever the switcher nests them', () => {
    const json = {
      globalAccount: { globalAccountId: 'amzn1.pa.o.ABC123', accountName: 'Acme Trading LLC' },
      regionalAccount: {
        merchant: { merchantId: 'A1B2C3D4E5F6G7' },
        marketplace: { marketplaceId: 'amzn1.mp.o.ATVPDKIKX0DER', marketplaceName: 'United States' },
      },
    };
    expect(parseContextJson(json)).toEqual({
      partnerAccountId: 'amzn1.pa.o.ABC123',
      accountName: 'Acme Trading LLC',
      merchantId: 'A1B2C3D4E5F6G7',
      marketplaceId: 'amzn1.mp.o.ATVPDKIKX0DER',
      marketplaceName: 'United States',
    });
  });

  it.each([null, 42, 'text', [], { merchantId: '<script>', marketplaceId: 'NOTAMARKET' }])(
    'finds nothing in %o and does not throw',
    (json) => {
      expect(parseContextJson(json)).toEqual({});
    },
  );

  it('stops on deeply nested or cyclic documents', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(parseContextJson(cyclic)).toEqual({});
  });
});
