import { describe, expect, it } from 'vitest';
import {
  isSellerCentralHost,
  MARKETPLACES,
  marketplaceById,
  sellerCentralMatchPatterns,
} from '../../lib/marketplaces';

describe('marketplaces', () => {
  it('lists each marketplace code and id once', () => {
    expect(new Set(MARKETPLACES.map((m) => m.code)).size).toBe(MARKETPLACES.length);
    expect(new Set(MARKETPLACES.map((m) => m.id)).size).toBe(MARKETPLACES.length);
  });

  it('finds a marketplace by its id with or without the amzn1.mp.o. prefix', () => {
    expect(marketplaceById('A1PA6795UKMFR9')?.code).toBe('DE');
    expect(marketplaceById('amzn1.mp.o.A1PA6795UKMFR9')?.code).toBe('DE');
  });

  it.each([
    ['sellercentral.amazon.com', true],
    ['sellercentral-europe.amazon.com', true],
    ['sellercentral.amazon.co.uk', true],
    ['sellercentral.amazon.com.evil.example', false],
    ['evil-sellercentral.amazon.com', false],
    ['www.amazon.com', false],
  ])('says whether %s is Seller Central (%s)', (host, expected) => {
    expect(isSellerCentralHost(host)).toBe(expected);
  });

  it('covers every Seller Central host, including the per-country and legacy ones (pinned)', () => {
    expect(sellerCentralMatchPatterns().map((p) => new URL(p.replace('/*', '/')).host)).toEqual([
      'sellercentral-europe.amazon.com',
      'sellercentral-japan.amazon.com',
      'sellercentral.amazon.ae',
      'sellercentral.amazon.ca',
      'sellercentral.amazon.co.jp',
      'sellercentral.amazon.co.uk',
      'sellercentral.amazon.co.za',
      'sellercentral.amazon.com',
      'sellercentral.amazon.com.au',
      'sellercentral.amazon.com.be',
      'sellercentral.amazon.com.br',
      'sellercentral.amazon.com.mx',
      'sellercentral.amazon.com.sa',
      'sellercentral.amazon.com.tr',
      'sellercentral.amazon.de',
      'sellercentral.amazon.eg',
      'sellercentral.amazon.es',
      'sellercentral.amazon.fr',
      'sellercentral.amazon.ie',
      'sellercentral.amazon.in',
      'sellercentral.amazon.it',
      'sellercentral.amazon.nl',
      'sellercentral.amazon.pl',
      'sellercentral.amazon.sa',
      'sellercentral.amazon.se',
      'sellercentral.amazon.sg',
    ]);
  });

  it('knows Ireland, in euros, on the EU host', () => {
    expect(marketplaceById('amzn1.mp.o.A28R8C7NBKEWEA')).toMatchObject({
      code: 'IE',
      currency: 'EUR',
      host: 'sellercentral-europe.amazon.com',
    });
  });

  it('builds https-only patterns with no wildcard host', () => {
    for (const p of sellerCentralMatchPatterns()) expect(p).toMatch(/^https:\/\/sellercentral[a-z.-]+\/\*$/);
  });
});
