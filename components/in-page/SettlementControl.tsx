import { safeXeroUrl } from '@/lib/xero-url';

export interface SettlementState {
  status: string;
  xeroUrl?: string;
  error?: string;
}

export interface SettlementControlProps {
  /** Empty until the file has been read when the page only names its report (referenceId). */
  settlementId: string;
  referenceId?: string;
  state: SettlementState | undefined;
  isBusy: boolean;
  onSend(): void;
}

const LABELS: Record<string, string> = {
  new: 'Not sent',
  queued: 'Sending…',
  sending: 'Sending…',
  sent: 'Sent to Xero',
  failed: 'Failed',
  needs_reconnect: 'Needs reconnect',
  conflict: 'Conflict in Xero',
};

/** Next to each settlement on a statements page: its state and a Send button. */
export function SettlementControl({
  settlementId,
  referenceId,
  state,
  isBusy,
  onSend,
}: SettlementControlProps) {
  const status = state?.status ?? 'new';
  const canSend = status === 'new' || !state;
  const xeroUrl = safeXeroUrl(state?.xeroUrl);
  return (
    <span
      class="sb-control"
      data-settlement-id={settlementId}
      data-reference-id={referenceId}
      data-status={status}
    >
      <span class="sb-badge" data-status={status} title={state?.error}>
        {LABELS[status] ?? status}
      </span>
      {status === 'sent' && xeroUrl && (
        <a href={xeroUrl} target="_blank" rel="noopener noreferrer">
          View in Xero
        </a>
      )}
      {(status === 'failed' || status === 'conflict') && state?.error && (
        <span class="sb-error">{state.error}</span>
      )}
      {canSend && (
        <button type="button" disabled={isBusy} onClick={(e) => e.isTrusted && onSend()}>
          {isBusy ? 'Preparing…' : 'Send to Xero'}
        </button>
      )}
    </span>
  );
}
