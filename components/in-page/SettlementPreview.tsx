import { useState } from 'preact/hooks';
import type { SettlementView } from '@/lib/background/settlements';

export interface SettlementPreviewProps {
  views: readonly SettlementView[];
  onSend(): Promise<void>;
  onCancel(): void;
  onMapAccount(settlementKey: string, key: string, accountCode: string): Promise<void>;
  /** False for a settlement already on its way: the preview is shown again, read-only. */
  canSend?: boolean;
}

/** What will be posted, before the first send: lines, accounts, tax, total against deposit. */
export function SettlementPreview({
  views,
  onSend,
  onCancel,
  onMapAccount,
  canSend = true,
}: SettlementPreviewProps) {
  const [isBusy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [codes, setCodes] = useState<Record<string, string>>({});
  const guard = (fn: () => Promise<void>) => async (e: Event) => {
    if (!e.isTrusted) return;
    setBusy(true);
    setError(null);
    try {
      await fn();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  const title = !canSend
    ? `Settlement ${views[0]?.settlementId}`
    : views.length === 1
      ? `Send settlement ${views[0]?.settlementId} to Xero`
      : `Send ${views.length} settlements to Xero`;

  return (
    <div class="sb-overlay">
      <div class="sb-dialog" role="dialog" aria-modal="true" aria-label={title} data-testid="sb-preview">
        <h2>{title}</h2>
        {views.map((v) => {
          const r = v.report;
          return (
            <section key={v.settlementKey} data-settlement-key={v.settlementKey}>
              <p>
                {v.accountName} → {v.organisationName ?? 'no Xero organisation'} · {r.periodStart} to{' '}
                {r.periodEnd} · deposit {r.depositTotal} {r.currency} on {r.depositDate}
                {r.format === 'V1' ? ' · older V1 format' : ''}
              </p>
              {r.isNothingToSend && (
                <p class="sb-ok" data-testid="sb-nothing-to-send">
                  Nothing to send: this settlement has no rows and a zero total.
                </p>
              )}
              {r.invoices.map((inv) => (
                <div key={inv.number}>
                  <h3>
                    {inv.type === 'ACCPAY' ? 'Bill' : 'Invoice'} {inv.number} · {inv.reference}
                  </h3>
                  <table>
                    <thead>
                      <tr>
                        <th>Line</th>
                        <th>Account</th>
                        <th>Tax</th>
                        <th class="num">Amount ({inv.currency})</th>
                      </tr>
                    </thead>
                    <tbody>
                      {inv.lines.map((line) => (
                        <tr key={`${line.key}-${line.accountCode}-${line.description}`}>
                          <td>{line.description}</td>
                          <td>{line.accountCode}</td>
                          <td>{line.taxType}</td>
                          <td class="num">{line.amount}</td>
                        </tr>
                      ))}
                      <tr>
                        <th colSpan={3}>Total</th>
                        <th class="num" data-testid="sb-total">
                          {inv.total}
                        </th>
                      </tr>
                    </tbody>
                  </table>
                </div>
              ))}
              {r.discrepancy === null ? (
                <p class="sb-ok" data-testid="sb-reconciled">
                  The invoice total equals the deposit of {r.depositTotal} {r.currency}.
                </p>
              ) : (
                <p class="sb-flag" data-testid="sb-discrepancy">
                  The settlement's rows differ from the deposit by {r.discrepancy} {r.currency}. The
                  difference is its own line, so the invoice still equals the deposit; check Amazon's report
                  for a missing line.
                </p>
              )}
              {canSend && r.unmapped.length > 0 && (
                <div class="sb-flag" data-testid="sb-unmapped">
                  <p>
                    These amounts have no mapping yet and go to the Unmapped account. Give each an account
                    code:
                  </p>
                  {r.unmapped.map((u) => (
                    <p key={u.key}>
                      <label>
                        {u.key} ({u.amount} {r.currency}, {u.rows} rows){' '}
                        <input
                          aria-label={`Account code for ${u.key}`}
                          value={codes[u.key] ?? ''}
                          onInput={(e) => setCodes({ ...codes, [u.key]: e.currentTarget.value })}
                        />
                      </label>{' '}
                      <button
                        type="button"
                        class="secondary"
                        disabled={isBusy || !codes[u.key]}
                        onClick={guard(() => onMapAccount(v.settlementKey, u.key, codes[u.key] ?? ''))}
                      >
                        Save mapping
                      </button>
                    </p>
                  ))}
                </div>
              )}
            </section>
          );
        })}
        {error && (
          <p class="sb-error" role="alert">
            {error}
          </p>
        )}
        <div class="sb-actions">
          <button type="button" class="secondary" onClick={(e) => e.isTrusted && onCancel()}>
            {canSend ? 'Cancel' : 'Close'}
          </button>
          {canSend && (
            <button
              type="button"
              disabled={isBusy || views.every((v) => v.report.isNothingToSend)}
              onClick={guard(onSend)}
              data-testid="sb-send"
            >
              {isBusy ? 'Sending…' : views.length === 1 ? 'Send' : `Send all ${views.length}`}
            </button>
          )}
        </div>
      </div>
    </div>
  );
}
