// xero-sim posts as Xero does (xero_accounting.yaml: "InvoiceNumber: ACCREC – Unique…",
// "Reference: ACCREC only"; Xero's 3.5 MB request limit; the app-wide minute limit with its
// header), and its `hang` fault holds an answer before or after the invoice is stored.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { NZ_TENANT_ID } from '../../xero-sim/seed.ts';
import { api, connect, startTestSim } from './helpers.ts';

type Sim = Awaited<ReturnType<typeof startTestSim>>;
// biome-ignore lint/suspicious/noExplicitAny: the tests read arbitrary Xero JSON by path
type Json = Record<string, any>;

const bill = (overrides: Json = {}): Json => ({
  Type: 'ACCPAY',
  Contact: { Name: 'Amazon Payments' },
  Date: '2025-06-21',
  DueDate: '2025-06-21',
  LineAmountTypes: 'NoTax',
  InvoiceNumber: 'AMZ-1',
  Reference: 'Amazon settlement 1',
  LineItems: [{ Description: 'Fees', Quantity: 1, UnitAmount: 12.5, AccountCode: '430', TaxType: 'NONE' }],
  ...overrides,
});

describe('xero-sim posting rules', () => {
  let sim: Sim;
  let token: string;
  const put = (body: unknown, headers: Record<string, string> = {}) =>
    api(sim, token, NZ_TENANT_ID, '/Invoices', { method: 'PUT', body, headers });
  const invoices = () => [...(sim.state.orgs.get(NZ_TENANT_ID)?.invoices.values() ?? [])];

  beforeAll(async () => {
    sim = await startTestSim();
  });
  beforeEach(async () => {
    await sim.controls.reset();
    token = (await connect(sim)).access_token;
  });
  afterAll(async () => {
    await sim?.stop();
  });

  it('stores two bills with the same number, and keeps no Reference on a bill', async () => {
    expect((await put({ Invoices: [bill()] })).status).toBe(200);
    const second = await put({ Invoices: [bill()] });
    expect(second.status).toBe(200);
    const stored = invoices().filter((i) => i.InvoiceNumber === 'AMZ-1');
    expect(stored).toHaveLength(2);
    expect(stored.every((i) => i.Reference === undefined)).toBe(true);
    const sales = await put({ Invoices: [bill({ Type: 'ACCREC', InvoiceNumber: 'AMZ-2' })] });
    expect(((await sales.json()) as Json).Invoices[0].Reference).toBe('Amazon settlement 1');
    const again = await put({ Invoices: [bill({ Type: 'ACCREC', InvoiceNumber: 'AMZ-2' })] });
    expect(again.status).toBe(400);
  });

  it('refuses a request body over 3.5 MB with 413 and stores nothing', async () => {
    const line = {
      Description: 'x'.repeat(3_900),
      Quantity: 1,
      UnitAmount: 1,
      AccountCode: '430',
      TaxType: 'NONE',
    };
    const big = { Invoices: [bill({ LineItems: Array.from({ length: 950 }, () => line) })] };
    expect(JSON.stringify(big).length).toBeGreaterThan(3.5 * 1024 * 1024);
    const res = await put(big);
    expect(res.status).toBe(413);
    expect(invoices()).toHaveLength(0);
  });

  it('keeps every digit of an amount beyond a double and answers with the same digits', async () => {
    const res = await sim.fetch(`${sim.url}/api.xro/2.0/Invoices?unitdp=4`, {
      method: 'PUT',
      headers: {
        authorization: `Bearer ${token}`,
        'xero-tenant-id': NZ_TENANT_ID,
        'content-type': 'application/json',
      },
      body: `{"Invoices":[${JSON.stringify(bill()).replace('"UnitAmount":12.5', '"UnitAmount":123456789012345.6789')}]}`,
    });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain('"UnitAmount":123456789012345.6789');
    expect(text).toContain('"Total":123456789012345.68');
  });

  it('refuses calls over the app-wide limit set through the controls, with its header', async () => {
    await sim.controls.setLimits({ perMinutePerApp: 2 });
    try {
      const first = await api(sim, token, NZ_TENANT_ID, '/Organisation');
      expect(first.headers.get('x-appminlimit-remaining')).toBe('1');
      expect((await api(sim, token, NZ_TENANT_ID, '/Organisation')).status).toBe(200);
      const refused = await api(sim, token, NZ_TENANT_ID, '/Organisation');
      expect(refused.status).toBe(429);
      expect(refused.headers.get('x-rate-limit-problem')).toBe('appminute');
    } finally {
      await sim.controls.setLimits({ perMinutePerApp: 10_000 });
    }
  });

  it('hangs after storing: the invoice is in Xero although the client gave up', async () => {
    await sim.controls.failNext({
      kind: 'hang',
      hangPhase: 'after',
      pathPrefix: '/api.xro/2.0/Invoices',
      holdMs: 60_000,
    });
    await expect(
      sim.fetch(`${sim.url}/api.xro/2.0/Invoices`, {
        method: 'PUT',
        headers: {
          authorization: `Bearer ${token}`,
          'xero-tenant-id': NZ_TENANT_ID,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ Invoices: [bill()] }),
        signal: AbortSignal.timeout(500),
      }),
    ).rejects.toThrow();
    expect(invoices()).toHaveLength(1);
  });

  it('hangs before storing: a client that gives up leaves nothing stored', async () => {
    await sim.controls.failNext({
      kind: 'hang',
      hangPhase: 'before',
      pathPrefix: '/api.xro/2.0/Invoices',
      holdMs: 60_000,
    });
    await expect(
      sim.fetch(`${sim.url}/api.xro/2.0/Invoices`, {
        method: 'PUT',
        headers: {
          authorization: `Bearer ${token}`,
          'xero-tenant-id': NZ_TENANT_ID,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ Invoices: [bill()] }),
        signal: AbortSignal.timeout(500),
      }),
    ).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 200));
    expect(invoices()).toHaveLength(0);
  });
});
