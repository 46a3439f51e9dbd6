/**
 * The check run before every send, in the preview and again at the relay: does each invoice
 * line fit the organisation's own books? Pure (no I/O) so the extension and the relay apply
 * exactly the same rules to the same `OrganisationBooks` (lib/relay-api.ts).
 *
 * Xero refuses a line whose account is unknown, archived, a bank account or a system account,
 * whose tax type does not exist or does not apply to the account's class, and an invoice in a
 * currency the organisation has not enabled; Australia's retired NONE is accepted but filed as
 * BAS Excluded, so it is stopped here rather than silently leaving sales off the BAS.
 */
import type { BooksAccount, InvoicePayload, OrganisationBooks } from '../relay-api.ts';

export type BooksProblemReason =
  | 'account_missing'
  | 'account_archived'
  | 'account_system'
  | 'account_bank'
  | 'tax_missing'
  | 'tax_not_for_account'
  | 'tax_retired'
  | 'tracking_missing'
  | 'currency_not_enabled';

export interface BooksProblem {
  reason: BooksProblemReason;
  /** 0-based line index, absent for invoice-level problems. */
  line?: number;
  lineDescription?: string;
  accountCode?: string;
  taxType?: string;
  /** What is wrong and what to change, for a person (English). */
  message: string;
  /**
   * The facts `message` is made of, for a UI that words the problem in another language
   * (the extension's catalog key `booksProblem.<reason>`): `line` (1-based), `description`,
   * `org`, `account` (code · name), `accountCode`, `accountClass`, `systemAccount`,
   * `taxType`, `rate`, `category`, `option`, `currency`, `baseCurrency`, as the reason has them.
   */
  params: Record<string, string | number>;
}

/** Accounts an invoice line may post to: active, not a bank account, not Xero-managed. */
export function isPostable(account: BooksAccount): boolean {
  return account.status === 'ACTIVE' && !account.systemAccount && account.type !== 'BANK';
}

export function accountLabel(account: Pick<BooksAccount, 'code' | 'name'>): string {
  return `${account.code} · ${account.name}`;
}

export function checkInvoiceAgainstBooks(invoice: InvoicePayload, books: OrganisationBooks): BooksProblem[] {
  const problems: BooksProblem[] = [];
  const org = books.organisation;
  if (!org.currencies.includes(invoice.CurrencyCode)) {
    problems.push({
      reason: 'currency_not_enabled',
      params: { org: org.name, currency: invoice.CurrencyCode, baseCurrency: org.baseCurrency },
      message: `${org.name} has not enabled ${invoice.CurrencyCode} in Xero; add the currency there (it needs a multi-currency plan) or post in ${org.baseCurrency}.`,
    });
  }
  const accounts = new Map(books.accounts.map((a) => [a.code.toLowerCase(), a]));
  const rates = new Map(books.taxRates.filter((t) => t.status === 'ACTIVE').map((t) => [t.taxType, t]));
  invoice.LineItems.forEach((line, index) => {
    const where = `Line ${index + 1} “${line.Description}”`;
    const base = { line: index, lineDescription: line.Description, accountCode: line.AccountCode };
    const at = { line: index + 1, description: line.Description };
    const account = accounts.get(line.AccountCode.toLowerCase());
    if (!account) {
      problems.push({
        ...base,
        reason: 'account_missing',
        params: { ...at, accountCode: line.AccountCode, org: org.name },
        message: `${where} goes to account ${line.AccountCode}, which does not exist in ${org.name}; choose one of its accounts in Books setup or create the Amazon accounts.`,
      });
      return;
    }
    const label = accountLabel(account);
    if (account.status !== 'ACTIVE') {
      problems.push({
        ...base,
        reason: 'account_archived',
        params: { ...at, account: label },
        message: `${where} goes to ${label}, which is archived in Xero; choose an active account in Books setup.`,
      });
      return;
    }
    if (account.systemAccount) {
      problems.push({
        ...base,
        reason: 'account_system',
        params: { ...at, account: label, systemAccount: account.systemAccount },
        message: `${where} goes to ${label}, an account Xero manages itself (${account.systemAccount}) that no invoice line may use; choose another account in Books setup.`,
      });
      return;
    }
    if (account.type === 'BANK') {
      problems.push({
        ...base,
        reason: 'account_bank',
        params: { ...at, account: label },
        message: `${where} goes to ${label}, a bank account, which Xero does not allow on an invoice line; choose another account in Books setup.`,
      });
      return;
    }
    const taxType = invoice.LineAmountTypes === 'NoTax' ? noTaxTypeFor(books) : line.TaxType;
    if (org.countryCode === 'AU' && line.TaxType === 'NONE') {
      problems.push({
        ...base,
        taxType: 'NONE',
        reason: 'tax_retired',
        params: at,
        message: `${where} uses tax type NONE, which Australia retired: Xero would file it as BAS Excluded. Choose a tax rate (e.g. GST on Income, GST Free Income or BAS Excluded) in Books setup.`,
      });
      return;
    }
    const rate = taxType ? rates.get(taxType) : undefined;
    if (!rate) {
      problems.push({
        ...base,
        taxType: line.TaxType,
        reason: 'tax_missing',
        params: { ...at, taxType: line.TaxType, org: org.name },
        message: `${where} uses tax type ${line.TaxType}, which ${org.name} does not have (or has deleted); choose one of its tax rates in Books setup.`,
      });
      return;
    }
    if (invoice.LineAmountTypes !== 'NoTax' && !rate.appliesTo.includes(account.class)) {
      problems.push({
        ...base,
        taxType: rate.taxType,
        reason: 'tax_not_for_account',
        params: { ...at, rate: rate.name, account: label, accountClass: account.class },
        message: `${where} uses “${rate.name}” on ${label}, but Xero does not allow that rate on ${account.class.toLowerCase()} accounts; choose a rate that applies to it in Books setup.`,
      });
      return;
    }
    for (const t of line.Tracking) {
      const category = books.trackingCategories.find((c) => c.name === t.Name);
      if (!category?.options.some((o) => o.name === t.Option)) {
        problems.push({
          ...base,
          reason: 'tracking_missing',
          params: { ...at, category: t.Name, option: t.Option, org: org.name },
          message: `${where} is tracked as ${t.Name} → ${t.Option}, which ${org.name} does not have as an active tracking option; pick another in Books setup or add it in Xero.`,
        });
      }
    }
  });
  return problems;
}

/** With LineAmountTypes NoTax Xero sets each line's tax to the region's no-tax rate. */
function noTaxTypeFor(books: OrganisationBooks): string | undefined {
  return books.organisation.countryCode === 'AU' ? 'BASEXCLUDED' : 'NONE';
}
