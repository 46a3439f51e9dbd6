import type { HistoryPage } from '@/lib/history';
import { STATUS_LABELS } from './SettlementsTable';

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
      <legend class="visually-hidden">Filter settlements</legend>
      <label>
        Account
        <select
          name="account"
          value={values.accountId}
          onChange={(e) => set({ accountId: e.currentTarget.value })}
        >
          <option value="">All accounts</option>
          {accounts.map((a) => (
            <option key={a.id} value={a.id}>
              {a.name} ({a.marketplace})
            </option>
          ))}
        </select>
      </label>
      <label>
        Status
        <select name="status" value={values.status} onChange={(e) => set({ status: e.currentTarget.value })}>
          <option value="">All statuses</option>
          {Object.entries(STATUS_LABELS).map(([status, label]) => (
            <option key={status} value={status}>
              {label} ({counts[status] ?? 0})
            </option>
          ))}
        </select>
      </label>
      <label>
        Period ending from
        <input
          type="date"
          name="from"
          value={values.from}
          onChange={(e) => set({ from: e.currentTarget.value })}
        />
      </label>
      <label>
        to
        <input type="date" name="to" value={values.to} onChange={(e) => set({ to: e.currentTarget.value })} />
      </label>
      <label>
        Settlement ID starts with
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
