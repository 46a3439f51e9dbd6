import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AU_TENANT_ID,
  CA_TENANT_ID,
  defaultSeed,
  NZ_TENANT_ID,
  UK_TENANT_ID,
  US_TENANT_ID,
} from '../../xero-sim/seed.ts';
import { api, connect, startTestSim } from './helpers.ts';

type Sim = Awaited<ReturnType<typeof startTestSim>>;
// biome-ignore lint/suspicious/noExplicitAny: the tests read arbitrary Xero JSON by path
type Json = Record<string, any>;

function invoice(line: Json): Json {
  return {
    Type: 'ACCREC',
    Contact: { Name: 'Amazon.com' },
    Date: '2024-05-31',
    DueDate: '2024-06-14',
    LineAmountTypes: 'Exclusive',
    Status: 'AUTHORISED',
    LineItems: [{ Description: 'Amazon sales', Quantity: 1, UnitAmount: 100, ...line }],
  };
}

describe('xero-sim default charts, tax rates and tracking', () => {
  let sim: Sim;
  let token: string;
  const call = (tenant: string, path: string, init: Parameters<typeof api>[4] = {}) =>
    api(sim, token, tenant, path, init);
  const json = async (tenant: string, path: string) => (await (await call(tenant, path)).json()) as Json;
  const putAccount = async (tenant: string, body: Json) => {
    const res = await call(tenant, '/Accounts', { method: 'PUT', body });
    return { status: res.status, body: (await res.json()) as Json };
  };
  const putInvoice = async (tenant: string, body: Json) => {
    const res = await call(tenant, '/Invoices', { method: 'PUT', body: { Invoices: [body] } });
    return { status: res.status, body: (await res.json()) as Json };
  };
  const errors = (body: Json) =>
    (body.Elements?.[0]?.ValidationErrors ?? []).map((e: Json) => e.Message as string) as string[];

  beforeAll(async () => {
    // The plain default charts, without the Amazon section the posting suites add.
    sim = await startTestSim({ seed: defaultSeed() });
  });
  beforeEach(async () => {
    await sim.controls.reset();
    token = (await connect(sim)).access_token;
  });
  afterAll(() => sim.stop());

  it('gives a UK organisation Xero’s default chart: 825 PAYE Payable, 433 Insurance, 820 the VAT system account', async () => {
    const accounts = (await json(UK_TENANT_ID, '/Accounts')).Accounts as Json[];
    const byCode = new Map(accounts.map((a) => [a.Code, a]));
    expect(byCode.get('825')).toMatchObject({ Name: 'PAYE Payable', Class: 'LIABILITY', Status: 'ACTIVE' });
    expect(byCode.get('433')).toMatchObject({ Name: 'Insurance', Class: 'EXPENSE' });
    expect(byCode.get('820')).toMatchObject({ Name: 'VAT', SystemAccount: 'GST' });
    expect(byCode.get('610')).toMatchObject({ SystemAccount: 'DEBTORS' });
    expect(byCode.get('205')).toMatchObject({ Status: 'ARCHIVED' });
    for (const code of ['210', '215', '430', '431', '432', '434', '815', '898', '899']) {
      expect(byCode.has(code), code).toBe(false);
    }
    expect(accounts.some((a) => /amazon/i.test(a.Name))).toBe(false);
  });

  it.each([
    [NZ_TENANT_ID, 'NZ', 'OUTPUT2', 'NONE'],
    [UK_TENANT_ID, 'GB', 'OUTPUT2', 'NONE'],
    [US_TENANT_ID, 'US', 'OUTPUT', 'NONE'],
    [AU_TENANT_ID, 'AU', 'OUTPUT', 'BASEXCLUDED'],
    [CA_TENANT_ID, 'CA', 'OUTPUT', 'NONE'],
  ])(
    'seeds %s (%s) with its region’s sales and no-tax rates and a ShortCode',
    async (tenant, country, sales, noTax) => {
      const org = (await json(tenant, '/Organisation')).Organisations[0] as Json;
      expect(org.CountryCode).toBe(country);
      expect(org.ShortCode).toMatch(/^!\w{5}$/);
      const rates = (await json(tenant, '/TaxRates')).TaxRates as Json[];
      const types = rates.filter((r) => r.Status === 'ACTIVE').map((r) => r.TaxType);
      expect(types).toContain(sales);
      expect(types).toContain(noTax);
    },
  );

  it('has no NONE rate in Australia and files a NONE line as BAS Excluded', async () => {
    const rates = (await json(AU_TENANT_ID, '/TaxRates')).TaxRates as Json[];
    expect(rates.map((r) => r.TaxType)).not.toContain('NONE');
    const res = await putInvoice(AU_TENANT_ID, invoice({ AccountCode: '200', TaxType: 'NONE' }));
    expect(res.status).toBe(200);
    expect(res.body.Invoices[0].LineItems[0].TaxType).toBe('BASEXCLUDED');
    expect(res.body.Invoices[0].TotalTax).toBe(0);
  });

  it('says which classes each rate applies to', async () => {
    const rates = (await json(UK_TENANT_ID, '/TaxRates')).TaxRates as Json[];
    const byType = new Map(rates.map((r) => [r.TaxType, r]));
    expect(byType.get('OUTPUT2')).toMatchObject({ CanApplyToRevenue: true, CanApplyToExpenses: false });
    expect(byType.get('INPUT2')).toMatchObject({ CanApplyToRevenue: false, CanApplyToExpenses: true });
    expect(byType.get('NONE')).toMatchObject({ CanApplyToRevenue: true, CanApplyToExpenses: true });
  });

  it('refuses a sales rate on an expense account with Xero’s message', async () => {
    const res = await putInvoice(UK_TENANT_ID, invoice({ AccountCode: '429', TaxType: 'OUTPUT2' }));
    expect(res.status).toBe(400);
    expect(errors(res.body)).toContain("The TaxType code 'OUTPUT2' cannot be used with account code '429'.");
  });

  it('refuses unknown, archived and system account codes on a line with Xero’s messages', async () => {
    const unknown = await putInvoice(UK_TENANT_ID, invoice({ AccountCode: '899' }));
    expect(errors(unknown.body)).toContain("Account code '899' is not a valid code for this document.");
    const archived = await putInvoice(UK_TENANT_ID, invoice({ AccountCode: '205' }));
    expect(errors(archived.body)).toContain(
      "Account code '205' has been archived, or has been deleted. Each line item must reference a valid account.",
    );
    const system = await putInvoice(UK_TENANT_ID, invoice({ AccountCode: '820' }));
    expect(errors(system.body)).toContain("Account code '820' is not a valid code for this document.");
  });

  it('lists tracking categories with their active options', async () => {
    const body = await json(UK_TENANT_ID, '/TrackingCategories');
    expect(body.TrackingCategories).toHaveLength(1);
    expect(body.TrackingCategories[0]).toMatchObject({ Name: 'Channel', Status: 'ACTIVE' });
    expect(body.TrackingCategories[0].Options.map((o: Json) => o.Name)).toEqual([
      'Amazon UK',
      'Amazon DE',
      'Shopify',
    ]);
    expect((await json(NZ_TENANT_ID, '/TrackingCategories')).TrackingCategories).toEqual([]);
  });

  describe('PUT /Accounts', () => {
    it('creates an account that a line may then post to', async () => {
      const res = await putAccount(UK_TENANT_ID, {
        Code: '4100',
        Name: 'Amazon Seller Fees',
        Type: 'OVERHEADS',
        TaxType: 'INPUT2',
      });
      expect(res.status).toBe(200);
      expect(res.body.Accounts[0]).toMatchObject({
        Code: '4100',
        Name: 'Amazon Seller Fees',
        Class: 'EXPENSE',
        Status: 'ACTIVE',
        TaxType: 'INPUT2',
      });
      expect(res.body.Accounts[0].AccountID).toMatch(/^[0-9a-f-]{36}$/);
      const listed = (await json(UK_TENANT_ID, '/Accounts')).Accounts as Json[];
      expect(listed.some((a) => a.Code === '4100')).toBe(true);
      const posted = await putInvoice(
        UK_TENANT_ID,
        invoice({ AccountCode: '4100', TaxType: 'INPUT2', UnitAmount: 10 }),
      );
      expect(posted.status).toBe(200);
    });

    it.each([
      [
        'a code in use',
        { Code: '433', Name: 'Amazon Advertising', Type: 'OVERHEADS' },
        'Please enter a unique Code.',
      ],
      [
        'an archived account’s code',
        { Code: '205', Name: 'Amazon Sales', Type: 'REVENUE' },
        'Please enter a unique Code.',
      ],
      [
        'a name in use, in any case',
        { Code: '4101', Name: 'insurance', Type: 'OVERHEADS' },
        'Please enter a unique Name.',
      ],
      ['no code', { Name: 'Amazon Sales', Type: 'REVENUE' }, 'Please enter a Code.'],
      [
        'a code over 10 characters',
        { Code: '12345678901', Name: 'Amazon Sales', Type: 'REVENUE' },
        'Code must not be more than 10 characters long.',
      ],
      [
        'an unknown type',
        { Code: '4102', Name: 'Amazon Sales', Type: 'INCOME' },
        "'INCOME' is not a valid account Type.",
      ],
      [
        'a rate that does not exist',
        { Code: '4103', Name: 'Amazon Sales', Type: 'REVENUE', TaxType: 'OUTPUT' },
        "The TaxType code 'OUTPUT' does not exist or cannot be used for this type of transaction.",
      ],
      [
        'a purchase rate on revenue',
        { Code: '4104', Name: 'Amazon Sales', Type: 'REVENUE', TaxType: 'INPUT2' },
        "The TaxType code 'INPUT2' cannot be used with account code '4104'.",
      ],
    ])('refuses %s and creates nothing', async (_label, body, message) => {
      const before = ((await json(UK_TENANT_ID, '/Accounts')).Accounts as Json[]).length;
      const res = await putAccount(UK_TENANT_ID, body);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ ErrorNumber: 10, Type: 'ValidationException' });
      expect(errors(res.body)).toContain(message);
      expect(((await json(UK_TENANT_ID, '/Accounts')).Accounts as Json[]).length).toBe(before);
    });
  });
});
