/**
 * A books-check problem (lib/books/check.ts, shared with the relay and English) worded
 * through the catalogs from its reason and facts: `booksProblem.<reason>`. The English
 * catalog repeats the check's own sentences, so English reads exactly as the relay's.
 */
import type { BooksProblem } from './books/check';
import { type MessageKey, t } from './i18n';

export function booksProblemText(problem: Pick<BooksProblem, 'reason' | 'params'>): string {
  const params = { ...problem.params };
  if (typeof params.accountClass === 'string')
    params.accountClass = t(`booksProblem.class.${params.accountClass}` as MessageKey);
  return t(`booksProblem.${problem.reason}` as MessageKey, params);
}
