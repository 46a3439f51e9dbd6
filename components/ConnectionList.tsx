import { useState } from 'preact/hooks';
import { useAction } from '@/components/use-action';
import { type MessageKey, t, tp } from '@/lib/i18n';
import type { Account, XeroConnection } from '@/lib/record-schemas';

export interface ConnectionRow extends XeroConnection {
  accountIds: string[];
}

export interface ConnectionListProps {
  connections: readonly ConnectionRow[];
  accounts: ReadonlyMap<string, Account>;
  onReconnect(connectionId: string): Promise<void>;
  onDisconnect(connectionId: string): Promise<void>;
}

const STATUS_TEXT: Record<XeroConnection['status'], MessageKey> = {
  connected: 'connections.status.connected',
  needs_reconnect: 'connections.status.needsReconnect',
  disconnected: 'connections.status.disconnected',
};

export function ConnectionList({ connections, accounts, onReconnect, onDisconnect }: ConnectionListProps) {
  const [confirming, setConfirming] = useState<string | null>(null);
  /** The connection the running action is for. */
  const [target, setTarget] = useState<string | null>(null);
  const { isBusy, error, run } = useAction();
  const busy = isBusy ? target : null;

  const act = async (id: string, fn: () => Promise<void>) => {
    setTarget(id);
    await run(fn);
    setConfirming(null);
  };

  if (connections.length === 0) {
    return <p class="empty">{t('connections.none')}</p>;
  }
  return (
    <>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <ul class="connections" data-testid="connections">
        {connections.map((c) => {
          const names = c.accountIds.map((id) => accounts.get(id)?.name ?? t('connections.goneAccount'));
          return (
            <li key={c.id} class="connection" data-connection-id={c.id} data-status={c.status}>
              <div class="connection-head">
                {/* A sign-in waiting for its organisation posts nowhere yet: no name to show. */}
                <strong>
                  {c.chooseFrom
                    ? c.chooseFrom.map((o) => o.name).join(t('list.separator'))
                    : c.organisationName}
                </strong>
                <span class={`xero-status xero-status--${c.status}`}>
                  {c.chooseFrom ? t('xeroStatus.chooseOrganisation') : t(STATUS_TEXT[c.status])}
                </span>
              </div>
              <p class="muted">
                {t('connections.usedBy', {
                  names: names.length ? names.join(t('list.separator')) : t('connections.noAccount'),
                })}
              </p>
              <div class="actions">
                {c.status !== 'connected' && (
                  <button
                    type="button"
                    disabled={busy === c.id}
                    onClick={() => act(c.id, () => onReconnect(c.id))}
                  >
                    {t('common.reconnect')}
                  </button>
                )}
                <button type="button" disabled={busy === c.id} onClick={() => setConfirming(c.id)}>
                  {t('connections.disconnect')}
                </button>
              </div>
              {confirming === c.id && (
                <div
                  class="dialog"
                  role="alertdialog"
                  aria-modal="true"
                  aria-labelledby={`disconnect-${c.id}`}
                >
                  <p id={`disconnect-${c.id}`}>
                    {tp('connections.confirmDisconnect', names.length, {
                      org: c.organisationName,
                      names: names.join(t('list.separator')) || t('connections.noneNames'),
                    })}
                  </p>
                  <div class="actions">
                    <button type="button" onClick={() => setConfirming(null)}>
                      {t('common.cancel')}
                    </button>
                    <button type="button" class="danger" onClick={() => act(c.id, () => onDisconnect(c.id))}>
                      {t('connections.disconnect')}
                    </button>
                  </div>
                </div>
              )}
            </li>
          );
        })}
      </ul>
    </>
  );
}
