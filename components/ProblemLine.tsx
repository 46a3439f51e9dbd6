import type { ProblemSummary } from '@/lib/history';

export interface ProblemLineProps {
  summary: ProblemSummary | null;
  href: string;
  onOpen(): void;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** The popup's one line about settlements that need the user, with the way to them. */
export function ProblemLine({ summary, href, onOpen }: ProblemLineProps) {
  const parts = summary
    ? [
        summary.failed ? `${summary.failed} failed` : '',
        summary.needsReconnect ? `${summary.needsReconnect} waiting for Reconnect` : '',
        summary.conflict ? plural(summary.conflict, 'conflict', 'conflicts') + ' in Xero' : '',
      ].filter(Boolean)
    : [];
  return (
    <p class="problem-line" data-testid="problem-line" data-count={summary?.total ?? ''}>
      {summary && summary.total > 0 && (
        <strong>
          {plural(summary.total, 'settlement needs', 'settlements need')} you ({parts.join(', ')}).{' '}
        </strong>
      )}
      {summary && summary.total === 0 && 'No settlement needs you. '}
      <a
        href={href}
        onClick={(e) => {
          e.preventDefault();
          onOpen();
        }}
      >
        Open Settlements
      </a>
    </p>
  );
}
