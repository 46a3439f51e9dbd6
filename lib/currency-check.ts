import type { Organisation } from './relay-api';

/**
 * Whether a Xero organisation can take invoices in an account's currency. Xero refuses
 * invoices in a currency the organisation has not enabled ("Organisation is not subscribed
 * to currency XXX"), and only plans with multi-currency can enable one (docs/domain.md#xero-rules).
 */
export type CurrencyCheck =
  | { state: 'base'; currency: string; organisation: string }
  | { state: 'enabled'; currency: string; organisation: string; baseCurrency: string }
  | { state: 'can_enable'; currency: string; organisation: string; baseCurrency: string }
  | { state: 'plan_lacks_multicurrency'; currency: string; organisation: string; baseCurrency: string };

export function checkCurrency(currency: string, org: Organisation): CurrencyCheck {
  const common = { currency, organisation: org.name };
  if (org.baseCurrency === currency) return { state: 'base', ...common };
  const withBase = { ...common, baseCurrency: org.baseCurrency };
  if (org.currencies.includes(currency)) return { state: 'enabled', ...withBase };
  return org.multiCurrency
    ? { state: 'can_enable', ...withBase }
    : { state: 'plan_lacks_multicurrency', ...withBase };
}

export function explainCurrencyCheck(check: CurrencyCheck): string {
  switch (check.state) {
    case 'base':
      return `${check.organisation} keeps its books in ${check.currency}: invoices post as they are.`;
    case 'enabled':
      return `${check.organisation} (base ${check.baseCurrency}) has ${check.currency} enabled: invoices post in ${check.currency}.`;
    case 'can_enable':
      return `${check.organisation} keeps its books in ${check.baseCurrency} and has not enabled ${check.currency}. Xero would refuse ${check.currency} invoices until it is enabled. Enable it now?`;
    case 'plan_lacks_multicurrency':
      return `${check.organisation} keeps its books in ${check.baseCurrency} and its Xero plan has no multi-currency, so Xero would refuse ${check.currency} invoices. In Xero, move to a plan that includes multi-currency (Settings → Subscription and billing), then enable ${check.currency}; or connect this account to an organisation whose base currency is ${check.currency}.`;
  }
}
