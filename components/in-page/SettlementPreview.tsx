import { useState } from 'preact/hooks';
import { useAction } from '@/components/use-action';
import { formatAmount, formatDate, formatInteger, formatMoney, t, tp } from '@/lib/i18n';
import type { SettlementView } from '@/lib/views';

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
  const { isBusy, error, run } = useAction();
  const [codes, setCodes] = useState<Record<string, string>>({});
  const guard = (fn: () => Promise<void>) => async (e: Event) => {
    if (!e.isTrusted) return;
    await run(fn);
  };
  const title = !canSend
    ? t('preview.titleReadOnly', { id: views[0]?.settlementId ?? '' })
    : views.length === 1
      ? t('preview.titleOne', { id: views[0]?.settlementId ?? '' })
      : tp('preview.titleMany', views.length);

  return (
    <div class="sb-overlay">
      <div class="sb-dialog" role="dialog" aria-modal="true" aria-label={title} data-testid="sb-preview">
        <h2>{title}</h2>
        {views.map((v) => {
          const r = v.report;
          return (
            <section key={v.settlementKey} data-settlement-key={v.settlementKey}>
              <p>
                {v.accountName} → {v.organisationName ?? t('preview.noOrganisation')} ·{' '}
                {t('preview.period', { start: formatDate(r.periodStart), end: formatDate(r.periodEnd) })} ·{' '}
                {t('preview.deposit', {
                  amount: formatMoney(r.depositTotal, r.currency),
                  date: formatDate(r.depositDate),
                })}
                {r.format === 'V1' ? ` · ${t('preview.v1')}` : ''}
              </p>
              {r.isNothingToSend && (
                <p class="sb-ok" data-testid="sb-nothing-to-send">
                  {t('preview.nothingToSend')}
                </p>
              )}
              {r.invoices.map((inv) => (
                <div key={inv.number}>
                  <h3>
                    {inv.type === 'ACCPAY' ? t('preview.bill') : t('preview.invoice')} {inv.number} ·{' '}
                    {inv.reference}
                  </h3>
                  <table>
                    <thead>
                      <tr>
                        <th>{t('preview.line')}</th>
                        <th>{t('preview.account')}</th>
                        <th>{t('preview.tax')}</th>
                        <th class="num">{t('preview.amount', { currency: inv.currency })}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {inv.lines.map((line) => (
                        <tr key={`${line.key}-${line.accountCode}-${line.description}`}>
                          <td>{line.description}</td>
                          <td>{line.accountCode}</td>
                          <td>{line.taxType}</td>
                          <td class="num" data-amount={line.amount}>
                            {formatAmount(line.amount)}
                          </td>
                        </tr>
                      ))}
                      <tr>
                        <th colSpan={3}>{t('preview.total')}</th>
                        <th class="num" data-testid="sb-total" data-amount={inv.total}>
                          {formatAmount(inv.total)}
                        </th>
                      </tr>
                    </tbody>
                  </table>
                </div>
              ))}
              {r.discrepancy === null ? (
                <p class="sb-ok" data-testid="sb-reconciled">
                  {t('preview.reconciled', { amount: formatMoney(r.depositTotal, r.currency) })}
                </p>
              ) : (
                <p class="sb-flag" data-testid="sb-discrepancy">
                  {t('preview.discrepancy', { amount: formatMoney(r.discrepancy, r.currency) })}
                </p>
              )}
              {canSend && r.unmapped.length > 0 && (
                <div class="sb-flag" data-testid="sb-unmapped">
                  <p>{t('preview.unmapped')}</p>
                  {r.unmapped.map((u) => (
                    <p key={u.key}>
                      <label>
                        {u.key} (
                        {t('preview.unmappedRow', {
                          amount: formatMoney(u.amount, r.currency),
                          rows: tp('preview.rows', u.rows),
                        })}
                        ){' '}
                        <input
                          aria-label={t('preview.accountCodeFor', { key: u.key })}
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
                        {t('preview.saveMapping')}
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
            {canSend ? t('common.cancel') : t('common.close')}
          </button>
          {canSend && (
            <button
              type="button"
              disabled={isBusy || views.every((v) => v.report.isNothingToSend)}
              onClick={guard(onSend)}
              data-testid="sb-send"
            >
              {isBusy
                ? t('control.status.sending')
                : views.length === 1
                  ? t('preview.send')
                  : t('preview.sendAll', { count: formatInteger(views.length) })}
            </button>
          )}
        </div>
      </div>
    </div>
  );
}
