/**
 * The Settlements page's constants, kept free of zod so the page's bundle does not carry
 * the schemas (the background validates everything it receives).
 */
export const HISTORY_PAGE_SIZE = 50;
/** Statuses that need the user: counted on the toolbar badge and in the popup. */
export const PROBLEM_STATUSES = ['failed', 'needs_reconnect', 'conflict'] as const;
