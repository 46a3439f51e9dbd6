import type { PageContext } from '@/lib/page-context';

export function PageStatus({ context }: { context: PageContext | null }) {
  if (!context) return null;
  if (!context.recognised) {
    return (
      <p class="page-status" data-testid="page-status">
        This Seller Central page is not recognised; Settlebridge left it untouched.
      </p>
    );
  }
  return (
    <p class="page-status" data-testid="page-status">
      Seller Central: {context.accountName ?? 'unknown account'}
      {context.marketplaceName ? ` · ${context.marketplaceName}` : ''}
    </p>
  );
}
