import { useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { AccountXeroStatus } from '@/lib/account-status';
import { t, tp } from '@/lib/i18n';
import type { Account } from '@/lib/record-schemas';
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
  /**
   * The items are a last known list, not yet confirmed by the background: the list is
   * marked busy (aria-busy, a visible "Updating…") and is not the `accounts` test id.
   */
  isUpdating?: boolean;
}

/** Every row has this height (px), so the visible window is arithmetic, not measured. */
export const ACCOUNT_ROW_HEIGHT = 52;
/** The list scrolls inside this height (px): eight rows. */
const LIST_HEIGHT = ACCOUNT_ROW_HEIGHT * 8;
/** Rows drawn beyond each edge of the window, so a fast scroll does not show blanks. */
const OVERSCAN = 6;

/** The rows [first, last) to draw for a scroll position: only what can be seen, plus a margin. */
export function visibleRange(count: number, scrollTop: number, viewHeight: number) {
  const first = Math.max(0, Math.floor(scrollTop / ACCOUNT_ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(count, Math.ceil((scrollTop + viewHeight) / ACCOUNT_ROW_HEIGHT) + OVERSCAN);
  return { first, last: Math.max(first, last) };
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
export function AccountSwitcher({
  items,
  onChoose,
  onEscape,
  filterThreshold = 5,
  isUpdating = false,
}: AccountSwitcherProps) {
  const [query, setQuery] = useState('');
  const [highlight, setHighlight] = useState(() =>
    Math.max(
      0,
      items.findIndex((i) => i.isActive),
    ),
  );
  const listRef = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const visible = useMemo(() => items.filter((i) => matches(i, query)), [items, query]);
  const current = Math.min(highlight, Math.max(0, visible.length - 1));
  const showFilter = items.length > filterThreshold;

  /** Scrolls the list just enough for row `index` to be seen, and draws that window now. */
  const reveal = (index: number) => {
    const list = listRef.current;
    if (!list) return;
    const view = list.clientHeight || LIST_HEIGHT;
    const top = index * ACCOUNT_ROW_HEIGHT;
    if (top < list.scrollTop) list.scrollTop = top;
    else if (top + ACCOUNT_ROW_HEIGHT > list.scrollTop + view)
      list.scrollTop = top + ACCOUNT_ROW_HEIGHT - view;
    setScrollTop(list.scrollTop);
  };
  // The account active in Seller Central starts highlighted: start with it in view too.
  useLayoutEffect(() => reveal(current), []);

  const move = (index: number) => {
    setHighlight(index);
    reveal(index);
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      if (visible.length === 0) return;
      const step = event.key === 'ArrowDown' ? 1 : -1;
      move((current + step + visible.length) % visible.length);
    } else if (event.key === 'Home' || event.key === 'End') {
      event.preventDefault();
      if (visible.length === 0) return;
      move(event.key === 'Home' ? 0 : visible.length - 1);
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
  // Only the rows in view are in the DOM (a seller may have thousands of accounts); the
  // rest are padding of the right height, and each row says its place in the whole list.
  const { first, last } = visibleRange(
    visible.length,
    scrollTop,
    listRef.current?.clientHeight || LIST_HEIGHT,
  );

  return (
    <div class="switcher">
      {showFilter && (
        <input
          class="switcher-filter"
          type="search"
          aria-label={t('switcher.filterLabel')}
          aria-controls="account-list"
          aria-activedescendant={active ? optionId(active) : undefined}
          placeholder={tp('switcher.filterPlaceholder', items.length)}
          value={query}
          // biome-ignore lint/a11y/noAutofocus: the popup exists to pick an account; typing filters at once
          autoFocus
          onKeyDown={onKeyDown}
          onInput={(e) => {
            setQuery(e.currentTarget.value);
            setHighlight(0);
            if (listRef.current) listRef.current.scrollTop = 0;
            setScrollTop(0);
          }}
        />
      )}
      <div
        id="account-list"
        ref={listRef}
        class="accounts"
        role="listbox"
        aria-label={t('switcher.listLabel')}
        aria-busy={isUpdating ? 'true' : undefined}
        data-testid={isUpdating ? 'accounts-updating' : 'accounts'}
        // Focusable even beside the filter box: a scrolling region must be reachable by keyboard.
        tabIndex={0}
        aria-activedescendant={active ? optionId(active) : undefined}
        style={{ maxHeight: `${LIST_HEIGHT}px` }}
        onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
        onKeyDown={onKeyDown}
      >
        {/* The rows not drawn are this inner box's padding. Not the list's own: padding
            adds to a max-height, so the list would grow to the whole list's height, never
            scroll, and its clientHeight would make every row "visible". */}
        <div
          class="accounts-window"
          style={{
            paddingTop: `${first * ACCOUNT_ROW_HEIGHT}px`,
            paddingBottom: `${(visible.length - last) * ACCOUNT_ROW_HEIGHT}px`,
          }}
        >
          {visible.slice(first, last).map((item, offset) => {
            const index = first + offset;
            return (
              // biome-ignore lint/a11y/useKeyWithClickEvents: keys are handled on the listbox (activedescendant pattern)
              <div
                key={item.account.id}
                id={optionId(item)}
                role="option"
                tabIndex={-1}
                aria-selected={index === current}
                aria-setsize={visible.length}
                aria-posinset={index + 1}
                style={{ height: `${ACCOUNT_ROW_HEIGHT}px` }}
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
            );
          })}
        </div>
      </div>
      {isUpdating && (
        <p class="status" role="status" data-testid="accounts-updating-note">
          {t('switcher.updating')}
        </p>
      )}
      {visible.length === 0 && (
        <p class="empty" role="status">
          {t('switcher.noMatch', { query })}
        </p>
      )}
    </div>
  );
}
