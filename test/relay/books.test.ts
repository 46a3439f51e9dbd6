import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RelayError } from '../../lib/relay-client';
import { defaultSeed, UK_TENANT_ID } from '../../xero-sim/seed';
import type { RunningSim } from '../../xero-sim/start';
import {
  connectAccount,
  type Extension,
  newInstall,
  type RelayUnderTest,
  startRelay,
  startTestSim,
} from './harness';

const ACCOUNT = 'amzn1.merchant.d.BOOKSUK.A1F83G8C2ARO7P';

describe('relay books: the organisation’s chart, tax rates and tracking', () => {
  let sim: RunningSim;
  let rut: RelayUnderTest;
  let ext: Extension;
  let connectionId: string;
  const booksCalls = () =>
    sim.state.calls.filter((c) =>
      /\/api\.xro\/2\.0\/(Organisation|Currencies|Accounts|TaxRates|TrackingCategories)$/.test(c.path),
    ).length;

  beforeAll(async () => {
    // Xero's default UK chart, with no Amazon accounts.
    sim = await startTestSim({ seed: defaultSeed() });
    rut = await startRelay({ sim, store: 'pglite' });
    ext = await newInstall(rut.url);
    connectionId = (await connectAccount(ext, ACCOUNT, [UK_TENANT_ID])).connectionId;
  });
  afterAll(async () => {
    await rut?.stop();
    await sim?.stop();
  });

  it('reads accounts with class and system flags, tax rates with the classes they apply to, tracking and ShortCode', async () => {
    const books = await ext.client.books({ connectionId, accountId: ACCOUNT, refresh: true });
    expect(books.tenantId).toBe(UK_TENANT_ID);
    expect(books.organisation).toEqual({
      name: 'Harbourline Trading Ltd',
      countryCode: 'GB',
      baseCurrency: 'GBP',
      shortCode: '!hBr4q',
      currencies: ['EUR', 'GBP', 'USD'],
    });
    const byCode = new Map(books.accounts.map((a) => [a.code, a]));
    expect(byCode.get('825')).toMatchObject({ name: 'PAYE Payable', class: 'LIABILITY', status: 'ACTIVE' });
    expect(byCode.get('820')).toMatchObject({ name: 'VAT', systemAccount: 'GST' });
    expect(byCode.get('205')).toMatchObject({ status: 'ARCHIVED' });
    const output2 = books.taxRates.find((t) => t.taxType === 'OUTPUT2');
    expect(output2).toMatchObject({ name: '20% (VAT on Income)', rate: '20', status: 'ACTIVE' });
    expect(output2?.appliesTo).toContain('REVENUE');
    expect(output2?.appliesTo).not.toContain('EXPENSE');
    expect(books.trackingCategories).toEqual([
      {
        id: expect.any(String),
        name: 'Channel',
        options: [
          { id: expect.any(String), name: 'Amazon UK' },
          { id: expect.any(String), name: 'Amazon DE' },
          { id: expect.any(String), name: 'Shopify' },
        ],
      },
    ]);
  });

  it('answers from its cache, and reads Xero again on refresh', async () => {
    const outcomesBefore = (['organisation', 'currencies', 'accounts', 'tax-rates', 'tracking'] as const).map(
      (kind) => rut.relay.scheduler.count(kind, 'ok'),
    );
    await ext.client.books({ connectionId, accountId: ACCOUNT, refresh: true });
    // Each read is a scheduled Xero call, counted by kind and outcome like every other.
    expect(
      (['organisation', 'currencies', 'accounts', 'tax-rates', 'tracking'] as const).map(
        (kind, i) => rut.relay.scheduler.count(kind, 'ok') - outcomesBefore[i]!,
      ),
    ).toEqual([1, 1, 1, 1, 1]);
    const before = booksCalls();
    const cached = await ext.client.books({ connectionId, accountId: ACCOUNT });
    expect(booksCalls()).toBe(before);

    // A change made inside Xero shows after a refresh, not before.
    const org = sim.state.orgs.get(UK_TENANT_ID);
    org?.accounts.push({
      ...org.accounts[0]!,
      AccountID: crypto.randomUUID(),
      Code: '299',
      Name: 'Made in Xero',
      Type: 'REVENUE',
      Class: 'REVENUE',
      SystemAccount: undefined,
    });
    expect(
      (await ext.client.books({ connectionId, accountId: ACCOUNT })).accounts.some((a) => a.code === '299'),
    ).toBe(false);
    const refreshed = await ext.client.books({ connectionId, accountId: ACCOUNT, refresh: true });
    expect(refreshed.accounts.some((a) => a.code === '299')).toBe(true);
    expect(refreshed.fetchedAt).toBeGreaterThanOrEqual(cached.fetchedAt);
    // Five reads, each its own call against the organisation's budget.
    expect(booksCalls()).toBe(before + 5);
  });

  it('creates the accounts asked for, reports each one Xero refuses with its message, and answers fresh books', async () => {
    const result = await ext.client.createAccounts({
      connectionId,
      accountId: ACCOUNT,
      accounts: [
        { code: '4100', name: 'Amazon Seller Fees', type: 'OVERHEADS', taxType: 'INPUT2' },
        { code: '433', name: 'Amazon Advertising', type: 'OVERHEADS' },
        { code: '4101', name: 'Insurance', type: 'OVERHEADS' },
      ],
    });
    expect(result.created.map((a) => [a.code, a.name, a.class])).toEqual([
      ['4100', 'Amazon Seller Fees', 'EXPENSE'],
    ]);
    expect(result.failed).toEqual([
      { code: '433', name: 'Amazon Advertising', message: 'Please enter a unique Code.' },
      { code: '4101', name: 'Insurance', message: 'Please enter a unique Name.' },
    ]);
    expect(result.books.accounts.some((a) => a.code === '4100')).toBe(true);
    const inXero = sim.state.orgs.get(UK_TENANT_ID)?.accounts ?? [];
    expect(inXero.filter((a) => a.Code === '4100')).toHaveLength(1);
    expect(inXero.find((a) => a.Code === '433')?.Name).toBe('Insurance');
  });

  it('creates an account once when the same request is retried', async () => {
    const request = {
      connectionId,
      accountId: ACCOUNT,
      accounts: [{ code: '4200', name: 'Amazon FBA Fees', type: 'OVERHEADS' as const }],
    };
    await ext.client.createAccounts(request);
    const retry = await ext.client.createAccounts(request);
    // Xero replays its first answer for the same Idempotency-Key, or refuses the duplicate code.
    expect(retry.created.length + retry.failed.length).toBe(1);
    expect(sim.state.orgs.get(UK_TENANT_ID)?.accounts.filter((a) => a.Code === '4200')).toHaveLength(1);
  });

  it('refuses an account that was not given the connection, and changes nothing in Xero', async () => {
    const before = sim.state.orgs.get(UK_TENANT_ID)?.accounts.length;
    const err = await ext.client
      .createAccounts({
        connectionId,
        accountId: 'amzn1.merchant.d.OTHER.ATVPDKIKX0DER',
        accounts: [{ code: '4300', name: 'Amazon Sales', type: 'REVENUE' }],
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RelayError);
    expect((err as RelayError).code).toBe('not_granted');
    expect(sim.state.orgs.get(UK_TENANT_ID)?.accounts.length).toBe(before);
  });

  describe('the check before queueing invoices', () => {
    const line = (AccountCode: string, TaxType = 'OUTPUT2') => ({
      Description: 'Amazon sales',
      Quantity: 1 as const,
      UnitAmount: '100.00',
      AccountCode,
      TaxType,
      Tracking: [],
    });
    const payload = (number: string, lines: ReturnType<typeof line>[]) => ({
      Type: 'ACCREC' as const,
      Contact: { Name: 'Amazon EU S.a.r.l.' },
      Date: '2024-05-31',
      DueDate: '2024-05-31',
      LineAmountTypes: 'Inclusive' as const,
      InvoiceNumber: number,
      Reference: number,
      CurrencyCode: 'GBP',
      LineItems: lines,
    });
    const invoicesIn = () => [...(sim.state.orgs.get(UK_TENANT_ID)?.invoices.values() ?? [])];

    it('queues nothing when a line goes to an archived account, and names the line and account', async () => {
      const before = invoicesIn().length;
      const err = await ext.client
        .submitInvoices({
          connectionId,
          accountId: ACCOUNT,
          invoices: [
            { idempotencyKey: 'books-check-1', invoice: payload('AMZ-CHECK-1', [line('200'), line('205')]) },
          ],
        })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RelayError);
      const e = err as RelayError;
      expect(e.status).toBe(422);
      expect(e.code).toBe('books_check_failed');
      expect(e.message).toMatch(
        /Line 2 “Amazon sales” goes to 205 · eBay Sales \(closed\), which is archived/,
      );
      expect((e.details?.problems as { reason: string; line: number }[] | undefined)?.[0]).toMatchObject({
        reason: 'account_archived',
        line: 1,
      });
      await new Promise((r) => setTimeout(r, 300));
      expect(invoicesIn().length).toBe(before);
    });

    it('re-reads the books before refusing, so an account just created in Xero passes', async () => {
      await ext.client.books({ connectionId, accountId: ACCOUNT });
      const org = sim.state.orgs.get(UK_TENANT_ID);
      org?.accounts.push({
        ...org.accounts.find((a) => a.Code === '200')!,
        AccountID: crypto.randomUUID(),
        Code: '2010',
        Name: 'Amazon Sales UK',
      });
      const job = await ext.client.submitInvoices({
        connectionId,
        accountId: ACCOUNT,
        invoices: [{ idempotencyKey: 'books-check-2', invoice: payload('AMZ-CHECK-2', [line('2010')]) }],
      });
      expect(job.items[0]?.state).toBe('queued');
    });
  });
});
