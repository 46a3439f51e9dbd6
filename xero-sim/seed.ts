/**
 * Seed data: one organisation per region Settlebridge sells into most (NZ, UK, US, AU, CA),
 * each with the chart of accounts and tax rates Xero gives a new organisation there, and one
 * app client. Ids are fixed so other suites and the demo can name them.
 *
 * Sources for the default charts and tax rates (details per region in charts.ts):
 * - UK: scribd.com/document/747332368/XeroDefaultChartofAccounts-1 (a fresh UK organisation's
 *   export), tenpercentfinancial.co.uk/list-of-nominal-codes-for-xero,
 *   linggardandthomas.co.uk/blog/xero-chart-of-accounts-cheat-sheet,
 *   vjmglobal.com/feeds/blog/xero-chart-accounts-codes-uk.
 * - NZ: Xero's sample GET /Accounts response shipped with the xero_gateway gem;
 *   support.infocaresolutions.co.nz/support/solutions/articles/48001185835.
 * - US: scribd.com/document/485270467 (a US organisation's chart export);
 *   help.xero.com/us/Tax-SetDefaults.
 * - AU and tax types of all regions: eswap.global/help/how-your-default-tax-rate-works;
 *   help.xero.com/au/Settings_TaxRatesView.
 * - CA (global edition): help.xero.com/int/SalesTax-Canada; support.flexibake.com
 *   "Setup Tax Profiles for Xero" (CANxxx rates, NONE "Tax Exempt", OUTPUT "Tax on Sales").
 * Shapes follow XeroAPI/Xero-OpenAPI xero_accounting.yaml (Account, TaxRate, TrackingCategory).
 */
import { z } from 'zod';
import {
  ACCOUNT_CLASS,
  AU_CHART,
  AU_TAX_RATES,
  CA_CHART,
  CA_TAX_RATES,
  type ChartRow,
  NZ_CHART,
  NZ_TAX_RATES,
  type TaxRow,
  UK_CHART,
  UK_TAX_RATES,
  US_CHART,
  US_TAX_RATES,
} from './charts.ts';

export interface SeedAccount {
  AccountID: string;
  Code: string;
  Name: string;
  Type: string;
  Class: string;
  Status: 'ACTIVE' | 'ARCHIVED';
  TaxType: string;
  /** Xero-managed accounts (receivables, tax) that no line item may post to. */
  SystemAccount?: string;
}

export interface SeedTaxRate {
  Name: string;
  TaxType: string;
  /** Percent, e.g. 15 or 12.5. */
  Rate: number;
  Status: 'ACTIVE' | 'DELETED';
  /** Decides which account classes the rate applies to (charts.ts `classesFor`); default NONE. */
  ReportTaxType?: TaxRow[3];
}

export interface SeedTrackingOption {
  TrackingOptionID: string;
  Name: string;
  Status: 'ACTIVE' | 'ARCHIVED';
}

export interface SeedTrackingCategory {
  TrackingCategoryID: string;
  Name: string;
  Status: 'ACTIVE' | 'ARCHIVED';
  Options: SeedTrackingOption[];
}

export interface SeedContact {
  ContactID: string;
  Name: string;
}

export interface SeedOrganisation {
  OrganisationID: string;
  /** The tenant id clients send in `xero-tenant-id`; for organisations Xero uses a separate GUID. */
  tenantId: string;
  Name: string;
  LegalName: string;
  ShortCode: string;
  BaseCurrency: string;
  CountryCode: string;
  Version: string;
  /** Xero's plan name as the API reports it in `Class`. */
  Class: string;
  Timezone: string;
  /** Whether the plan includes multi-currency (Organisation/Actions `UseMulticurrency`). */
  hasMulticurrency: boolean;
  /** Enabled currencies besides the base one. */
  currencies: string[];
  accounts: SeedAccount[];
  taxRates: SeedTaxRate[];
  trackingCategories?: SeedTrackingCategory[];
  contacts: SeedContact[];
}

export interface SeedClient {
  clientId: string;
  clientSecret: string;
  name: string;
  redirectUris: string[];
  /** Accept any http://localhost|127.0.0.1:<port>/<path> redirect; for tests only. */
  allowAnyLocalhostRedirect: boolean;
}

export interface SeedUser {
  userId: string;
  email: string;
  name: string;
}

export interface SeedData {
  organisations: SeedOrganisation[];
  clients: SeedClient[];
  user: SeedUser;
}

export const SEED_CLIENT_ID = 'SETTLEBRIDGESIMCLIENT0000000001';
export const SEED_CLIENT_SECRET = 'sim-secret-for-local-tests-only-0001';
export const SEED_REDIRECT_URIS = [
  'http://127.0.0.1:8787/xero/callback',
  'http://localhost:8787/xero/callback',
];
/** Base NZD, plan without multi-currency. */
export const NZ_TENANT_ID = 'a3f1c2d4-6b7e-4f80-9a1b-2c3d4e5f6071';
/** Base GBP, multi-currency with USD and EUR enabled. */
export const UK_TENANT_ID = 'b4e2d3c5-7c8f-4a91-8b2c-3d4e5f607182';
/** Base USD, multi-currency with CAD enabled. */
export const US_TENANT_ID = 'c1a2b3c4-8d9e-4f01-9a2b-3c4d5e6f7081';
/** Base AUD, plan without multi-currency. */
export const AU_TENANT_ID = 'd2b3c4d5-9e0f-4a12-8b3c-4d5e6f708192';
/** Base CAD (Xero's global edition), multi-currency with USD enabled. */
export const CA_TENANT_ID = 'e3c4d5e6-0f1a-4b23-9c4d-5e6f708192a3';

function accountId(org: number, index: number): string {
  return `0a0c0000-0000-4000-8000-${(org * 0x1000 + index).toString(16).padStart(12, '0')}`;
}

/**
 * A region's default chart (charts.ts, where each listing is cited) as seed accounts, plus
 * the accounts given in `extra` (an archived one, or an Amazon section for suites that
 * test posting rather than setup).
 */
function chartAccounts(org: number, rows: ChartRow[], extra: ChartRow[] = [], archived: ChartRow[] = []) {
  const all = [
    ...rows.map((r) => ({ r, Status: 'ACTIVE' as const })),
    ...extra.map((r) => ({ r, Status: 'ACTIVE' as const })),
    ...archived.map((r) => ({ r, Status: 'ARCHIVED' as const })),
  ];
  return all.map(
    ({ r: [Code, Name, Type, TaxType, SystemAccount], Status }, i): SeedAccount => ({
      AccountID: accountId(org, i + 1),
      Code,
      Name,
      Type,
      Class: ACCOUNT_CLASS[Type],
      Status,
      TaxType,
      ...(SystemAccount ? { SystemAccount } : {}),
    }),
  );
}

function taxRates(rows: TaxRow[], deleted: TaxRow[] = []): SeedTaxRate[] {
  return [
    ...rows.map(([TaxType, Name, Rate, ReportTaxType]) => ({
      Name,
      TaxType,
      Rate,
      Status: 'ACTIVE' as const,
      ReportTaxType,
    })),
    ...deleted.map(([TaxType, Name, Rate, ReportTaxType]) => ({
      Name,
      TaxType,
      Rate,
      Status: 'DELETED' as const,
      ReportTaxType,
    })),
  ];
}

function tracking(org: number, categories: Record<string, string[]>): SeedTrackingCategory[] {
  return Object.entries(categories).map(([Name, options], c) => ({
    TrackingCategoryID: `0b0c0000-0000-4000-8000-${(org * 0x100 + c * 0x10).toString(16).padStart(12, '0')}`,
    Name,
    Status: 'ACTIVE',
    Options: options.map((option, o) => ({
      TrackingOptionID: `0b0c0000-0000-4000-9000-${(org * 0x100 + c * 0x10 + o + 1).toString(16).padStart(12, '0')}`,
      Name: option,
      Status: 'ACTIVE',
    })),
  }));
}

/** Sim choice: every organisation has one account its bookkeeper archived, for the archived-code rules. */
const ARCHIVED_REVENUE: ChartRow = ['205', 'eBay Sales (closed)', 'REVENUE', 'NONE'];

export function defaultSeed(): SeedData {
  return {
    user: {
      userId: 'c5f3e4d6-8d90-4ba2-9c3d-4e5f60718293',
      email: 'bookkeeper@example.com',
      name: 'Sam Bookkeeper',
    },
    clients: [
      {
        clientId: SEED_CLIENT_ID,
        clientSecret: SEED_CLIENT_SECRET,
        name: 'Settlebridge (sim)',
        redirectUris: [...SEED_REDIRECT_URIS],
        allowAnyLocalhostRedirect: false,
      },
    ],
    organisations: [
      {
        OrganisationID: 'd6a4f5e7-9ea1-4cb3-8d4e-5f6071829304',
        tenantId: NZ_TENANT_ID,
        Name: 'Kowhai Outdoor Gear Ltd',
        LegalName: 'Kowhai Outdoor Gear Limited',
        ShortCode: '!kWh9z',
        BaseCurrency: 'NZD',
        CountryCode: 'NZ',
        Version: 'NZ',
        Class: 'GROW',
        Timezone: 'NEWZEALANDSTANDARDTIME',
        hasMulticurrency: false,
        currencies: [],
        accounts: chartAccounts(1, NZ_CHART, [], [ARCHIVED_REVENUE]),
        taxRates: taxRates(NZ_TAX_RATES, [['OUTPUT', '12.5% GST on Income', 12.5, 'OUTPUT']]),
        trackingCategories: [],
        contacts: [
          { ContactID: 'e7b5a6f8-0fb2-4dc4-9e5f-607182930415', Name: 'Amazon.com.au' },
          { ContactID: 'e7b5a6f8-0fb2-4dc4-9e5f-607182930416', Name: 'Amazon.com' },
        ],
      },
      {
        OrganisationID: 'f8c6b7a9-1ac3-4ed5-8f60-718293041526',
        tenantId: UK_TENANT_ID,
        Name: 'Harbourline Trading Ltd',
        LegalName: 'Harbourline Trading Limited',
        ShortCode: '!hBr4q',
        BaseCurrency: 'GBP',
        CountryCode: 'GB',
        Version: 'UK',
        Class: 'COMPREHENSIVE',
        Timezone: 'GMTSTANDARDTIME',
        hasMulticurrency: true,
        currencies: ['USD', 'EUR'],
        accounts: chartAccounts(2, UK_CHART, [], [ARCHIVED_REVENUE]),
        taxRates: taxRates(UK_TAX_RATES, [['SROUTPUT', '17.5% (VAT on Income)', 17.5, 'OUTPUT']]),
        // Sim choice: a seller who already splits reports by sales channel.
        trackingCategories: tracking(2, { Channel: ['Amazon UK', 'Amazon DE', 'Shopify'] }),
        contacts: [
          { ContactID: 'a9d7c8b0-2bd4-4fe6-9071-829304152637', Name: 'Amazon EU S.a.r.l.' },
          { ContactID: 'a9d7c8b0-2bd4-4fe6-9071-829304152638', Name: 'Amazon.com' },
        ],
      },
      {
        OrganisationID: 'a1e2f3a4-2b3c-4d45-8e5f-6a7b8c9d0e1f',
        tenantId: US_TENANT_ID,
        Name: 'Saguaro Supply Co',
        LegalName: 'Saguaro Supply Company LLC',
        ShortCode: '!sGr7x',
        BaseCurrency: 'USD',
        CountryCode: 'US',
        Version: 'US',
        Class: 'ESTABLISHED',
        Timezone: 'MOUNTAINSTANDARDTIME',
        hasMulticurrency: true,
        currencies: ['CAD'],
        accounts: chartAccounts(3, US_CHART, [], [['405', 'Etsy Sales (closed)', 'REVENUE', 'NONE']]),
        taxRates: taxRates(US_TAX_RATES),
        trackingCategories: tracking(3, { Region: ['West', 'East'] }),
        contacts: [{ ContactID: 'b1c2d3e4-3c4d-4e56-9f60-7a8b9c0d1e2f', Name: 'Amazon.com' }],
      },
      {
        OrganisationID: 'b2f3a4b5-3c4d-4e56-9f60-7b8c9d0e1f2a',
        tenantId: AU_TENANT_ID,
        Name: 'Wattle Homewares Pty Ltd',
        LegalName: 'Wattle Homewares Pty Ltd',
        ShortCode: '!wTl2m',
        BaseCurrency: 'AUD',
        CountryCode: 'AU',
        Version: 'AU',
        Class: 'GROW',
        Timezone: 'AUSEASTERNSTANDARDTIME',
        hasMulticurrency: false,
        currencies: [],
        accounts: chartAccounts(4, AU_CHART, [], [ARCHIVED_REVENUE]),
        taxRates: taxRates(AU_TAX_RATES),
        trackingCategories: [],
        contacts: [
          { ContactID: 'c2d3e4f5-4d5e-4f67-8a71-8b9c0d1e2f3a', Name: 'Amazon Commercial Services Pty Ltd' },
        ],
      },
      {
        OrganisationID: 'c3a4b5c6-4d5e-4f67-8a71-8c9d0e1f2a3b',
        tenantId: CA_TENANT_ID,
        Name: 'Maple Ridge Goods Inc',
        LegalName: 'Maple Ridge Goods Incorporated',
        ShortCode: '!mPr5k',
        BaseCurrency: 'CAD',
        CountryCode: 'CA',
        Version: 'GLOBAL',
        Class: 'ESTABLISHED',
        Timezone: 'EASTERNSTANDARDTIME',
        hasMulticurrency: true,
        currencies: ['USD'],
        accounts: chartAccounts(5, CA_CHART, [], [ARCHIVED_REVENUE]),
        taxRates: taxRates(CA_TAX_RATES),
        trackingCategories: [],
        contacts: [{ ContactID: 'd3e4f5a6-5e6f-4a78-9b82-9c0d1e2f3a4b', Name: 'Amazon.com.ca ULC' }],
      },
    ],
  };
}

/**
 * The Amazon accounts Settlebridge's CLI default mapping names
 * (lib/settlement/default-mapping.ts), added at whichever of its codes are free in a default
 * chart. Suites that test posting mechanics (retries, limits, crashes) rather than Books
 * setup start from this, as an organisation after its bookkeeper created an Amazon section.
 * Where a default chart already uses a code (UK and NZ 433 Insurance, 825 PAYE Payable, 412
 * Consulting) the existing account stays: a line sent there posts to it, as in Xero.
 */
export const AMAZON_SECTION: ChartRow[] = [
  ['201', 'Amazon Sales', 'REVENUE', 'NONE'],
  ['202', 'Amazon Shipping Income', 'REVENUE', 'NONE'],
  ['203', 'Amazon Refunds', 'REVENUE', 'NONE'],
  ['210', 'Amazon Refunds and Chargebacks', 'REVENUE', 'NONE'],
  ['215', 'Amazon Promotions', 'REVENUE', 'NONE'],
  ['410', 'Amazon Seller Fees', 'OVERHEADS', 'NONE'],
  ['411', 'Amazon FBA Fees', 'OVERHEADS', 'NONE'],
  ['430', 'Amazon Selling Fees', 'OVERHEADS', 'NONE'],
  ['431', 'Amazon FBA Fulfilment Fees', 'OVERHEADS', 'NONE'],
  ['432', 'Amazon FBA Storage Fees', 'OVERHEADS', 'NONE'],
  ['434', 'Amazon Subscription', 'OVERHEADS', 'NONE'],
  ['615', 'Amazon Reserve Balance', 'CURRENT', 'NONE'],
  ['616', 'Amazon Settlement Clearing', 'CURRENT', 'NONE'],
  ['810', 'Amazon Reserve Balance (mapping)', 'CURRENT', 'NONE'],
  ['815', 'Amazon Clearing', 'CURRENT', 'NONE'],
  ['898', 'Amazon Settlement Discrepancy', 'OVERHEADS', 'NONE'],
  ['899', 'Amazon Unmapped', 'OVERHEADS', 'NONE'],
];

/** `defaultSeed()` with AMAZON_SECTION added to every organisation at its free codes. */
export function seedWithAmazonSection(): SeedData {
  const seed = defaultSeed();
  seed.organisations.forEach((org, o) => {
    const taken = new Set(org.accounts.map((a) => a.Code));
    // Each new account takes the tax rate its region's Sales / Cost of Goods Sold account has.
    const salesTax = org.accounts.find((a) => a.Type === 'REVENUE')?.TaxType ?? 'NONE';
    const costTax = org.accounts.find((a) => a.Type === 'DIRECTCOSTS')?.TaxType ?? 'NONE';
    const noTax = org.CountryCode === 'AU' ? 'BASEXCLUDED' : 'NONE';
    const rows = AMAZON_SECTION.filter(([code]) => !taken.has(code)).map(
      ([code, name, type]): ChartRow => [
        code,
        name,
        type,
        type === 'REVENUE' ? salesTax : type === 'OVERHEADS' ? costTax : noTax,
      ],
    );
    org.accounts.push(...chartAccounts(0x10 + o, [], rows));
  });
  return seed;
}

/**
 * Organisations read from a JSON seed file (`--seed file.json`): same shape as
 * `defaultSeed().organisations`. Checked loosely so a typo fails at start, not mid-test.
 */
const SeedFileSchema = z.object({
  organisations: z
    .array(
      z.looseObject({
        tenantId: z.string().min(1),
        OrganisationID: z.string().min(1),
        Name: z.string().min(1),
        BaseCurrency: z.string().length(3),
        hasMulticurrency: z.boolean(),
        currencies: z.array(z.string().length(3)),
        accounts: z.array(z.looseObject({ Code: z.string(), AccountID: z.string() })),
        taxRates: z.array(z.looseObject({ TaxType: z.string(), Rate: z.number() })),
        contacts: z.array(z.looseObject({ ContactID: z.string(), Name: z.string() })),
      }),
    )
    .min(1),
});

export function parseSeedFile(json: unknown): SeedOrganisation[] {
  return SeedFileSchema.parse(json).organisations as unknown as SeedOrganisation[];
}
