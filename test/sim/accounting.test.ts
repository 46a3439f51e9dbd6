import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { NZ_TENANT_ID, UK_TENANT_ID } from '../../xero-sim/seed.ts';
import { api, connect, startTestSim } from './helpers.ts';

type Sim = Awaited<ReturnType<typeof startTestSim>>;
// biome-ignore lint/suspicious/noExplicitAny: the tests read arbitrary Xero JSON by path
type Json = Record<string, any>;

function invoice(overrides: Json = {}): Json {
  return {
    Type: 'ACCREC',
    Contact: { Name: 'Amazon.com' },
    Date: '2024-05-31',
    DueDate: '2024-06-14',
    LineAmountTypes: 'Exclusive',
    Status: 'AUTHORISED',
    LineItems: [
      { Description: 'Sales', Quantity: 1, UnitAmount: 100, AccountCode: '201', TaxType: 'OUTPUT2' },
    ],
    ...overrides,
  };
}

describe('accounting API', () => {
  let sim: Sim;
  let token: string;
  const call = (tenant: string, path: string, init: Parameters<typeof api>[4] = {}) =>
    api(sim, token, tenant, path, init);
  const put = async (tenant: string, invoices: Json[], query = '') => {
    const res = await call(tenant, `/Invoices${query}`, { method: 'PUT', body: { Invoices: invoices } });
    return { status: res.status, body: (await res.json()) as Json };
  };
  const firstError = (body: Json) => body.Elements?.[0]?.ValidationErrors?.[0]?.Message as string | undefined;

  beforeAll(async () => {
    sim = await startTestSim();
  });
  beforeEach(async () => {
    await sim.controls.reset();
    token = (await connect(sim)).access_token;
  });
  afterAll(() => sim.stop());

  describe('tracking on invoice lines', () => {
    const tracked = (Tracking: Json[]) =>
      invoice({
        LineItems: [
          {
            Description: 'Sales',
            Quantity: 1,
            UnitAmount: 100,
            AccountCode: '201',
            TaxType: 'OUTPUT2',
            Tracking,
          },
        ],
      });

    it('keeps an active option of an active category on the line', async () => {
      const { status, body } = await put(UK_TENANT_ID, [tracked([{ Name: 'Channel', Option: 'Amazon UK' }])]);
      expect(status).toBe(200);
      expect(body.Invoices[0].LineItems[0].Tracking).toEqual([
        expect.objectContaining({ Name: 'Channel', Option: 'Amazon UK' }),
      ]);
    });

    it.each([
      [[{ Name: 'Channel', Option: 'Amazon FR' }], /Tracking option 'Amazon FR' does not exist/],
      [[{ Name: 'Region', Option: 'West' }], /Tracking category 'Region' does not exist/],
    ])('refuses %j and saves nothing', async (tracking, message) => {
      const before = sim.state.orgs.get(UK_TENANT_ID)!.invoices.size;
      const { status, body } = await put(UK_TENANT_ID, [tracked(tracking)]);
      expect(status).toBe(400);
      expect(firstError(body)).toMatch(message);
      expect(sim.state.orgs.get(UK_TENANT_ID)!.invoices.size).toBe(before);
    });
  });

  describe('organisation and currencies', () => {
    it('reports name, base currency, plan and the multi-currency action per organisation', async () => {
      const org = (await (await call(NZ_TENANT_ID, '/Organisation')).json()) as Json;
      expect(org).toMatchObject({ Status: 'OK', ProviderName: 'Settlebridge (sim)' });
      expect(org.DateTimeUTC).toMatch(/^\/Date\(\d+\+0000\)\/$/);
      expect(org.Organisations[0]).toMatchObject({
        Name: 'Kowhai Outdoor Gear Ltd',
        BaseCurrency: 'NZD',
        Class: 'GROW',
      });
      const actions = (await (await call(NZ_TENANT_ID, '/Organisation/Actions')).json()) as Json;
      expect(actions.Actions).toContainEqual({ Name: 'UseMulticurrency', Status: 'NOT-ALLOWED' });
    });

    it('refuses PUT /Currencies without multi-currency', async () => {
      const res = await call(NZ_TENANT_ID, '/Currencies', { method: 'PUT', body: { Code: 'USD' } });
      expect(res.status).toBe(400);
      expect(((await res.json()) as Json).Type).toBe('ValidationException');
    });

    it('adds a currency with multi-currency, after which invoices in it are accepted', async () => {
      expect((await put(UK_TENANT_ID, [invoice({ CurrencyCode: 'CAD' })])).body.Elements).toBeDefined();
      const res = await call(UK_TENANT_ID, '/Currencies', {
        method: 'PUT',
        body: { Code: 'CAD', Description: 'Canadian Dollar' },
      });
      expect(res.status).toBe(200);
      const list = (await (await call(UK_TENANT_ID, '/Currencies')).json()) as Json;
      expect(list.Currencies.map((c: Json) => c.Code)).toEqual(['GBP', 'USD', 'EUR', 'CAD']);
      expect((await put(UK_TENANT_ID, [invoice({ CurrencyCode: 'CAD' })])).status).toBe(200);
    });

    it('lists the chart of accounts and tax rates', async () => {
      const accounts = (await (await call(UK_TENANT_ID, '/Accounts')).json()) as Json;
      expect(accounts.Accounts.find((a: Json) => a.Code === '201')).toMatchObject({
        Name: 'Amazon Sales',
        Status: 'ACTIVE',
      });
      const filtered = (await (
        await call(UK_TENANT_ID, '/Accounts?where=Status=="ARCHIVED"')
      ).json()) as Json;
      expect(filtered.Accounts.map((a: Json) => a.Code)).toEqual(['205']);
      const rates = (await (await call(UK_TENANT_ID, '/TaxRates')).json()) as Json;
      expect(rates.TaxRates.find((t: Json) => t.TaxType === 'OUTPUT2').EffectiveRate).toBe(20);
    });
  });

  describe('contacts', () => {
    it('creates a contact with PUT and refuses a second one with the same name', async () => {
      const res = await call(NZ_TENANT_ID, '/Contacts', {
        method: 'PUT',
        body: { Contacts: [{ Name: 'Amazon.ca' }] },
      });
      expect(res.status).toBe(200);
      const created = ((await res.json()) as Json).Contacts[0];
      expect(created.ContactID).toMatch(/^[0-9a-f-]{36}$/);
      const again = await call(NZ_TENANT_ID, '/Contacts', {
        method: 'PUT',
        body: { Contacts: [{ Name: 'amazon.CA' }] },
      });
      expect(again.status).toBe(400);
      const list = (await (await call(NZ_TENANT_ID, '/Contacts?where=Name=="Amazon.ca"')).json()) as Json;
      expect(list.Contacts).toHaveLength(1);
    });
  });

  describe('invoice validation', () => {
    it.each([
      ['contact missing', { Contact: undefined }, 'A Contact must be specified for this type of transaction'],
      [
        'unknown account code',
        { LineItems: [{ Description: 'x', UnitAmount: 1, AccountCode: '999' }] },
        "Account code '999' is not a valid code for this document.",
      ],
      [
        'archived account',
        { LineItems: [{ Description: 'x', UnitAmount: 1, AccountCode: '205' }] },
        "Account code '205' has been archived",
      ],
      [
        'bank account on a line',
        { LineItems: [{ Description: 'x', UnitAmount: 1, AccountCode: '090' }] },
        "Account code '090' is not a valid code",
      ],
      [
        'unknown tax type',
        { LineItems: [{ Description: 'x', UnitAmount: 1, AccountCode: '201', TaxType: 'BOGUS' }] },
        "The TaxType code 'BOGUS' does not exist",
      ],
      [
        'deleted tax rate',
        { LineItems: [{ Description: 'x', UnitAmount: 1, AccountCode: '201', TaxType: 'SROUTPUT' }] },
        "The TaxType code 'SROUTPUT' does not exist",
      ],
      ['currency not enabled', { CurrencyCode: 'JPY' }, 'Organisation is not subscribed to currency JPY'],
      [
        'negative total',
        { LineItems: [{ Description: 'Refunds', UnitAmount: -5, AccountCode: '203' }] },
        'The invoice total cannot be negative.',
      ],
      ['invalid status for creation', { Status: 'VOIDED' }, 'Invoice not of valid status for creation'],
    ])('refuses an invoice with %s', async (_name, overrides, message) => {
      const { status, body } = await put(UK_TENANT_ID, [invoice(overrides)]);
      expect(status).toBe(400);
      expect(body).toMatchObject({ ErrorNumber: 10, Type: 'ValidationException' });
      expect(firstError(body)).toContain(message);
      expect((await sim.controls.state()).tenants.find((t) => t.tenantId === UK_TENANT_ID)?.invoices).toEqual(
        [],
      );
    });

    it('refuses a currency on an organisation without multi-currency', async () => {
      const { body } = await put(NZ_TENANT_ID, [
        invoice({
          CurrencyCode: 'USD',
          LineItems: [{ Description: 'x', UnitAmount: 1, AccountCode: '201' }],
        }),
      ]);
      expect(firstError(body)).toBe('Organisation is not subscribed to currency USD');
    });

    it('refuses a second ACCREC with the same InvoiceNumber, also within one batch', async () => {
      expect((await put(UK_TENANT_ID, [invoice({ InvoiceNumber: 'SB-1' })])).status).toBe(200);
      expect(firstError((await put(UK_TENANT_ID, [invoice({ InvoiceNumber: 'sb-1' })])).body)).toBe(
        'Invoice # must be unique.',
      );
      const batch = await put(UK_TENANT_ID, [
        invoice({ InvoiceNumber: 'SB-2' }),
        invoice({ InvoiceNumber: 'SB-2' }),
      ]);
      expect(firstError(batch.body)).toBe('Invoice # must be unique.');
    });

    it('allows bills from different suppliers to share a number', async () => {
      const bill = {
        Type: 'ACCPAY',
        InvoiceNumber: '1001',
        LineItems: [{ Description: 'Fees', UnitAmount: 10, AccountCode: '410' }],
      };
      expect((await put(UK_TENANT_ID, [invoice(bill)])).status).toBe(200);
      expect((await put(UK_TENANT_ID, [invoice(bill)])).status).toBe(200);
    });

    it('refuses more than 50 invoices in one call', async () => {
      const many = Array.from({ length: 51 }, (_, i) => invoice({ InvoiceNumber: `B-${i}` }));
      const { status, body } = await put(UK_TENANT_ID, many);
      expect(status).toBe(400);
      expect(firstError(body)).toContain('No more than 50');
      expect((await put(UK_TENANT_ID, many.slice(0, 50))).status).toBe(200);
    });

    it('saves the valid invoices and reports each one with summarizeErrors=false', async () => {
      const { status, body } = await put(
        UK_TENANT_ID,
        [invoice({ InvoiceNumber: 'OK-1' }), invoice({ InvoiceNumber: 'BAD-1', CurrencyCode: 'JPY' })],
        '?summarizeErrors=false',
      );
      expect(status).toBe(200);
      expect(body.Invoices.map((i: Json) => i.StatusAttributeString)).toEqual(['OK', 'ERROR']);
      expect(body.Invoices[1].HasErrors).toBe(true);
      expect(body.Invoices[1].ValidationErrors[0].Message).toBe(
        'Organisation is not subscribed to currency JPY',
      );
      const stored = (await sim.controls.state()).tenants.find((t) => t.tenantId === UK_TENANT_ID)?.invoices;
      expect(stored?.map((i) => i.InvoiceNumber)).toEqual(['OK-1']);
    });

    it('saves nothing from a batch with one bad invoice by default', async () => {
      const { status } = await put(UK_TENANT_ID, [
        invoice({ InvoiceNumber: 'OK-2' }),
        invoice({ Contact: undefined }),
      ]);
      expect(status).toBe(400);
      expect((await sim.controls.state()).tenants.find((t) => t.tenantId === UK_TENANT_ID)?.invoices).toEqual(
        [],
      );
    });
  });

  describe('invoice totals', () => {
    it.each([
      [
        'Exclusive',
        'Exclusive',
        [{ UnitAmount: 100, TaxType: 'OUTPUT2' }],
        { SubTotal: 100, TotalTax: 20, Total: 120 },
      ],
      [
        'Inclusive',
        'Inclusive',
        [{ UnitAmount: 120, TaxType: 'OUTPUT2' }],
        { SubTotal: 100, TotalTax: 20, Total: 120 },
      ],
      [
        'NoTax ignores tax types',
        'NoTax',
        [{ UnitAmount: 120, TaxType: 'OUTPUT2' }],
        { SubTotal: 120, TotalTax: 0, Total: 120 },
      ],
      [
        'float-prone sums',
        'NoTax',
        [{ UnitAmount: 0.1 }, { UnitAmount: 0.2 }, { UnitAmount: 1141.18 }, { UnitAmount: -171.18 }],
        { Total: 970.3 },
      ],
      [
        'per-line tax rounding',
        'Exclusive',
        [
          { UnitAmount: 0.05, TaxType: 'RROUTPUT' },
          { UnitAmount: 0.05, TaxType: 'RROUTPUT' },
        ],
        { SubTotal: 0.1, TotalTax: 0, Total: 0.1 },
      ],
      [
        'quantities',
        'Exclusive',
        [{ Quantity: 3, UnitAmount: 19.99, TaxType: 'OUTPUT2' }],
        { SubTotal: 59.97, TotalTax: 11.99, Total: 71.96 },
      ],
    ])('computes %s exactly', async (_name, lineAmountTypes, lines, expected) => {
      const { status, body } = await put(UK_TENANT_ID, [
        invoice({
          LineAmountTypes: lineAmountTypes,
          LineItems: (lines as Json[]).map((l) => ({
            Description: 'x',
            AccountCode: '201',
            TaxType: 'NONE',
            ...l,
          })),
        }),
      ]);
      expect(status).toBe(200);
      expect(body.Invoices[0]).toMatchObject(expected);
    });

    it('keeps four decimals on unit amounts only with unitdp=4', async () => {
      const line = {
        Description: 'x',
        Quantity: 1000,
        UnitAmount: 0.1234,
        AccountCode: '201',
        TaxType: 'NONE',
      };
      const two = await put(UK_TENANT_ID, [invoice({ LineItems: [line] })]);
      expect(two.body.Invoices[0]).toMatchObject({ Total: 120 });
      const four = await put(UK_TENANT_ID, [invoice({ LineItems: [line] })], '?unitdp=4');
      expect(four.body.Invoices[0].LineItems[0].UnitAmount).toBe(0.1234);
      expect(four.body.Invoices[0].Total).toBe(123.4);
    });

    it('rounds to whole units for JPY', async () => {
      await call(UK_TENANT_ID, '/Currencies', { method: 'PUT', body: { Code: 'JPY' } });
      const { body } = await put(UK_TENANT_ID, [
        invoice({
          CurrencyCode: 'JPY',
          LineItems: [
            { Description: 'x', Quantity: 3, UnitAmount: 333.33, AccountCode: '201', TaxType: 'OUTPUT2' },
          ],
        }),
      ]);
      expect(body.Invoices[0]).toMatchObject({
        SubTotal: 1000,
        TotalTax: 200,
        Total: 1200,
        CurrencyCode: 'JPY',
      });
    });
  });

  describe('reading and updating invoices', () => {
    it('finds an invoice by id, by number in the path, and by InvoiceNumber or Reference filters', async () => {
      const { body } = await put(UK_TENANT_ID, [
        invoice({ InvoiceNumber: 'SB-UK-77', Reference: 'settlement 77' }),
      ]);
      const id = body.Invoices[0].InvoiceID as string;
      const byId = (await (await call(UK_TENANT_ID, `/Invoices/${id}`)).json()) as Json;
      expect(byId.Invoices[0].InvoiceNumber).toBe('SB-UK-77');
      expect(byId.Invoices[0].Date).toBe(`/Date(${Date.UTC(2024, 4, 31)}+0000)/`);
      expect(
        ((await (await call(UK_TENANT_ID, '/Invoices/SB-UK-77')).json()) as Json).Invoices[0].InvoiceID,
      ).toBe(id);
      const where = encodeURIComponent('Reference=="settlement 77" AND Type=="ACCREC"');
      expect(
        ((await (await call(UK_TENANT_ID, `/Invoices?where=${where}`)).json()) as Json).Invoices,
      ).toHaveLength(1);
      const byNumbers = (await (
        await call(UK_TENANT_ID, '/Invoices?InvoiceNumbers=SB-UK-77,none')
      ).json()) as Json;
      expect(byNumbers.Invoices).toHaveLength(1);
      const none = (await (
        await call(UK_TENANT_ID, '/Invoices?where=InvoiceNumber=="SB-UK-78"')
      ).json()) as Json;
      expect(none.Invoices).toEqual([]);
    });

    it('answers 404 in Xero’s problem shape for an unknown invoice', async () => {
      const res = await call(UK_TENANT_ID, '/Invoices/00000000-0000-4000-8000-000000000000');
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ Status: 404, Title: 'Not Found' });
    });

    it('voids an approved invoice but refuses to delete it or edit it once voided', async () => {
      const { body } = await put(UK_TENANT_ID, [invoice()]);
      const id = body.Invoices[0].InvoiceID as string;
      const del = await call(UK_TENANT_ID, `/Invoices/${id}`, {
        method: 'POST',
        body: { Invoices: [{ Status: 'DELETED' }] },
      });
      expect(del.status).toBe(400);
      const voided = await call(UK_TENANT_ID, `/Invoices/${id}`, {
        method: 'POST',
        body: { Invoices: [{ Status: 'VOIDED' }] },
      });
      expect(((await voided.json()) as Json).Invoices[0].Status).toBe('VOIDED');
      const edit = await call(UK_TENANT_ID, `/Invoices/${id}`, {
        method: 'POST',
        body: { Invoices: [{ Reference: 'x' }] },
      });
      expect(edit.status).toBe(400);
    });

    it('updates a draft through POST /Invoices matched by InvoiceNumber', async () => {
      await put(UK_TENANT_ID, [invoice({ InvoiceNumber: 'D-1', Status: 'DRAFT' })]);
      const res = await call(UK_TENANT_ID, '/Invoices', {
        method: 'POST',
        body: { Invoices: [{ InvoiceNumber: 'D-1', Type: 'ACCREC', Status: 'AUTHORISED' }] },
      });
      expect(res.status).toBe(200);
      const state = await sim.controls.state();
      const stored = state.tenants.find((t) => t.tenantId === UK_TENANT_ID)?.invoices;
      expect(stored).toHaveLength(1);
      expect(stored?.[0]?.Status).toBe('AUTHORISED');
    });

    it('keeps each organisation’s invoices apart', async () => {
      await put(UK_TENANT_ID, [invoice({ InvoiceNumber: 'X-1' })]);
      const nz = (await (await call(NZ_TENANT_ID, '/Invoices')).json()) as Json;
      expect(nz.Invoices).toEqual([]);
    });
  });
});
