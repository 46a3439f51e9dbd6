// Books: what Books setup and the send checks read of the organisation a connection posts
// to (chart, tax rates, tracking, Organisation fields), and creating the Amazon accounts the
// user asked for. The routes (routes/books.ts) check access first; the invoice-job route
// runs the same check before queueing (checkBooksBeforeQueueing).
import { createHash } from 'node:crypto';
import { checkInvoiceAgainstBooks } from '../lib/books/check';
import type {
  BooksAccount,
  CreateAccountsResponse,
  InvoicePayload,
  NewAccount,
  OrganisationBooks,
} from '../lib/relay-api';
import type { RelayDeps } from './deps';
import { DomainError, RelayHttpError } from './errors';
import type { XeroCallKind } from './jobs/scheduler';
import type { ConnectionRow } from './store/queries';
import { whilePersonWaits, xeroCall } from './xero/calls';
import type { LimitHeaders } from './xero/client';
import { XeroFailure } from './xero/errors';

/**
 * One Xero call through `xeroCall`: the organisation's budget (waiting at most
 * ADMISSION_WAIT_MS, then 429 rate_limited), the call's deadline and its outcome count.
 */
function call<T>(
  s: RelayDeps,
  row: ConnectionRow,
  kind: XeroCallKind,
  fn: (token: string, signal: AbortSignal) => Promise<{ value: T; limits: LimitHeaders }>,
) {
  return xeroCall(s, row, kind, fn, whilePersonWaits({ limitsOf: (r) => r.limits })).then((r) => r.value);
}

/** Cached unless `refresh`; each read is its own scheduled call. */
export async function readOrganisationBooks(
  s: RelayDeps,
  row: ConnectionRow,
  refresh: boolean,
): Promise<OrganisationBooks> {
  const hit = refresh ? undefined : s.booksCache.get(row.tenant_id);
  if (hit) return hit;
  const tenant = row.tenant_id;
  const organisation = await call(s, row, 'organisation', (t, sig) => s.books.organisation(t, tenant, sig));
  const currencies = await call(s, row, 'currencies', (t, sig) => s.books.currencies(t, tenant, sig));
  const accounts = await call(s, row, 'accounts', (t, sig) => s.books.accounts(t, tenant, sig));
  const taxRates = await call(s, row, 'tax-rates', (t, sig) => s.books.taxRates(t, tenant, sig));
  const trackingCategories = await call(s, row, 'tracking', (t, sig) =>
    s.books.trackingCategories(t, tenant, sig),
  );
  const books: OrganisationBooks = {
    tenantId: tenant,
    organisation: {
      ...organisation,
      currencies: [...new Set([organisation.baseCurrency, ...currencies].filter(Boolean))].sort(),
    },
    accounts,
    taxRates,
    trackingCategories,
    fetchedAt: s.now(),
  };
  s.booksCache.set(books);
  return books;
}

/**
 * The relay's half of the pre-send check (lib/books/check.ts): every line must fit the
 * organisation's books, else nothing is queued and the answer names each line, account and
 * what to change. A failure against cached books is confirmed against fresh ones first. When
 * Xero cannot be read right now the job is queued unchecked (the outbox must ride out
 * outages) and Xero's own validation still refuses a bad line when it is posted.
 */
export async function checkBooksBeforeQueueing(
  s: RelayDeps,
  row: ConnectionRow,
  invoices: { idempotencyKey: string; invoice: InvoicePayload }[],
): Promise<void> {
  const problemsIn = (books: OrganisationBooks) =>
    invoices.flatMap(({ idempotencyKey, invoice }) =>
      checkInvoiceAgainstBooks(invoice, books).map((p) => ({
        ...p,
        idempotencyKey,
        invoiceNumber: invoice.InvoiceNumber,
      })),
    );
  let problems: ReturnType<typeof problemsIn>;
  try {
    problems = problemsIn(await readOrganisationBooks(s, row, false));
    if (problems.length > 0) problems = problemsIn(await readOrganisationBooks(s, row, true));
  } catch (e) {
    const isOutage = e instanceof DomainError && (e.kind === 'xero_unavailable' || e.kind === 'rate_limited');
    if (!isOutage) throw e;
    s.log.warn({ connectionId: row.id, code: e.kind }, 'books unreadable; queueing without the books check');
    return;
  }
  if (problems.length === 0) return;
  const first = problems[0]!;
  const more =
    problems.length > 1 ? ` (${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
  throw new RelayHttpError(
    422,
    'books_check_failed',
    `Nothing was sent. ${first.invoiceNumber}: ${first.message}${more}`,
    {},
    { problems },
  );
}

/**
 * Creates each of `accounts` in the organisation (one scheduled call each); a refusal by
 * Xero's validation is reported per account rather than failing the rest. Answers with the
 * books read afresh.
 */
export async function createBooksAccounts(
  s: RelayDeps,
  row: ConnectionRow,
  accounts: readonly NewAccount[],
): Promise<CreateAccountsResponse> {
  const created: BooksAccount[] = [];
  const failed: CreateAccountsResponse['failed'] = [];
  try {
    for (const account of accounts) {
      // Same key for the same account in the same organisation: a retried request
      // replays Xero's answer instead of creating twice.
      const key = `books-account-${createHash('sha256')
        .update(`${row.tenant_id}\u0000${account.code}\u0000${account.name}`)
        .digest('hex')
        .slice(0, 40)}`;
      try {
        created.push(
          await call(s, row, 'accounts.create', (t, sig) =>
            s.books.createAccount(t, row.tenant_id, account, key, sig),
          ),
        );
      } catch (e) {
        // Xero's validation refusals arrive as 422 xero_rejected from the token service.
        const isRefusal =
          (e instanceof XeroFailure && e.kind === 'validation') ||
          (e instanceof DomainError && e.kind === 'xero_rejected');
        if (!isRefusal) throw e;
        const message = (e as Error).message.replace(/^Xero rejected the request: /, '');
        failed.push({ code: account.code, name: account.name, message });
      }
    }
  } finally {
    s.booksCache.forget(row.tenant_id);
  }
  s.log.info(
    { connectionId: row.id, created: created.length, failed: failed.length },
    'books accounts created',
  );
  return {
    created,
    failed,
    books: await readOrganisationBooks(s, row, true),
  };
}
