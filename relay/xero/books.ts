// What the relay reads of an organisation's books (chart of accounts, tax rates, tracking,
// Organisation fields) and the one thing it writes there on request: new accounts
// (PUT /Accounts). Every call goes through `xeroCall` (relay/xero/calls.ts): the
// per-organisation scheduler, so Books setup shares the organisation's Xero budget (5 in
// flight, 60 a minute) with invoice posting, plus the call's deadline and its outcome count.
// Reads are cached per tenant for a short time; a refresh skips the cache.
import {
  type Account,
  AccountingApi,
  type AccountType,
  type Organisation,
  type TaxRate,
  type TrackingCategory,
} from 'xero-node';
import type {
  AccountClass,
  BooksAccount,
  BooksTaxRate,
  NewAccount,
  OrganisationBooks,
} from '../../lib/relay-api';
import type { LimitHeaders } from './client';
import { guardedXeroCall, XeroFailure } from './errors';

type BooksPart = Omit<OrganisationBooks, 'fetchedAt' | 'tenantId'>;

/** One Xero call each, so the scheduler counts every call against the organisation's budget. */
export interface BooksGateway {
  organisation(
    accessToken: string,
    tenantId: string,
    signal?: AbortSignal,
  ): Promise<{ value: BooksPart['organisation']; limits: LimitHeaders }>;
  currencies(
    accessToken: string,
    tenantId: string,
    signal?: AbortSignal,
  ): Promise<{ value: string[]; limits: LimitHeaders }>;
  accounts(
    accessToken: string,
    tenantId: string,
    signal?: AbortSignal,
  ): Promise<{ value: BooksAccount[]; limits: LimitHeaders }>;
  taxRates(
    accessToken: string,
    tenantId: string,
    signal?: AbortSignal,
  ): Promise<{ value: BooksTaxRate[]; limits: LimitHeaders }>;
  trackingCategories(
    accessToken: string,
    tenantId: string,
    signal?: AbortSignal,
  ): Promise<{ value: BooksPart['trackingCategories']; limits: LimitHeaders }>;
  createAccount(
    accessToken: string,
    tenantId: string,
    account: NewAccount,
    idempotencyKey: string,
    signal?: AbortSignal,
  ): Promise<{ value: BooksAccount; limits: LimitHeaders }>;
}

const CLASSES: AccountClass[] = ['ASSET', 'EQUITY', 'EXPENSE', 'LIABILITY', 'REVENUE'];

function limitHeaders(headers: unknown): LimitHeaders {
  const h = (headers ?? {}) as Record<string, string | undefined>;
  const num = (v: string | undefined) =>
    v !== undefined && v !== '' && Number.isFinite(Number(v)) ? Number(v) : undefined;
  return { minRemaining: num(h['x-minlimit-remaining']), dayRemaining: num(h['x-daylimit-remaining']) };
}

function toAccount(a: Account): BooksAccount {
  const klass = String(a._class ?? '');
  const status = String(a.status ?? 'ACTIVE');
  return {
    accountId: String(a.accountID ?? ''),
    code: String(a.code ?? ''),
    name: String(a.name ?? ''),
    type: String(a.type ?? ''),
    class: (CLASSES as string[]).includes(klass) ? (klass as AccountClass) : 'EXPENSE',
    status: status === 'ARCHIVED' || status === 'DELETED' ? status : 'ACTIVE',
    taxType: String(a.taxType ?? ''),
    ...(a.systemAccount ? { systemAccount: String(a.systemAccount) } : {}),
  };
}

function toTaxRate(t: TaxRate): BooksTaxRate {
  const appliesTo: AccountClass[] = [];
  if (t.canApplyToAssets) appliesTo.push('ASSET');
  if (t.canApplyToEquity) appliesTo.push('EQUITY');
  if (t.canApplyToExpenses) appliesTo.push('EXPENSE');
  if (t.canApplyToLiabilities) appliesTo.push('LIABILITY');
  if (t.canApplyToRevenue) appliesTo.push('REVENUE');
  const status = String(t.status ?? 'ACTIVE');
  return {
    taxType: String(t.taxType ?? ''),
    name: String(t.name ?? ''),
    status: (['ACTIVE', 'DELETED', 'ARCHIVED', 'PENDING'] as const).find((s) => s === status) ?? 'ACTIVE',
    rate: String(t.displayTaxRate ?? t.effectiveRate ?? 0),
    appliesTo,
  };
}

function toTracking(t: TrackingCategory) {
  return {
    id: String(t.trackingCategoryID ?? ''),
    name: String(t.name ?? ''),
    options: (t.options ?? [])
      .filter((o) => String(o.status ?? 'ACTIVE') === 'ACTIVE')
      .map((o) => ({ id: String(o.trackingOptionID ?? ''), name: String(o.name ?? '') })),
  };
}

export function createBooksGateway(config: { apiUrl: string; timeoutMs?: number }): BooksGateway {
  const timeout = config.timeoutMs ?? 10_000;
  function accounting(accessToken: string, signal?: AbortSignal): AccountingApi {
    const api = new AccountingApi(`${config.apiUrl}/api.xro/2.0`);
    api.accessToken = accessToken;
    // The scheduler's deadline reaches axios through xero-node's default authentication hook.
    api.setDefaultAuthentication({
      applyToRequest: (request) => {
        if (signal) request.signal = signal;
        request.timeout = timeout;
      },
    });
    return api;
  }
  return {
    organisation: (accessToken, tenantId, signal) =>
      guardedXeroCall(async () => {
        const api = accounting(accessToken, signal);
        const org = await api.getOrganisations(tenantId);
        const o: Organisation | undefined = org.body.organisations?.[0];
        const base = String(o?.baseCurrency ?? '');
        return {
          value: {
            name: o?.name ?? 'Xero organisation',
            countryCode: String(o?.countryCode ?? ''),
            baseCurrency: base,
            shortCode: String(o?.shortCode ?? ''),
            currencies: base ? [base] : [],
          },
          limits: limitHeaders(org.response.headers),
        };
      }, signal),
    currencies: (accessToken, tenantId, signal) =>
      guardedXeroCall(async () => {
        const res = await accounting(accessToken, signal).getCurrencies(tenantId);
        return {
          value: (res.body.currencies ?? []).map((c) => String(c.code)),
          limits: limitHeaders(res.response.headers),
        };
      }, signal),
    accounts: (accessToken, tenantId, signal) =>
      guardedXeroCall(async () => {
        const res = await accounting(accessToken, signal).getAccounts(tenantId);
        return {
          value: (res.body.accounts ?? []).map(toAccount),
          limits: limitHeaders(res.response.headers),
        };
      }, signal),
    taxRates: (accessToken, tenantId, signal) =>
      guardedXeroCall(async () => {
        const res = await accounting(accessToken, signal).getTaxRates(tenantId);
        return {
          value: (res.body.taxRates ?? []).map(toTaxRate),
          limits: limitHeaders(res.response.headers),
        };
      }, signal),
    trackingCategories: (accessToken, tenantId, signal) =>
      guardedXeroCall(async () => {
        const res = await accounting(accessToken, signal).getTrackingCategories(tenantId);
        return {
          value: (res.body.trackingCategories ?? []).map(toTracking),
          limits: limitHeaders(res.response.headers),
        };
      }, signal),
    createAccount: (accessToken, tenantId, account, idempotencyKey, signal) =>
      guardedXeroCall(async () => {
        const res = await accounting(accessToken, signal).createAccount(
          tenantId,
          {
            code: account.code,
            name: account.name,
            type: account.type as unknown as AccountType,
            ...(account.taxType ? { taxType: account.taxType } : {}),
          },
          idempotencyKey,
        );
        const created = res.body.accounts?.[0];
        if (!created) throw new XeroFailure('server', 'Xero did not return the new account.');
        return { value: toAccount(created), limits: limitHeaders(res.response.headers) };
      }, signal),
  };
}

/** How long the relay trusts what it read of an organisation's books. */
export const BOOKS_TTL_MS = 5 * 60_000;

interface Cached {
  books: OrganisationBooks;
  expiresAt: number;
}

/** Per-process cache of organisation books, keyed by tenant. */
export class BooksCache {
  private readonly entries = new Map<string, Cached>();
  constructor(
    private readonly now: () => number,
    private readonly ttlMs = BOOKS_TTL_MS,
  ) {}

  get(tenantId: string): OrganisationBooks | undefined {
    const hit = this.entries.get(tenantId);
    if (!hit || hit.expiresAt <= this.now()) return undefined;
    return hit.books;
  }

  set(books: OrganisationBooks): void {
    this.entries.set(books.tenantId, { books, expiresAt: this.now() + this.ttlMs });
    // Keep the map small on a busy relay: drop expired entries as new ones arrive.
    if (this.entries.size > 1000) {
      const now = this.now();
      for (const [k, v] of this.entries) if (v.expiresAt <= now) this.entries.delete(k);
    }
  }

  forget(tenantId: string): void {
    this.entries.delete(tenantId);
  }
}
