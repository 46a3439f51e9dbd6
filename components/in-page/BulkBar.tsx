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

const minutes = (s: number) => (s < 60 ? `${Math.max(1, Math.round(s))} s` : `${Math.round(s / 60)} min`);

/**
 * Above the statements table: who this page is for, "Send all unsent" (the rows this page
 * shows: Seller Central pages its statements) and its progress.
 */
export function BulkBar({ accountName, unsent, preparing, progress, onSendAll }: BulkBarProps) {
  if (!accountName) {
    return (
      <div class="sb-bar" data-testid="sb-bar">
        Settlebridge: this Seller Central account is not linked to one of your Settlebridge accounts. Open
        Settlebridge and choose "Connect to Amazon" for it.
      </div>
    );
  }
  const done = progress ? progress.sent + progress.failed + progress.parked : 0;
  return (
    <div class="sb-bar" data-testid="sb-bar">
      <strong>Settlebridge · {accountName}</strong>
      {preparing ? (
        <span role="status">
          Reading settlement files: {preparing.done} of {preparing.total}
        </span>
      ) : progress && done < progress.total ? (
        <span role="status" data-testid="sb-progress">
          <progress max={progress.total} value={progress.sent} /> {progress.sent} of {progress.total} sent
          {progress.failed ? `, ${progress.failed} failed` : ''}
          {progress.parked ? `, ${progress.parked} waiting for Reconnect` : ''}
          {progress.estimateSeconds !== null ? ` · about ${minutes(progress.estimateSeconds)} left` : ''}
        </span>
      ) : (
        <button type="button" disabled={unsent === 0} onClick={(e) => e.isTrusted && onSendAll()}>
          Send all unsent on this page ({unsent})
        </button>
      )}
    </div>
  );
}
