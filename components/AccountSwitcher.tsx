import { useMemo, useRef, useState } from 'preact/hooks';
import type { AccountXeroStatus } from '@/lib/account-status';
import { formatInteger, t } from '@/lib/i18n';
import type { Account } from '@/lib/records';
import { XeroStatus } from './XeroStatus';

export interface SwitcherItem {
  account: Account;
  status: AccountXeroStatus;
  isActive: boolean;
}

export interface AccountSwitcherProps {
  items: readonly SwitcherItem[];
  onChoose(account: Account): void;
  onEscape(): void;
  /** The filter box appears once there are more accounts than this. */
  filterThreshold?: number;
}

const matches = (item: SwitcherItem, query: string) => {
  const q = query.trim().toLocaleLowerCase();
  if (!q) return true;
  const { account } = item;
  return [account.name, account.marketplace, account.currency, account.amazonAccountName ?? '']
    .join(' ')
    .toLocaleLowerCase()
    .includes(q);
};

/**
 * The toolbar switcher: a listbox of accounts, filterable by typing, driven by arrows,
 * Enter and Escape. Focus stays in the filter box (or the list) while `aria-activedescendant`
 * names the highlighted account, the pattern screen readers expect for a combobox list.
 */
export function AccountSwitcher({ items, onChoose, onEscape, filterThreshold = 5 }: AccountSwitcherProps) {
  const [query, setQuery] = useState('');
  const [highlight, setHighlight] = useState(() =>
    Math.max(
      0,
      items.findIndex((i) => i.isActive),
    ),
  );
  const listRef = useRef<HTMLDivElement>(null);
  const visible = useMemo(() => items.filter((i) => matches(i, query)), [items, query]);
  const current = Math.min(highlight, Math.max(0, visible.length - 1));
  const showFilter = items.length > filterThreshold;

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      if (visible.length === 0) return;
      const step = event.key === 'ArrowDown' ? 1 : -1;
      const next = (current + step + visible.length) % visible.length;
      setHighlight(next);
      listRef.current?.querySelector(`[data-index="${next}"]`)?.scrollIntoView({ block: 'nearest' });
    } else if (event.key === 'Home' || event.key === 'End') {
      event.preventDefault();
      setHighlight(event.key === 'Home' ? 0 : visible.length - 1);
    } else if (event.key === 'Enter') {
      const item = visible[current];
      if (item) {
        event.preventDefault();
        onChoose(item.account);
      }
    } else if (event.key === 'Escape') {
      event.preventDefault();
      if (query) setQuery('');
      else onEscape();
    }
  };

  const optionId = (item: SwitcherItem) => `account-${item.account.id}`;
  const active = visible[current];

  return (
    <div class="switcher">
      {showFilter && (
        <input
          class="switcher-filter"
          type="search"
          aria-label={t('switcher.filterLabel')}
          aria-controls="account-list"
          aria-activedescendant={active ? optionId(active) : undefined}
          placeholder={t('switcher.filterPlaceholder', { count: formatInteger(items.length) })}
          value={query}
          // biome-ignore lint/a11y/noAutofocus: the popup exists to pick an account; typing filters at once
          autoFocus
          onKeyDown={onKeyDown}
          onInput={(e) => {
            setQuery(e.currentTarget.value);
            setHighlight(0);
          }}
        />
      )}
      <div
        id="account-list"
        ref={listRef}
        class="accounts"
        role="listbox"
        aria-label={t('switcher.listLabel')}
        data-testid="accounts"
        tabIndex={showFilter ? -1 : 0}
        aria-activedescendant={!showFilter && active ? optionId(active) : undefined}
        onKeyDown={onKeyDown}
      >
        {visible.map((item, index) => (
          // biome-ignore lint/a11y/useKeyWithClickEvents: keys are handled on the listbox (activedescendant pattern)
          <div
            key={item.account.id}
            id={optionId(item)}
            role="option"
            tabIndex={-1}
            aria-selected={index === current}
            data-index={index}
            data-account-id={item.account.id}
            class={`account${index === current ? ' is-highlighted' : ''}${item.isActive ? ' is-active' : ''}`}
            onClick={() => onChoose(item.account)}
            onMouseMove={() => index !== current && setHighlight(index)}
          >
            <span class="account-name">{item.account.name}</span>
            <span
              class="account-market"
              title={t('switcher.marketplaceTitle', { code: item.account.marketplace })}
            >
              {item.account.marketplace}
            </span>
            <span class="account-currency">{item.account.currency}</span>
            <XeroStatus status={item.status} />
            {item.isActive && (
              <span class="account-active" data-testid="active-marker">
                {t('switcher.active')}
              </span>
            )}
          </div>
        ))}
      </div>
      {visible.length === 0 && (
        <p class="empty" role="status">
          {t('switcher.noMatch', { query })}
        </p>
      )}
    </div>
  );
}
