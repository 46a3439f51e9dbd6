/**
 * How Xero applies an organisation's chart and tax rates to a line item: which tax type a
 * line really gets, and whether a rate may be used with an account.
 * https://developer.xero.com/documentation/api/accounting/types#tax-rates
 */
import { classesFor } from './charts.ts';
import type { SeedAccount, SeedTaxRate } from './seed.ts';
import type { OrgState } from './state.ts';

/**
 * Australia retired TaxType NONE: Xero still accepts it on a line and files the line as
 * BAS Excluded (docs/domain.md#xero-rules), so an AU sale sent with NONE silently leaves the BAS.
 */
export function effectiveTaxType(org: OrgState, taxType: string): string {
  return org.seed.CountryCode === 'AU' && taxType === 'NONE' ? 'BASEXCLUDED' : taxType;
}

export function isRateValidForAccount(rate: SeedTaxRate, account: SeedAccount): boolean {
  return classesFor(rate.ReportTaxType ?? 'NONE').includes(account.Class as never);
}

/** Xero's message when a rate exists but not for this account's class. */
export function rateAccountMismatch(taxType: string, code: string): string {
  return `The TaxType code '${taxType}' cannot be used with account code '${code}'.`;
}
