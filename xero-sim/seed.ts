/**
 * Seed data: a realistic pair of organisations (one without multi-currency, one with)
 * and one app client. Ids are fixed so other suites and the demo can name them.
 */
import { z } from 'zod';

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

function account(
  id: number,
  Code: string,
  Name: string,
  Type: string,
  TaxType: string,
  extra: Partial<SeedAccount> = {},
): SeedAccount {
  const klass: Record<string, string> = {
    BANK: 'ASSET',
    CURRENT: 'ASSET',
    REVENUE: 'REVENUE',
    OTHERINCOME: 'REVENUE',
    DIRECTCOSTS: 'EXPENSE',
    EXPENSE: 'EXPENSE',
    CURRLIAB: 'LIABILITY',
    EQUITY: 'EQUITY',
  };
  return {
    AccountID: `0a0c0000-0000-4000-8000-${id.toString(16).padStart(12, '0')}`,
    Code,
    Name,
    Type,
    Class: klass[Type] ?? 'EXPENSE',
    Status: 'ACTIVE',
    TaxType,
    ...extra,
  };
}

/** Xero's standard chart plus the accounts an Amazon bookkeeper adds. */
function chart(idBase: number, sales: string, purchases: string, taxLabel: string): SeedAccount[] {
  const n = (i: number) => idBase + i;
  return [
    account(n(1), '090', 'Business Bank Account', 'BANK', 'NONE'),
    account(n(2), '200', 'Sales', 'REVENUE', sales),
    account(n(3), '201', 'Amazon Sales', 'REVENUE', sales),
    account(n(4), '202', 'Amazon Shipping Income', 'REVENUE', sales),
    account(n(5), '203', 'Amazon Refunds', 'REVENUE', sales),
    account(n(6), '205', 'eBay Sales (closed)', 'REVENUE', sales, { Status: 'ARCHIVED' }),
    account(n(7), '260', 'Other Revenue', 'REVENUE', sales),
    account(n(8), '270', 'Interest Income', 'OTHERINCOME', 'NONE'),
    account(n(9), '310', 'Cost of Goods Sold', 'DIRECTCOSTS', purchases),
    account(n(10), '400', 'Advertising', 'EXPENSE', purchases),
    account(n(11), '404', 'Bank Fees', 'EXPENSE', 'NONE'),
    account(n(12), '410', 'Amazon Seller Fees', 'EXPENSE', purchases),
    account(n(13), '411', 'Amazon FBA Fees', 'EXPENSE', purchases),
    account(n(14), '412', 'Amazon Advertising', 'EXPENSE', purchases),
    account(n(15), '429', 'General Expenses', 'EXPENSE', purchases),
    account(n(16), '610', 'Accounts Receivable', 'CURRENT', 'NONE', { SystemAccount: 'DEBTORS' }),
    account(n(17), '615', 'Amazon Reserve Balance', 'CURRENT', 'NONE'),
    account(n(18), '616', 'Amazon Settlement Clearing', 'CURRENT', 'NONE'),
    account(n(19), '800', 'Accounts Payable', 'CURRLIAB', 'NONE', { SystemAccount: 'CREDITORS' }),
    account(n(20), '820', taxLabel, 'CURRLIAB', 'NONE', { SystemAccount: 'GST' }),
    account(n(21), '970', 'Owner A Funds Introduced', 'EQUITY', 'NONE'),
    // The Amazon section Settlebridge's default mapping suggests (lib/settlement/default-mapping.ts),
    // so a settlement posts without remapping. Its tax lines name 820, which here (as in Xero's
    // standard chart) is the GST/VAT system account that no line may use; 825 is the ordinary
    // liability a bookkeeper maps them to instead.
    account(n(22), '210', 'Amazon Refunds and Chargebacks', 'REVENUE', sales),
    account(n(23), '215', 'Amazon Promotions', 'REVENUE', sales),
    account(n(24), '430', 'Amazon Selling Fees', 'EXPENSE', purchases),
    account(n(25), '431', 'Amazon FBA Fulfilment Fees', 'EXPENSE', purchases),
    account(n(26), '432', 'Amazon FBA Storage Fees', 'EXPENSE', purchases),
    account(n(27), '433', 'Amazon Advertising and Deals', 'EXPENSE', purchases),
    account(n(28), '434', 'Amazon Subscription', 'EXPENSE', purchases),
    account(n(29), '810', 'Amazon Reserve Balance (mapping)', 'CURRENT', 'NONE'),
    account(n(30), '815', 'Amazon Clearing', 'CURRENT', 'NONE'),
    account(n(31), '825', 'Amazon Sales Tax Collected', 'CURRLIAB', 'NONE'),
    account(n(32), '898', 'Amazon Settlement Discrepancy', 'EXPENSE', 'NONE'),
    account(n(33), '899', 'Amazon Unmapped', 'EXPENSE', 'NONE'),
  ];
}

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
        accounts: chart(0x1000, 'OUTPUT2', 'INPUT2', 'GST'),
        taxRates: [
          { Name: 'GST on Income', TaxType: 'OUTPUT2', Rate: 15, Status: 'ACTIVE' },
          { Name: 'GST on Expenses', TaxType: 'INPUT2', Rate: 15, Status: 'ACTIVE' },
          { Name: 'GST on Imports', TaxType: 'GSTONIMPORTS', Rate: 0, Status: 'ACTIVE' },
          { Name: 'Zero Rated', TaxType: 'ZERORATED', Rate: 0, Status: 'ACTIVE' },
          { Name: 'No GST', TaxType: 'NONE', Rate: 0, Status: 'ACTIVE' },
          { Name: 'Old GST 12.5%', TaxType: 'TAX001', Rate: 12.5, Status: 'DELETED' },
        ],
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
        accounts: chart(0x2000, 'OUTPUT2', 'INPUT2', 'VAT'),
        taxRates: [
          { Name: '20% (VAT on Income)', TaxType: 'OUTPUT2', Rate: 20, Status: 'ACTIVE' },
          { Name: '20% (VAT on Expenses)', TaxType: 'INPUT2', Rate: 20, Status: 'ACTIVE' },
          { Name: '5% (VAT on Income)', TaxType: 'RROUTPUT', Rate: 5, Status: 'ACTIVE' },
          { Name: 'Zero Rated Income', TaxType: 'ZERORATEDOUTPUT', Rate: 0, Status: 'ACTIVE' },
          { Name: 'Exempt Income', TaxType: 'EXEMPTOUTPUT', Rate: 0, Status: 'ACTIVE' },
          { Name: 'No VAT', TaxType: 'NONE', Rate: 0, Status: 'ACTIVE' },
          { Name: '17.5% (VAT on Income)', TaxType: 'SROUTPUT', Rate: 17.5, Status: 'DELETED' },
        ],
        contacts: [
          { ContactID: 'a9d7c8b0-2bd4-4fe6-9071-829304152637', Name: 'Amazon EU S.a.r.l.' },
          { ContactID: 'a9d7c8b0-2bd4-4fe6-9071-829304152638', Name: 'Amazon.com' },
        ],
      },
    ],
  };
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
