/**
 * Amazon marketplaces Settlebridge supports, with Amazon's published ids, currencies and
 * Seller Central hosts (see docs/domain.md#marketplaces and #seller-central: the per-country hosts .fr/.it/.es/.ie/.sa,
 * `.com.sa` and the legacy `sellercentral-japan.amazon.com` appear in public automation
 * code; Ireland's id A28R8C7NBKEWEA is in Amazon's SP-API marketplace table). This is the
 * one list: the manifest's host permissions, the content script's matches and the popup's
 * pickers all derive from it.
 */
export interface Marketplace {
  code: string;
  id: string;
  name: string;
  currency: string;
  /** The host Amazon sends sellers to for this marketplace (used for switching). */
  host: string;
  /** Further hosts that serve the same Seller Central. */
  altHosts: readonly string[];
}

const EU = 'sellercentral-europe.amazon.com';

export const MARKETPLACES = [
  {
    code: 'US',
    id: 'ATVPDKIKX0DER',
    name: 'United States',
    currency: 'USD',
    host: 'sellercentral.amazon.com',
    altHosts: [],
  },
  {
    code: 'CA',
    id: 'A2EUQ1WTGCTBG2',
    name: 'Canada',
    currency: 'CAD',
    host: 'sellercentral.amazon.ca',
    altHosts: [],
  },
  {
    code: 'MX',
    id: 'A1AM78C64UM0Y8',
    name: 'Mexico',
    currency: 'MXN',
    host: 'sellercentral.amazon.com.mx',
    altHosts: [],
  },
  {
    code: 'BR',
    id: 'A2Q3Y263D00KWC',
    name: 'Brazil',
    currency: 'BRL',
    host: 'sellercentral.amazon.com.br',
    altHosts: [],
  },
  {
    code: 'UK',
    id: 'A1F83G8C2ARO7P',
    name: 'United Kingdom',
    currency: 'GBP',
    host: EU,
    altHosts: ['sellercentral.amazon.co.uk'],
  },
  {
    code: 'DE',
    id: 'A1PA6795UKMFR9',
    name: 'Germany',
    currency: 'EUR',
    host: EU,
    altHosts: ['sellercentral.amazon.de'],
  },
  {
    code: 'FR',
    id: 'A13V1IB3VIYZZH',
    name: 'France',
    currency: 'EUR',
    host: EU,
    altHosts: ['sellercentral.amazon.fr'],
  },
  {
    code: 'IT',
    id: 'APJ6JRA9NG5V4',
    name: 'Italy',
    currency: 'EUR',
    host: EU,
    altHosts: ['sellercentral.amazon.it'],
  },
  {
    code: 'ES',
    id: 'A1RKKUPIHCS9HS',
    name: 'Spain',
    currency: 'EUR',
    host: EU,
    altHosts: ['sellercentral.amazon.es'],
  },
  {
    code: 'IE',
    id: 'A28R8C7NBKEWEA',
    name: 'Ireland',
    currency: 'EUR',
    host: EU,
    altHosts: ['sellercentral.amazon.ie'],
  },
  {
    code: 'NL',
    id: 'A1805IZSGTT6HS',
    name: 'Netherlands',
    currency: 'EUR',
    host: 'sellercentral.amazon.nl',
    altHosts: [],
  },
  {
    code: 'BE',
    id: 'AMEN7PMS3EDWL',
    name: 'Belgium',
    currency: 'EUR',
    host: 'sellercentral.amazon.com.be',
    altHosts: [],
  },
  {
    code: 'SE',
    id: 'A2NODRKZP88ZB9',
    name: 'Sweden',
    currency: 'SEK',
    host: 'sellercentral.amazon.se',
    altHosts: [],
  },
  {
    code: 'PL',
    id: 'A1C3SOZRARQ6R3',
    name: 'Poland',
    currency: 'PLN',
    host: 'sellercentral.amazon.pl',
    altHosts: [],
  },
  {
    code: 'TR',
    id: 'A33AVAJ2PDY3EV',
    name: 'Turkey',
    currency: 'TRY',
    host: 'sellercentral.amazon.com.tr',
    altHosts: [],
  },
  {
    code: 'AE',
    id: 'A2VIGQ35RCS4UG',
    name: 'United Arab Emirates',
    currency: 'AED',
    host: 'sellercentral.amazon.ae',
    altHosts: [],
  },
  {
    code: 'SA',
    id: 'A17E79C6D8DWNP',
    name: 'Saudi Arabia',
    currency: 'SAR',
    host: 'sellercentral.amazon.sa',
    altHosts: ['sellercentral.amazon.com.sa'],
  },
  {
    code: 'EG',
    id: 'ARBP9OOSHTCHU',
    name: 'Egypt',
    currency: 'EGP',
    host: 'sellercentral.amazon.eg',
    altHosts: [],
  },
  {
    code: 'IN',
    id: 'A21TJRUUN4KGV',
    name: 'India',
    currency: 'INR',
    host: 'sellercentral.amazon.in',
    altHosts: [],
  },
  {
    code: 'ZA',
    id: 'AE08WJ6YKNBMC',
    name: 'South Africa',
    currency: 'ZAR',
    host: 'sellercentral.amazon.co.za',
    altHosts: [],
  },
  {
    code: 'JP',
    id: 'A1VC38T7YXB528',
    name: 'Japan',
    currency: 'JPY',
    host: 'sellercentral.amazon.co.jp',
    // The older Japanese Seller Central host, still served.
    altHosts: ['sellercentral-japan.amazon.com'],
  },
  {
    code: 'AU',
    id: 'A39IBJ37TRP1C6',
    name: 'Australia',
    currency: 'AUD',
    host: 'sellercentral.amazon.com.au',
    altHosts: [],
  },
  {
    code: 'SG',
    id: 'A19VAU5U5O7RUS',
    name: 'Singapore',
    currency: 'SGD',
    host: 'sellercentral.amazon.sg',
    altHosts: [],
  },
] as const satisfies readonly Marketplace[];

export type MarketplaceCode = (typeof MARKETPLACES)[number]['code'];

export const MARKETPLACE_CODES = MARKETPLACES.map((m) => m.code) as [MarketplaceCode, ...MarketplaceCode[]];

export function marketplaceByCode(code: string): Marketplace | undefined {
  return MARKETPLACES.find((m) => m.code === code);
}

export function marketplaceById(id: string): Marketplace | undefined {
  const bare = id.startsWith('amzn1.mp.o.') ? id.slice('amzn1.mp.o.'.length) : id;
  return MARKETPLACES.find((m) => m.id === bare);
}

/** Every distinct Seller Central host, sorted. */
export function sellerCentralHosts(): string[] {
  const hosts = new Set<string>();
  for (const m of MARKETPLACES) {
    hosts.add(m.host);
    for (const h of m.altHosts) hosts.add(h);
  }
  return [...hosts].sort();
}

/** `https://<host>/*` for every Seller Central host: the manifest's only host permissions. */
export function sellerCentralMatchPatterns(): string[] {
  return sellerCentralHosts().map((h) => `https://${h}/*`);
}

export function isSellerCentralHost(host: string): boolean {
  return sellerCentralHosts().includes(host);
}
