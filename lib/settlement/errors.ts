/**
 * Errors are values: every settlement function returns a Result instead of throwing, so a
 * bad file (or random bytes) can never escape as an uncaught exception in the extension.
 */

export type SettlementErrorCode =
  | 'NOT_SETTLEMENT_FILE'
  | 'MISSING_COLUMN'
  | 'DUPLICATE_COLUMN'
  | 'SUMMARY_MISSING'
  | 'UNEXPECTED_SUMMARY_ROW'
  | 'RAGGED_ROW'
  | 'LINE_TOO_LONG'
  | 'BAD_AMOUNT'
  | 'BAD_DATE'
  | 'UNKNOWN_CURRENCY'
  | 'CURRENCY_MISMATCH'
  | 'SETTLEMENT_ID_MISMATCH'
  | 'BAD_ENCODING'
  | 'AMBIGUOUS_DATE'
  | 'UNCLOSED_QUOTE'
  | 'READ_FAILED'
  | 'BAD_MAPPING';

export interface SettlementError {
  code: SettlementErrorCode;
  /** A sentence a bookkeeper can act on; includes the line and column when known. */
  message: string;
  /** 1-based physical line in the file (the header is line 1). */
  line?: number;
  /** 1-based column number. */
  column?: number;
  /** The column's header name, e.g. "amount". */
  columnName?: string;
  /**
   * Finer than `code`, for a UI that words the refusal itself (e.g. in the seller's
   * language): which kind of other file this is ('xml', 'pdf', 'xlsx', 'gzip', 'html',
   * 'date_range') or 'empty' for an empty file.
   */
  reason?: SettlementErrorReason;
  /** The offending field's text as found (clipped), or absent when the field is missing. */
  found?: string;
  /** True when the row ends before the column (`found` is then absent). */
  isMissing?: boolean;
}

export type SettlementErrorReason = 'xml' | 'pdf' | 'xlsx' | 'gzip' | 'html' | 'date_range' | 'empty';

export type Result<T, E = SettlementError> = { ok: true; value: T } | { ok: false; error: E };

export function ok<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}

export function fail(
  code: SettlementErrorCode,
  detail: string,
  where: Pick<SettlementError, 'line' | 'column' | 'columnName' | 'reason' | 'found' | 'isMissing'> = {},
): { ok: false; error: SettlementError } {
  const place: string[] = [];
  if (where.line !== undefined) place.push(`line ${where.line}`);
  if (where.column !== undefined) {
    place.push(`column ${where.column}${where.columnName ? ` (${where.columnName})` : ''}`);
  } else if (where.columnName) {
    place.push(`column ${where.columnName}`);
  }
  const message = place.length > 0 ? `${place.join(', ')}: ${detail}` : detail;
  return { ok: false, error: { code, message, ...where } };
}
