import type { HistoryRow } from '@/lib/history';
import { STATUS_KEYS, STATUSES } from '@/lib/history-constants';
import { formatDate, formatDateTime, formatMoney, type MessageKey, t } from '@/lib/i18n';

/** Every status, in display order. */
export { STATUSES };

/** A settlement status as the user reads it, in the current language. */
export const statusLabel = (status: HistoryRow['status']): string => t(STATUS_KEYS[status]);

const ATTACHMENT_KEYS: Record<NonNullable<HistoryRow['invoices'][number]['attachments']>, MessageKey> = {
  attached: 'history.attached',
  attaching: 'history.attaching',
  failed: 'history.notAttached',
};

export type RowAction = 'preview' | 'send' | 'retry' | 'recheck' | 'reconnect';

export interface SettlementsTableProps {
  rows: readonly HistoryRow[];
  /** The row whose action is running, so its buttons say so and cannot be pressed twice. */
  busyKey: string | null;
  caption: string;
  onAction(action: RowAction, row: HistoryRow): void;
  /**
   * The rows are the page's last known first screen, not yet confirmed by the background:
   * the table is marked busy, is not the `settlements-table` test id, and offers no action.
   */
  isUpdating?: boolean;
}

/** What a row lets the user do next, besides Preview. */
function nextAction(row: HistoryRow): { action: RowAction; label: string } | null {
  switch (row.status) {
    case 'new':
      return { action: 'send', label: t('preview.send') };
    case 'failed':
      return { action: 'retry', label: t('history.retry') };
    case 'conflict':
      return { action: 'recheck', label: t('history.recheck') };
    case 'needs_reconnect':
      return row.connectionId ? { action: 'reconnect', label: t('common.reconnect') } : null;
    default:
      return null;
  }
}

/**
 * Every account's settlements, one row each. A plain table: rows are read with a screen
 * reader's table commands, and every action is a real button or link in tab order.
 */
export function SettlementsTable({
  rows,
  busyKey,
  caption,
  onAction,
  isUpdating = false,
}: SettlementsTableProps) {
  return (
    <table
      class="settlements"
      data-testid={isUpdating ? 'settlements-table-updating' : 'settlements-table'}
      aria-busy={isUpdating ? 'true' : undefined}
    >
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{t('history.col.account')}</th>
          <th scope="col">{t('history.col.settlement')}</th>
          <th scope="col">{t('history.col.period')}</th>
          <th scope="col" class="num">
            {t('history.col.deposit')}
          </th>
          <th scope="col">{t('history.col.status')}</th>
          <th scope="col">{t('history.col.xero')}</th>
          <th scope="col">{t('history.col.attachments')}</th>
          <th scope="col">{t('history.col.sent')}</th>
          <th scope="col">
            <span class="visually-hidden">{t('history.col.actions')}</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => {
          const next = nextAction(row);
          const isBusy = busyKey === row.settlementKey || isUpdating;
          return (
            <tr key={row.settlementKey} data-settlement-id={row.settlementId} data-status={row.status}>
              <td>
                {row.accountName} <span class="muted">{row.marketplace}</span>
              </td>
              <th scope="row" class="mono">
                {row.settlementId}
              </th>
              <td>
                {formatDate(row.periodStart)} – {formatDate(row.periodEnd)}
                <br />
                <span class="muted">{t('history.paid', { date: formatDate(row.depositDate) })}</span>
              </td>
              <td class="num" data-amount={row.deposit} data-currency={row.currency}>
                {formatMoney(row.deposit, row.currency)}
              </td>
              <td>
                <span class="status-badge" data-status={row.status}>
                  {statusLabel(row.status)}
                </span>
                {row.error && row.status !== 'sent' && <div class="row-error">{row.error}</div>}
              </td>
              <td>
                {row.invoices.length === 0 && <span class="muted">{t('control.status.new')}</span>}
                {row.invoices.map((inv) =>
                  inv.xeroUrl ? (
                    <a key={inv.number} href={inv.xeroUrl} target="_blank" rel="noopener noreferrer">
                      {inv.number}
                      <span class="visually-hidden"> {t('history.openInXero')}</span>
                    </a>
                  ) : (
                    <span key={inv.number}>{inv.number}</span>
                  ),
                )}
              </td>
              <td data-testid="attachments">
                {row.invoices.map((inv) =>
                  inv.attachments ? (
                    <div key={inv.number} data-attachments={inv.attachments}>
                      {t(ATTACHMENT_KEYS[inv.attachments])}
                      {inv.attachmentProblem && <div class="row-error">{inv.attachmentProblem}</div>}
                    </div>
                  ) : null,
                )}
              </td>
              <td>{row.sentAt === undefined ? '' : formatDateTime(row.sentAt)}</td>
              <td class="row-actions">
                <button
                  type="button"
                  class="secondary"
                  disabled={isBusy}
                  aria-label={t('history.previewLabel', { id: row.settlementId })}
                  onClick={() => onAction('preview', row)}
                >
                  {t('history.preview')}
                </button>
                {next && (
                  <button
                    type="button"
                    disabled={isBusy}
                    aria-label={t('history.actionLabel', { action: next.label, id: row.settlementId })}
                    onClick={() => onAction(next.action, row)}
                  >
                    {busyKey === row.settlementKey ? t('history.working') : next.label}
                  </button>
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
