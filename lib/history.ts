/**
 * The Settlements page's contract: what it asks the background for and what it gets back.
 * Zod schemas, so the background validates every query; the page imports types only.
 */
import { z } from 'zod';
import { HISTORY_PAGE_SIZE } from './history-constants';
import { SettlementStatus } from './record-schemas';

export { HISTORY_PAGE_SIZE, PROBLEM_STATUSES } from './history-constants';

const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Dates are written YYYY-MM-DD.');

export const HistoryQuery = z.object({
  accountId: z.string().uuid().optional(),
  status: SettlementStatus.optional(),
  /** Settlements whose period ends on or after this date. */
  from: IsoDate.optional(),
  /** Settlements whose period ends on or before this date. */
  to: IsoDate.optional(),
  /** The start of a settlement id (digits as Amazon prints them). */
  search: z
    .string()
    .trim()
    .max(40)
    .regex(/^[0-9A-Za-z-]*$/, 'Search by settlement id: digits and letters only.')
    .optional(),
  offset: z.number().int().min(0).max(1_000_000).default(0),
  limit: z.number().int().min(1).max(500).default(HISTORY_PAGE_SIZE),
});
export type HistoryQuery = z.input<typeof HistoryQuery>;

export const HistoryInvoice = z.object({
  number: z.string(),
  state: z.string(),
  /** Whatever link the relay returned for this invoice (it knows the organisation's short code). */
  xeroUrl: z.string().optional(),
  /**
   * The audit trail on the invoice in Xero: `attached` (every file), `attaching` (the relay is
   * still adding them), `failed` (Xero refused one; `attachmentProblem` says why), absent
   * when the invoice carries none.
   */
  attachments: z.enum(['attached', 'attaching', 'failed']).optional(),
  attachmentProblem: z.string().optional(),
});

export const HistoryRow = z.object({
  settlementKey: z.string(),
  settlementId: z.string(),
  accountId: z.string(),
  accountName: z.string(),
  marketplace: z.string(),
  periodStart: z.string(),
  periodEnd: z.string(),
  depositDate: z.string(),
  /** Decimal string in the currency's own minor digits ("1234.50", JPY "1200"). */
  deposit: z.string(),
  currency: z.string(),
  status: SettlementStatus,
  error: z.string().optional(),
  invoices: z.array(HistoryInvoice),
  /** The Xero connection its sends use (or its account's), for Reconnect. */
  connectionId: z.string().optional(),
  /** When Xero had every part (ms since epoch), for sent settlements. */
  sentAt: z.number().optional(),
});
export type HistoryRow = z.infer<typeof HistoryRow>;

export const HistoryPage = z.object({
  rows: z.array(HistoryRow),
  /** How many settlements match the filters (all pages). */
  total: z.number().int(),
  /** Every settlement the extension knows, per status, whatever the filters. */
  counts: z.record(z.string(), z.number().int()),
  accounts: z.array(z.object({ id: z.string(), name: z.string(), marketplace: z.string() })),
});
export type HistoryPage = z.infer<typeof HistoryPage>;

export const ProblemSummary = z.object({
  failed: z.number().int(),
  needsReconnect: z.number().int(),
  conflict: z.number().int(),
  total: z.number().int(),
});
export type ProblemSummary = z.infer<typeof ProblemSummary>;
