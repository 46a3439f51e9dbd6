import type { ProblemSummary } from '@/lib/history';
import { t, tp } from '@/lib/i18n';

export interface ProblemLineProps {
  summary: ProblemSummary | null;
  href: string;
  onOpen(): void;
}

/** The popup's one line about settlements that need the user, with the way to them. */
export function ProblemLine({ summary, href, onOpen }: ProblemLineProps) {
  const parts = summary
    ? [
        summary.failed ? tp('problems.failed', summary.failed) : '',
        summary.needsReconnect ? tp('problems.waiting', summary.needsReconnect) : '',
        summary.conflict ? tp('problems.conflicts', summary.conflict) : '',
      ].filter(Boolean)
    : [];
  return (
    <p class="problem-line" data-testid="problem-line" data-count={summary?.total ?? ''}>
      {summary && summary.total > 0 && (
        <strong>{tp('problems.needYou', summary.total, { parts: parts.join(t('list.separator')) })} </strong>
      )}
      {summary && summary.total === 0 && `${t('problems.none')} `}
      <a
        href={href}
        onClick={(e) => {
          e.preventDefault();
          onOpen();
        }}
      >
        {t('problems.open')}
      </a>
    </p>
  );
}
