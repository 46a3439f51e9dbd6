import { t } from './i18n';
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
      return t('currency.base', { org: check.organisation, currency: check.currency });
    case 'enabled':
      return t('currency.enabled', {
        org: check.organisation,
        base: check.baseCurrency,
        currency: check.currency,
      });
    case 'can_enable':
      return t('currency.canEnable', {
        org: check.organisation,
        base: check.baseCurrency,
        currency: check.currency,
      });
    case 'plan_lacks_multicurrency':
      return t('currency.planLacks', {
        org: check.organisation,
        base: check.baseCurrency,
        currency: check.currency,
      });
  }
}
