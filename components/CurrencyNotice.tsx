import { useAction } from '@/components/use-action';
import { type CurrencyCheck, explainCurrencyCheck } from '@/lib/currency-check';
import { t } from '@/lib/i18n';

export interface CurrencyNoticeProps {
  check: CurrencyCheck;
  onEnable(): Promise<void>;
}

export function CurrencyNotice({ check, onEnable }: CurrencyNoticeProps) {
  const { isBusy, error, run } = useAction();
  const isProblem = check.state === 'can_enable' || check.state === 'plan_lacks_multicurrency';
  return (
    <div
      class={`notice ${isProblem ? 'notice--warning' : 'notice--ok'}`}
      role={isProblem ? 'alert' : 'status'}
      data-testid="currency-check"
      data-state={check.state}
    >
      <p>{explainCurrencyCheck(check)}</p>
      {check.state === 'can_enable' && (
        <button type="button" disabled={isBusy} onClick={() => run(onEnable)}>
          {isBusy ? t('currency.enabling') : t('currency.enable', { currency: check.currency })}
        </button>
      )}
      {error && <p class="error">{error}</p>}
    </div>
  );
}
