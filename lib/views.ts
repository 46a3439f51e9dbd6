/**
 * What the background answers about settlements and Books setup: the output schemas of
 * the `settlement/*`, `history/*`, `mapping/*` and `books/*` messages (lib/messages.ts).
 * The handlers build these shapes; dispatch checks every answer against them.
 */
import { z } from 'zod';
import { LINE_GROUPS } from './books/setup';
import { ConnectionStatus, SettlementStatus } from './record-schemas';
import { NewAccount, OrganisationBooks } from './relay-api';
import type { SettlementReport as EngineReport } from './settlement';

const ReportLine = z.object({
  key: z.string(),
  description: z.string(),
  accountCode: z.string(),
  taxType: z.string(),
  tracking: z.array(z.object({ name: z.string(), option: z.string() })),
  amount: z.string(),
});

const ReportInvoice = z.object({
  type: z.string(),
  number: z.string(),
  reference: z.string(),
  contactName: z.string(),
  date: z.string(),
  dueDate: z.string(),
  currency: z.string(),
  lineAmountTypes: z.string(),
  total: z.string(),
  lines: z.array(ReportLine),
});

/** lib/settlement's report (decimal strings, JSON-safe), as previews and stored rows carry it. */
export const SettlementReport = z.object({
  settlementId: z.string(),
  format: z.enum(['V2', 'V1']).optional(),
  notices: z.array(z.string()).optional(),
  isNothingToSend: z.boolean().optional(),
  currency: z.string(),
  periodStart: z.string(),
  periodEnd: z.string(),
  depositDate: z.string(),
  depositTotal: z.string(),
  rows: z.number(),
  invoices: z.array(ReportInvoice),
  discrepancy: z.string().nullable(),
  unmapped: z.array(
    z.object({ key: z.string(), rows: z.number(), amount: z.string(), firstLine: z.number() }),
  ),
});
export type SettlementReport = z.infer<typeof SettlementReport>;
// The engine's report and this schema describe one shape: a field added to one fails here.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameReport: Same<EngineReport, SettlementReport> = true;
void sameReport;

/** A settlement as the preview, the confirmation window and the Settlements page show it. */
export const SettlementView = z.object({
  settlementKey: z.string(),
  settlementId: z.string(),
  accountName: z.string(),
  currency: z.string(),
  status: SettlementStatus,
  report: SettlementReport,
  organisationName: z.string().nullable(),
  connectionStatus: ConnectionStatus.nullable(),
  parts: z.array(
    z.object({
      invoiceNumber: z.string(),
      state: z.string(),
      xeroUrl: z.string().optional(),
      error: z.string().optional(),
    }),
  ),
  lastError: z.string().optional(),
});
export type SettlementView = z.infer<typeof SettlementView>;

export const LineGroup = z.enum(LINE_GROUPS);
const GroupChoice = z.object({ accountCode: z.string(), taxType: z.string() });
const Tracking = z.object({ category: z.string(), option: z.string() });

/** Books setup for one organisation: its books, the saved setup or suggestions, and the plan. */
export const BooksLoadResult = z.object({
  organisationName: z.string(),
  tenantId: z.string(),
  books: OrganisationBooks,
  /** The saved choices, or suggestions from the organisation's own chart when none are saved. */
  choices: z.partialRecord(LineGroup, GroupChoice),
  tracking: Tracking.optional(),
  isSaved: z.boolean(),
  /** Groups without a choice yet. */
  missing: z.array(LineGroup),
  /** What "Create Amazon accounts for me" would add (names, types, free codes). */
  plan: z.array(z.object({ ...NewAccount.shape, group: LineGroup })),
});
export type BooksLoadResult = z.infer<typeof BooksLoadResult>;

export const BooksCreateResult = BooksLoadResult.extend({
  failed: z.array(z.object({ code: z.string(), name: z.string(), message: z.string() })),
});

/** What the confirmation window shows before a send: where each line goes, and what would stop it. */
export const BooksCheckResult = z.object({
  organisationName: z.string(),
  accountId: z.string(),
  lines: z.array(
    z.object({
      invoiceNumber: z.string(),
      description: z.string(),
      accountCode: z.string(),
      /** The organisation's own name for the account, or undefined when it has no such code. */
      accountName: z.string().optional(),
      taxType: z.string(),
      amount: z.string(),
    }),
  ),
  /** The same refusals the relay would give (lib/books/check.ts); empty when the send may go. */
  problems: z.array(z.object({ invoiceNumber: z.string(), reason: z.string(), message: z.string() })),
});
export type BooksCheckResult = z.infer<typeof BooksCheckResult>;
