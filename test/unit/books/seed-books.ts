/** xero-sim's seed organisations as the relay reports them (GET /v1/connections/:id/books), for unit tests. */
import { planAmazonAccounts } from '../../../lib/books/setup';
import type { OrganisationBooks } from '../../../lib/relay-api';
import { ACCOUNT_CLASS, type AccountType, classesFor } from '../../../xero-sim/charts';
import { defaultSeed } from '../../../xero-sim/seed';

/** The sim's seed organisation as the relay would report it (GET /v1/connections/:id/books). */
export function booksOf(tenantId: string): OrganisationBooks {
  const org = defaultSeed().organisations.find((o) => o.tenantId === tenantId);
  if (!org) throw new Error(tenantId);
  return {
    tenantId,
    organisation: {
      name: org.Name,
      countryCode: org.CountryCode,
      baseCurrency: org.BaseCurrency,
      shortCode: org.ShortCode,
      currencies: [org.BaseCurrency, ...org.currencies].sort(),
    },
    accounts: org.accounts.map((a) => ({
      accountId: a.AccountID,
      code: a.Code,
      name: a.Name,
      type: a.Type,
      class: a.Class as OrganisationBooks['accounts'][number]['class'],
      status: a.Status,
      taxType: a.TaxType,
      ...(a.SystemAccount ? { systemAccount: a.SystemAccount } : {}),
    })),
    taxRates: org.taxRates.map((t) => ({
      taxType: t.TaxType,
      name: t.Name,
      status: t.Status,
      rate: String(t.Rate),
      appliesTo: classesFor(t.ReportTaxType ?? 'NONE'),
    })),
    trackingCategories: (org.trackingCategories ?? []).map((c) => ({
      id: c.TrackingCategoryID,
      name: c.Name,
      options: c.Options.map((o) => ({ id: o.TrackingOptionID, name: o.Name })),
    })),
    fetchedAt: 0,
  };
}

/** What "Create Amazon accounts for me" leaves in the organisation. */
export function withPlanCreated(books: OrganisationBooks): OrganisationBooks {
  const plan = planAmazonAccounts(books);
  return {
    ...books,
    accounts: [
      ...books.accounts,
      ...plan.map((p, i) => ({
        accountId: `new-${i}`,
        code: p.code,
        name: p.name,
        type: p.type,
        class: ACCOUNT_CLASS[p.type as AccountType],
        status: 'ACTIVE' as const,
        taxType: p.taxType ?? 'NONE',
      })),
    ],
  };
}
