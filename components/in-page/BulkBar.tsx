import { formatDuration, formatInteger, t, tp } from '@/lib/i18n';

export interface BulkProgress {
  total: number;
  sent: number;
  failed: number;
  parked: number;
  estimateSeconds: number | null;
}

export interface BulkBarProps {
  accountName: string | null;
  unsent: number;
  preparing: { done: number; total: number } | null;
  progress: BulkProgress | null;
  onSendAll(): void;
}

/**
 * Above the statements table: who this page is for, "Send all unsent" (the rows this page
 * shows: Seller Central pages its statements) and its progress.
 */
export function BulkBar({ accountName, unsent, preparing, progress, onSendAll }: BulkBarProps) {
  if (!accountName) {
    return (
      <div class="sb-bar" data-testid="sb-bar">
        {t('bar.notLinked')}
      </div>
    );
  }
  const done = progress ? progress.sent + progress.failed + progress.parked : 0;
  return (
    <div class="sb-bar" data-testid="sb-bar">
      <strong>Settlebridge · {accountName}</strong>
      {preparing ? (
        <span role="status">
          {t('bar.reading', { done: formatInteger(preparing.done), total: formatInteger(preparing.total) })}
        </span>
      ) : progress && done < progress.total ? (
        <span role="status" data-testid="sb-progress">
          <progress max={progress.total} value={progress.sent} />{' '}
          {t('bar.sent', { sent: formatInteger(progress.sent), total: formatInteger(progress.total) })}
          {progress.failed ? `${t('list.separator')}${tp('problems.failed', progress.failed)}` : ''}
          {progress.parked ? `${t('list.separator')}${tp('problems.waiting', progress.parked)}` : ''}
          {progress.estimateSeconds !== null
            ? ` · ${t('bar.left', { time: formatDuration(progress.estimateSeconds) })}`
            : ''}
        </span>
      ) : (
        <button type="button" disabled={unsent === 0} onClick={(e) => e.isTrusted && onSendAll()}>
          {t('bar.sendAll', { count: formatInteger(unsent) })}
        </button>
      )}
    </div>
  );
}
