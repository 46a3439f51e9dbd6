import { useEffect, useRef, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { SettlementPreview } from '@/components/in-page/SettlementPreview';
import { IN_PAGE_CSS } from '@/components/in-page/styles';
import { type FilterValues, NO_FILTERS, SettlementFilters } from '@/components/SettlementFilters';
import { type RowAction, SettlementsTable, statusLabel } from '@/components/SettlementsTable';
import { errorMessage } from '@/lib/errors';
import type { HistoryPage, HistoryRow } from '@/lib/history';
import { HISTORY_PAGE_SIZE } from '@/lib/history-constants';
import { type CSV_COLUMNS, historyCsv } from '@/lib/history-csv';
import { formatInteger, type MessageKey, t, tp } from '@/lib/i18n';
import { sendMessage } from '@/lib/message-client';
import type { MessageInput } from '@/lib/messages';
import { sendToBackground as send } from '@/lib/send-to-background';
import { writeSettlementsSnapshot } from '@/lib/settlements-snapshot';
import type { SettlementView } from '@/lib/views';

/** The CSV export's column names from the catalogs, in CSV_COLUMNS' order. */
const CSV_HEADER_KEYS = [
  'csv.account',
  'csv.marketplace',
  'csv.settlementId',
  'csv.periodStart',
  'csv.periodEnd',
  'csv.depositDate',
  'csv.deposit',
  'csv.currency',
  'csv.status',
  'csv.problem',
  'csv.xeroInvoices',
  'csv.xeroLinks',
  'csv.sentAt',
] as const satisfies readonly MessageKey[] & { length: (typeof CSV_COLUMNS)['length'] };

/** While anything is on its way, the page reads the outbox again this often... */
const FOLLOW_MS = 2_000;
/** ...and otherwise this often, for sends that other pages or the background start. */
const IDLE_MS = 15_000;

function query(filters: FilterValues, offset: number): MessageInput<'history/list'> {
  return {
    offset,
    limit: HISTORY_PAGE_SIZE,
    ...(filters.accountId ? { accountId: filters.accountId } : {}),
    ...(filters.status ? { status: filters.status as HistoryRow['status'] } : {}),
    ...(filters.from ? { from: filters.from } : {}),
    ...(filters.to ? { to: filters.to } : {}),
    ...(filters.search ? { search: filters.search } : {}),
  };
}

export interface SettlementsProps {
  /** The last known first screen (lib/settlements-snapshot.ts), drawn as updating until `history/list` answers. */
  snapshot?: HistoryPage | null;
  /** Where the fresh first screen is kept for the next opening. */
  snapshotStorage?: Pick<Storage, 'setItem'>;
}

export function Settlements({ snapshot = null, snapshotStorage }: SettlementsProps = {}) {
  const [filters, setFilters] = useState<FilterValues>(NO_FILTERS);
  const [offset, setOffset] = useState(0);
  const [page, setPage] = useState<HistoryPage | null>(null);
  const [isLoading, setLoading] = useState(true);
  const [message, setMessage] = useState<{ text: string; isError: boolean } | null>(null);
  const [busyKey, setBusyKey] = useState<string | null>(null);
  const [preview, setPreview] = useState<{ view: SettlementView; canSend: boolean } | null>(null);
  const [notify, setNotify] = useState<boolean | null>(null);
  const latest = useRef(0);

  const load = async () => {
    const ticket = ++latest.current;
    setLoading(true);
    try {
      const next = await sendMessage(send, 'history/list', query(filters, offset));
      // A slower answer to an older query never replaces a newer one.
      if (ticket !== latest.current) return;
      setPage(next);
      if (offset === 0 && JSON.stringify(filters) === JSON.stringify(NO_FILTERS)) {
        // After this render is painted: the next opening draws this first screen at once.
        setTimeout(() => writeSettlementsSnapshot(snapshotStorage, next), 0);
      }
    } catch (e) {
      if (ticket === latest.current) setMessage({ text: errorMessage(e), isError: true });
    } finally {
      if (ticket === latest.current) setLoading(false);
    }
  };

  useEffect(() => {
    void load();
  }, [filters, offset]);

  useEffect(() => {
    sendMessage(send, 'history/notifications', {})
      .then((r) => setNotify(r.enabled))
      .catch(() => {});
  }, []);

  // Follow sends in progress, and catch up when the user comes back to the tab.
  const isMoving = page?.rows.some((r) => r.status === 'queued' || r.status === 'sending') ?? false;
  useEffect(() => {
    const onFocus = () => void load();
    addEventListener('focus', onFocus);
    const timer = setInterval(() => void load(), isMoving ? FOLLOW_MS : IDLE_MS);
    return () => {
      removeEventListener('focus', onFocus);
      clearInterval(timer);
    };
  }, [isMoving, filters, offset]);

  const changeFilters = (next: FilterValues) => {
    setFilters(next);
    setOffset(0);
  };

  const act = async (action: RowAction, row: HistoryRow) => {
    setMessage(null);
    setBusyKey(row.settlementKey);
    try {
      const key = { settlementKey: row.settlementKey };
      if (action === 'preview' || action === 'send') {
        const view = await sendMessage(send, 'settlement/preview', key);
        setPreview({ view, canSend: view.status === 'new' });
      } else if (action === 'retry' || action === 'recheck') {
        await sendMessage(send, 'history/retry', key);
        setMessage({
          text:
            action === 'retry'
              ? t('history.queuedAgain', { id: row.settlementId })
              : t('history.queuedRecheck', { id: row.settlementId }),
          isError: false,
        });
      } else if (action === 'reconnect' && row.connectionId) {
        await sendMessage(send, 'connection/reconnect', { connectionId: row.connectionId });
        setMessage({ text: t('history.reconnected'), isError: false });
      }
    } catch (e) {
      setMessage({ text: errorMessage(e), isError: true });
    } finally {
      setBusyKey(null);
      await load();
    }
  };

  const exportCsv = () => {
    if (!page) return;
    const csv = historyCsv(
      page.rows,
      (s) => statusLabel(s as HistoryRow['status']) ?? s,
      CSV_HEADER_KEYS.map((key) => t(key)),
    );
    const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `settlements-${new Date().toISOString().slice(0, 10)}.csv`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };

  const isFiltered = JSON.stringify(filters) !== JSON.stringify(NO_FILTERS);
  // Until the first answer, the last known first screen stands in, marked as updating with
  // its actions off. An empty one is not shown: "No settlements yet" only comes fresh.
  const isUpdating = !page && !isFiltered && offset === 0 && snapshot !== null && snapshot.total > 0;
  const shown = page ?? (isUpdating ? snapshot : null);
  const total = shown?.total ?? 0;
  const known = shown ? Object.values(shown.counts).reduce((a, b) => a + b, 0) : 0;
  const problems = shown
    ? (shown.counts.failed ?? 0) + (shown.counts.needs_reconnect ?? 0) + (shown.counts.conflict ?? 0)
    : 0;
  const first = total ? offset + 1 : 0;
  const last = Math.min(offset + HISTORY_PAGE_SIZE, total);

  return (
    <main class="settlements-page">
      <h1>{t('history.title')}</h1>
      {shown && (
        <p class="summary" data-testid="problem-summary">
          {t('history.summary', {
            settlements: tp('history.settlements', known),
            accounts: tp('history.accounts', shown.accounts.length),
          })}{' '}
          {problems > 0 ? <strong>{tp('history.needYou', problems)}</strong> : t('history.nothingNeedsYou')}
        </p>
      )}
      <SettlementFilters
        values={filters}
        accounts={shown?.accounts ?? []}
        counts={shown?.counts ?? {}}
        onChange={changeFilters}
      />
      <div class="toolbar">
        <p role="status" aria-live="polite" class="range">
          {isLoading && !shown
            ? t('history.loading')
            : total
              ? t('history.showing', {
                  first: formatInteger(first),
                  last: formatInteger(last),
                  total: formatInteger(total),
                })
              : ''}
        </p>
        <button type="button" class="secondary" disabled={!page?.rows.length} onClick={exportCsv}>
          {tp('history.export', page?.rows.length ?? 0)}
        </button>
        <label class="notify-toggle">
          <input
            type="checkbox"
            name="notify"
            checked={notify ?? false}
            disabled={notify === null}
            onChange={async (e) => {
              const enabled = e.currentTarget.checked;
              try {
                setNotify((await sendMessage(send, 'history/notifications', { enabled })).enabled);
              } catch (err) {
                setMessage({ text: errorMessage(err), isError: true });
              }
            }}
          />
          {t('history.notify')}
        </label>
      </div>
      {message && (
        <p class={message.isError ? 'error' : 'status'} role={message.isError ? 'alert' : 'status'}>
          {message.text}
        </p>
      )}
      {isUpdating && (
        <p class="status" data-testid="settlements-updating">
          {t('history.updating')}
        </p>
      )}
      {!shown && isLoading && (
        <p aria-busy="true" data-testid="settlements-loading">
          {t('history.loading')}
        </p>
      )}
      {page && total === 0 && !isFiltered && (
        <div class="empty" data-testid="settlements-empty">
          <p>
            <strong>{t('history.emptyTitle')}</strong>
          </p>
          <p>
            {t('history.emptyBefore')}
            <a href={browser.runtime.getURL('/options.html')}>{t('history.emptyLink')}</a>
            {t('history.emptyAfter')}
          </p>
        </div>
      )}
      {page && total === 0 && isFiltered && (
        <div class="empty" data-testid="settlements-none-match">
          <p>{t('history.noneMatch')}</p>
          <button type="button" class="secondary" onClick={() => changeFilters(NO_FILTERS)}>
            {t('history.clearFilters')}
          </button>
        </div>
      )}
      {shown && total > 0 && (
        <>
          <SettlementsTable
            rows={shown.rows}
            isUpdating={isUpdating}
            busyKey={busyKey}
            caption={isFiltered ? t('history.captionFiltered') : t('history.caption')}
            onAction={(action, row) => void act(action, row)}
          />
          <nav class="pager" aria-label={t('history.pages')}>
            <button
              type="button"
              class="secondary"
              disabled={offset === 0}
              onClick={() => setOffset(Math.max(0, offset - HISTORY_PAGE_SIZE))}
            >
              {t('history.previous')}
            </button>
            <button
              type="button"
              class="secondary"
              disabled={last >= total}
              onClick={() => setOffset(offset + HISTORY_PAGE_SIZE)}
            >
              {t('history.next')}
            </button>
          </nav>
        </>
      )}
      {preview && (
        <>
          <style>{IN_PAGE_CSS}</style>
          <SettlementPreview
            views={[preview.view]}
            canSend={preview.canSend}
            onCancel={() => setPreview(null)}
            onSend={async () => {
              const sent = await sendMessage(send, 'history/send', {
                settlementKey: preview.view.settlementKey,
              });
              setPreview(null);
              setMessage({ text: t('history.onItsWay', { id: sent.settlementId }), isError: false });
              await load();
            }}
            onMapAccount={async (settlementKey, key, accountCode) =>
              setPreview({
                view: await sendMessage(send, 'mapping/set-account', { settlementKey, key, accountCode }),
                canSend: true,
              })
            }
          />
        </>
      )}
    </main>
  );
}
