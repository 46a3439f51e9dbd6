import { t } from '@/lib/i18n';

/** Next to a statements row that only offers "Request Report": there is no file to send yet. */
export function RequestHint() {
  return (
    <span class="sb-control sb-hint" data-testid="sb-request-hint">
      {t('hint.request')}
    </span>
  );
}
