import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { createAccountHandlers } from '../../../lib/background/accounts';
import { createBooksHandlers, orgMappingId } from '../../../lib/background/books';
import type { RelayBooksPort } from '../../../lib/background/relay-port';
import { SettlebridgeDb } from '../../../lib/db';
import type { CreateAccountsResponse, NewAccount, OrganisationBooks } from '../../../lib/relay-api';
import { parseMapping } from '../../../lib/settlement';
import { ACCOUNT_CLASS, type AccountType } from '../../../xero-sim/charts';
import { UK_TENANT_ID } from '../../../xero-sim/seed';
import { booksOf } from '../books/seed-books';
import { noSellerCentral } from './no-seller-central';

const page = { sender: {} };

/** A relay holding one organisation's books; createAccounts adds to them as Xero would. */
class FakeBooksRelay implements RelayBooksPort {
  calls: { method: string; input: unknown }[] = [];
  constructor(public state: OrganisationBooks) {}
  async books(input: { connectionId: string; accountId: string; refresh?: boolean }) {
    this.calls.push({ method: 'books', input });
    return structuredClone(this.state);
  }
  async createAccounts(input: { connectionId: string; accountId: string; accounts: NewAccount[] }) {
    this.calls.push({ method: 'createAccounts', input });
    const result: CreateAccountsResponse = { created: [], failed: [], books: this.state };
    for (const a of input.accounts) {
      if (this.state.accounts.some((x) => x.code === a.code)) {
        result.failed.push({ code: a.code, name: a.name, message: 'Please enter a unique Code.' });
        continue;
      }
      const made = {
        accountId: crypto.randomUUID(),
        code: a.code,
        name: a.name,
        type: a.type,
        class: ACCOUNT_CLASS[a.type as AccountType],
        status: 'ACTIVE' as const,
        taxType: a.taxType ?? 'NONE',
      };
      this.state.accounts.push(made);
      result.created.push(made);
    }
    return structuredClone(result);
  }
}

describe('books setup in the background', () => {
  let db: SettlebridgeDb;
  let relay: FakeBooksRelay;
  let accountId: string;
  let books: ReturnType<typeof createBooksHandlers>;

  beforeEach(async () => {
    db = new SettlebridgeDb(`test-${crypto.randomUUID()}`);
    relay = new FakeBooksRelay(booksOf(UK_TENANT_ID));
    const clock = { now: () => 1_700_000_000_000 };
    const account = await createAccountHandlers({ db, clock, sellerCentral: noSellerCentral })[
      'account/create'
    ]({ name: 'Acme UK', marketplace: 'UK' }, page);
    accountId = account.id;
    await db.xeroConnections.put({
      id: 'c1',
      tenantId: UK_TENANT_ID,
      organisationName: 'Harbourline Trading Ltd',
      status: 'connected',
      updatedAt: 0,
    });
    await db.accounts.update(accountId, { xeroConnectionId: 'c1' });
    books = createBooksHandlers({ db, relay: async () => relay, clock });
  });

  it('loads the organisation’s books with suggestions, open groups and the Amazon accounts plan', async () => {
    const loaded = await books['books/load']({ accountId }, page);
    expect(loaded.organisationName).toBe('Harbourline Trading Ltd');
    expect(loaded.isSaved).toBe(false);
    expect(loaded.choices.sales?.accountCode).toBe('200');
    expect(loaded.missing).toContain('salesTax');
    expect(loaded.plan.map((p) => p.name)).toContain('Amazon Sales Tax Collected');
    expect(relay.calls.map((c) => c.method)).toEqual(['books']);
  });

  it('creates only the accounts the user confirmed, then suggests a complete setup on them', async () => {
    const { plan } = await books['books/load']({ accountId }, page);
    const after = await books['books/create-accounts'](
      { accountId, accounts: plan.map(({ group: _g, ...a }) => a) },
      page,
    );
    expect(relay.calls.filter((c) => c.method === 'createAccounts')).toHaveLength(1);
    expect(after.failed).toEqual([]);
    expect(after.missing).toEqual([]);
    expect(after.plan).toEqual([]);
  });

  it('refuses a setup that posts to PAYE Payable or leaves a group open, and saves nothing', async () => {
    const { choices } = await books['books/load']({ accountId }, page);
    const err = await books['books/save'](
      { accountId, groups: { ...choices, sales: { accountCode: '825', taxType: 'NONE' } } as never },
      page,
    ).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(
      /Sales: 825 is not an active revenue account in Harbourline Trading Ltd\./,
    );
    expect((err as Error).message).toMatch(/Sales tax collected: choose an account\./);
    expect(await db.mappings.count()).toBe(0);
  });

  it('saves a complete setup as the organisation’s mapping, shared by its accounts', async () => {
    const { plan } = await books['books/load']({ accountId }, page);
    const { choices } = await books['books/create-accounts'](
      { accountId, accounts: plan.map(({ group: _g, ...a }) => a) },
      page,
    );
    await books['books/save'](
      { accountId, groups: choices as never, tracking: { category: 'Channel', option: 'Amazon UK' } },
      page,
    );
    const stored = await db.mappings.get(orgMappingId(UK_TENANT_ID));
    const mapping = parseMapping(stored?.document);
    expect(mapping.ok).toBe(true);
    expect(mapping.ok && mapping.value.lineAmountTypes).toBe('Inclusive');
    expect((await books['books/load']({ accountId }, page)).isSaved).toBe(true);
  });
  it('checks a settlement before sending: account names beside codes, and the relay’s refusals', async () => {
    const { plan } = await books['books/load']({ accountId }, page);
    const { choices } = await books['books/create-accounts'](
      { accountId, accounts: plan.map(({ group: _g, ...a }) => a) },
      page,
    );
    await db.settlements.put({
      key: `${accountId}:uk`,
      accountId,
      settlementId: 'uk',
      currency: 'GBP',
      depositTotalMinor: '0',
      periodStart: '2025-01-01',
      periodEnd: '2025-01-14',
      depositDate: '2025-01-16',
      status: 'new',
      report: {},
      payloads: [],
      source: readFileSync(join(import.meta.dirname, '../../fixtures/settlements/uk.tsv'), 'utf8'),
      updatedAt: 0,
    });
    const before = await books['books/check']({ settlementKey: `${accountId}:uk` }, page);
    expect(before.problems.map((p) => p.reason)).toEqual(['books_setup_needed']);
    await books['books/save']({ accountId, groups: choices as never }, page);
    const ok = await books['books/check']({ settlementKey: `${accountId}:uk` }, page);
    expect(ok.problems).toEqual([]);
    expect(ok.lines.length).toBeGreaterThan(1);
    for (const line of ok.lines) {
      const named = relay.state.accounts.find((a) => a.code === line.accountCode);
      expect(line.accountName, line.description).toBe(named?.name);
    }
    // Archived in Xero since: stopped before posting, the line and its account named.
    const used = ok.lines[0]!;
    const target = relay.state.accounts.find((a) => a.code === used.accountCode)!;
    target.status = 'ARCHIVED';
    const stopped = await books['books/check']({ settlementKey: `${accountId}:uk` }, page);
    expect(stopped.problems[0]?.reason).toBe('account_archived');
    expect(stopped.problems[0]?.message).toContain(
      `“${used.description}” goes to ${target.code} · ${target.name}`,
    );
  });
});
