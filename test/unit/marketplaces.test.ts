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

  it('builds https-only patterns with no wildcard host', () => {
    for (const p of sellerCentralMatchPatterns()) expect(p).toMatch(/^https:\/\/sellercentral[a-z.-]+\/\*$/);
  });
});
