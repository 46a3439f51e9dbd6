/**
 * A settlement file's refusal (lib/settlement's SettlementError) worded for the seller.
 *
 * lib/settlement stays pure and English: its `message` is the reference wording the CLI and
 * its tests use. The extension words the refusal from its code, reason, place and found
 * text through the catalogs; in English it keeps the parser's own sentence, which carries
 * more detail than one sentence per code can.
 */

import { getLocale, type MessageKey, t } from './i18n';
import type { SettlementError } from './settlement';

/** What is wrong, in the current language (the parser's sentence in English). */
export function settlementProblemText(error: SettlementError): string {
  if (getLocale() === 'en') return error.message;
  const what = t(error.reason ? (`settlementError.reason.${error.reason}` as MessageKey) : codeKey(error));
  const found =
    error.found !== undefined
      ? `${t('settlementError.found', { found: error.found })} `
      : error.isMissing
        ? `${t('settlementError.missing')} `
        : '';
  return `${found}${what}`;
}

const codeKey = (error: SettlementError) => `settlementError.code.${error.code}` as MessageKey;

/** The whole sentence shown when a file is refused: where, what, and that nothing was saved. */
export function settlementErrorText(error: SettlementError): string {
  const problem = settlementProblemText(error);
  if (error.line === undefined) return t('settlementError.read', { problem });
  if (!error.columnName) return t('settlementError.readAtLine', { line: error.line, problem });
  return t('settlementError.readAtColumn', { line: error.line, column: error.columnName, problem });
}
