import { type MessageKey, t } from '@/lib/i18n';
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

const LABELS: Record<string, MessageKey> = {
  new: 'control.status.new',
  queued: 'control.status.sending',
  sending: 'control.status.sending',
  sent: 'control.status.sent',
  failed: 'control.status.failed',
  needs_reconnect: 'control.status.needsReconnect',
  conflict: 'control.status.conflict',
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
        {LABELS[status] ? t(LABELS[status]) : status}
      </span>
      {status === 'sent' && xeroUrl && (
        <a href={xeroUrl} target="_blank" rel="noopener noreferrer">
          {t('control.viewInXero')}
        </a>
      )}
      {(status === 'failed' || status === 'conflict') && state?.error && (
        <span class="sb-error">{state.error}</span>
      )}
      {canSend && (
        <button type="button" disabled={isBusy} onClick={(e) => e.isTrusted && onSend()}>
          {isBusy ? t('control.preparing') : t('control.send')}
        </button>
      )}
    </span>
  );
}
