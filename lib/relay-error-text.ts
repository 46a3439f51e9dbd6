/**
 * What the relay and Xero say, in the seller's language. The relay answers in English with
 * a stable `code` (lib/relay-api.ts ErrorCode); the extension words each known code through
 * the catalogs (`relayError.<code>`). English keeps the relay's own sentence, which often
 * carries more (Xero's validation text, a wait in seconds), and so does a code the catalogs
 * do not know, in every language.
 */

import type { BooksProblem } from './books/check';
import { booksProblemText } from './books-problem-text';
import { errorMessage } from './errors';
import { ENGLISH, getLocale, type MessageKey, type Params, t } from './i18n';

/** The relay's error (or a job item's) as the seller reads it. */
export function relayErrorText(code: string, english: string, details?: Record<string, unknown>): string {
  if (getLocale() === 'en') return english;
  if (code === 'books_check_failed') {
    const first = (details?.problems as (BooksProblem & { invoiceNumber?: string })[] | undefined)?.[0];
    if (first?.reason && first.params)
      return t('relayError.booksCheckFailed', {
        invoice: first.invoiceNumber ?? '',
        problem: booksProblemText(first),
      });
  }
  const key = `relayError.${code}`;
  if (!Object.hasOwn(ENGLISH, key)) return english;
  return t(key as MessageKey, { detail: english });
}

/** What the extension was doing when the relay failed: `relay.step.<step>`. */
export type RelayStep =
  | 'startConnect'
  | 'finishConnect'
  | 'readConnection'
  | 'chooseOrganisation'
  | 'share'
  | 'readOrganisation'
  | 'enableCurrency'
  | 'disconnect'
  | 'finishReconnect'
  | 'readBooks'
  | 'createAccounts';

/** The message of an error thrown by a relay call, worded as above. */
export function relayErrorOf(error: unknown): string {
  const o = (typeof error === 'object' && error !== null ? error : {}) as {
    code?: unknown;
    details?: unknown;
  };
  const english = errorMessage(error);
  if (typeof o.code !== 'string') return english;
  const details = typeof o.details === 'object' && o.details !== null ? o.details : undefined;
  return relayErrorText(o.code, english, details as Record<string, unknown> | undefined);
}

/** "Could not <step>: <what the relay said>", in the current language. */
export function relayStepFailed(step: RelayStep, error: unknown, params?: Params): string {
  return t('relay.stepFailed', {
    what: t(`relay.step.${step}` as MessageKey, params),
    detail: relayErrorOf(error),
  });
}
