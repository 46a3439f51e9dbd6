import type { HistoryRow } from '@/lib/history';

export const STATUS_LABELS: Record<HistoryRow['status'], string> = {
  new: 'Unsent',
  queued: 'Queued',
  sending: 'Sending',
  sent: 'Sent',
  failed: 'Failed',
  needs_reconnect: 'Needs reconnect',
  conflict: 'Conflict in Xero',
};

const ATTACHMENT_LABELS: Record<NonNullable<HistoryRow['invoices'][number]['attachments']>, string> = {
  attached: 'Attached',
  attaching: 'Attaching…',
  failed: 'Not attached',
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

const sentAt = (ms: number) =>
  new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** What a row lets the user do next, besides Preview. */
function nextAction(row: HistoryRow): { action: RowAction; label: string } | null {
  switch (row.status) {
    case 'new':
      return { action: 'send', label: 'Send' };
    case 'failed':
      return { action: 'retry', label: 'Retry' };
    case 'conflict':
      return { action: 'recheck', label: 'Re-check' };
    case 'needs_reconnect':
      return row.connectionId ? { action: 'reconnect', label: 'Reconnect' } : null;
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
          <th scope="col">Account</th>
          <th scope="col">Settlement</th>
          <th scope="col">Period</th>
          <th scope="col" class="num">
            Deposit
          </th>
          <th scope="col">Status</th>
          <th scope="col">Xero</th>
          <th scope="col">Attachments</th>
          <th scope="col">Sent</th>
          <th scope="col">
            <span class="visually-hidden">Actions</span>
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
                {row.periodStart} – {row.periodEnd}
                <br />
                <span class="muted">paid {row.depositDate}</span>
              </td>
              <td class="num">
                {row.deposit} {row.currency}
              </td>
              <td>
                <span class="status-badge" data-status={row.status}>
                  {STATUS_LABELS[row.status]}
                </span>
                {row.error && row.status !== 'sent' && <div class="row-error">{row.error}</div>}
              </td>
              <td>
                {row.invoices.length === 0 && <span class="muted">Not sent</span>}
                {row.invoices.map((inv) =>
                  inv.xeroUrl ? (
                    <a key={inv.number} href={inv.xeroUrl} target="_blank" rel="noopener noreferrer">
                      {inv.number}
                      <span class="visually-hidden"> (open in Xero)</span>
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
                      {ATTACHMENT_LABELS[inv.attachments]}
                      {inv.attachmentProblem && <div class="row-error">{inv.attachmentProblem}</div>}
                    </div>
                  ) : null,
                )}
              </td>
              <td>{row.sentAt === undefined ? '' : sentAt(row.sentAt)}</td>
              <td class="row-actions">
                <button
                  type="button"
                  class="secondary"
                  disabled={isBusy}
                  aria-label={`Preview settlement ${row.settlementId}`}
                  onClick={() => onAction('preview', row)}
                >
                  Preview
                </button>
                {next && (
                  <button
                    type="button"
                    disabled={isBusy}
                    aria-label={`${next.label} settlement ${row.settlementId}`}
                    onClick={() => onAction(next.action, row)}
                  >
                    {busyKey === row.settlementKey ? 'Working…' : next.label}
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
