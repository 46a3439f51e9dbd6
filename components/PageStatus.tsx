import { t } from '@/lib/i18n';
import type { PageContext } from '@/lib/page-context';

export function PageStatus({ context }: { context: PageContext | null }) {
  if (!context) return null;
  if (!context.recognised) {
    return (
      <p class="page-status" data-testid="page-status">
        {t('pageStatus.unrecognised')}
      </p>
    );
  }
  return (
    <p class="page-status" data-testid="page-status">
      {t('pageStatus.account', { name: context.accountName ?? t('pageStatus.unknownAccount') })}
      {context.marketplaceName ? ` · ${context.marketplaceName}` : ''}
    </p>
  );
}
