/**
 * The Settlements page's constants, kept free of zod so the page's bundle does not carry
 * the schemas (the background validates everything it receives).
 */
import type { MessageKey } from './i18n';
import type { SettlementStatus } from './record-schemas';

export const HISTORY_PAGE_SIZE = 50;
/** Statuses that need the user: counted on the toolbar badge and in the popup. */
export const PROBLEM_STATUSES = ['failed', 'needs_reconnect', 'conflict'] as const;

/** Each settlement status's catalog key: the page's badges and the background's notices. */
export const STATUS_KEYS: Record<SettlementStatus, MessageKey> = {
  new: 'history.status.new',
  queued: 'history.status.queued',
  sending: 'history.status.sending',
  sent: 'history.status.sent',
  failed: 'history.status.failed',
  needs_reconnect: 'history.status.needsReconnect',
  conflict: 'history.status.conflict',
};

/** Every settlement status, in the order the page offers them. */
export const STATUSES = Object.keys(STATUS_KEYS) as SettlementStatus[];
