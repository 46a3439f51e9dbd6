import type { HistoryPage } from '@/lib/history';
import { formatInteger, t } from '@/lib/i18n';
import { STATUSES, statusLabel } from './SettlementsTable';

export interface FilterValues {
  accountId: string;
  status: string;
  from: string;
  to: string;
  search: string;
}

export const NO_FILTERS: FilterValues = { accountId: '', status: '', from: '', to: '', search: '' };

export interface SettlementFiltersProps {
  values: FilterValues;
  accounts: HistoryPage['accounts'];
  counts: HistoryPage['counts'];
  onChange(values: FilterValues): void;
}

/** Account, status, period (by period end) and settlement id search. */
export function SettlementFilters({ values, accounts, counts, onChange }: SettlementFiltersProps) {
  const set = (patch: Partial<FilterValues>) => onChange({ ...values, ...patch });
  return (
    <fieldset class="filters">
      <legend class="visually-hidden">{t('filters.legend')}</legend>
      <label>
        {t('history.col.account')}
        <select
          name="account"
          value={values.accountId}
          onChange={(e) => set({ accountId: e.currentTarget.value })}
        >
          <option value="">{t('filters.allAccounts')}</option>
          {accounts.map((a) => (
            <option key={a.id} value={a.id}>
              {a.name} ({a.marketplace})
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('history.col.status')}
        <select name="status" value={values.status} onChange={(e) => set({ status: e.currentTarget.value })}>
          <option value="">{t('filters.allStatuses')}</option>
          {STATUSES.map((status) => (
            <option key={status} value={status}>
              {statusLabel(status)} ({formatInteger(counts[status] ?? 0)})
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('filters.from')}
        <input
          type="date"
          name="from"
          value={values.from}
          onChange={(e) => set({ from: e.currentTarget.value })}
        />
      </label>
      <label>
        {t('filters.to')}
        <input type="date" name="to" value={values.to} onChange={(e) => set({ to: e.currentTarget.value })} />
      </label>
      <label>
        {t('filters.search')}
        <input
          type="search"
          name="search"
          inputMode="numeric"
          autoComplete="off"
          value={values.search}
          onInput={(e) => set({ search: e.currentTarget.value.trim() })}
        />
      </label>
    </fieldset>
  );
}
