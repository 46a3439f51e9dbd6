/**
 * The contract of the sim's test controls (/__sim/...): zod schemas for what they accept
 * and types for what they return. Both the control routes and the HTTP client import it.
 */
import { z } from 'zod';

export const CONTROLS_PREFIX = '/__sim';

export const FaultRequest = z.object({
  /**
   * What the next matching calls get: a status, a gateway timeout after `holdMs` (`timeout`:
   * never processed), a dropped socket (`reset`), `hang`: the call is accepted and its
   * answer held for `holdMs` (or until the client gives up), before (`hangPhase: 'before'`,
   * nothing stored if the client leaves) or after Xero stored it (`'after'`), or
   * `validation`: Xero's 400 ValidationException (ErrorNumber 10), as Xero answers an invoice
   * it refuses (developer.xero.com/documentation/api/accounting/responsecodes).
   */
  kind: z.enum(['500', '503', '429', 'timeout', 'reset', 'hang', 'validation']),
  hangPhase: z.enum(['before', 'after']).default('after'),
  count: z.number().int().min(1).max(10_000).default(1),
  /** `api`: /connections and /api.xro; `identity`: /connect/* and discovery; `all`: both. */
  scope: z.enum(['api', 'identity', 'all']).default('api'),
  /** Only calls whose path starts with this (e.g. "/api.xro/2.0/Invoices"). */
  pathPrefix: z.string().optional(),
  /** Only calls with this HTTP method. */
  method: z.enum(['GET', 'PUT', 'POST', 'DELETE']).optional(),
  /** For `validation`: the message in ValidationErrors. */
  message: z.string().max(500).default("Account code '200' is not a valid code for this document."),
  /** For `timeout`: how long to hold the call before answering 504 (the client usually gives up first). */
  holdMs: z.number().int().min(0).max(600_000).default(60_000),
});
export type FaultRequest = z.input<typeof FaultRequest>;

/** Xero's limits, changed at run time (e.g. a low app-wide limit for a multi-instance test). */
export const LimitsRequest = z.object({
  concurrentPerTenant: z.number().int().min(1).optional(),
  perMinutePerTenant: z.number().int().min(1).optional(),
  perDayPerTenant: z.number().int().min(1).optional(),
  perMinutePerApp: z.number().int().min(1).optional(),
});
export type LimitsRequest = z.infer<typeof LimitsRequest>;

export const LatencyRequest = z.object({ ms: z.number().int().min(0).max(60_000) });
export const AdvanceRequest = z.object({ ms: z.number().int().min(0) });

export interface SimCounts {
  consentsShown: number;
  consentsApproved: number;
  consentsCancelled: number;
  codeExchanges: number;
  refreshes: number;
  refreshGraceReplays: number;
  refreshFailures: number;
  revocations: number;
  apiCalls: number;
  rateLimited: number;
}

export interface SimInvoiceSummary {
  InvoiceID: string;
  Type: string;
  InvoiceNumber: string;
  Reference?: string;
  Status: string;
  CurrencyCode: string;
  Total: number;
  TotalTax: number;
  ContactName?: string;
  LineCount: number;
  /** Every attachment in upload order (a name can appear twice: Xero keeps each upload). */
  Attachments: { FileName: string; MimeType: string; ContentLength: number }[];
}

export interface SimRefreshFamily {
  id: string;
  clientId: string;
  authEventId: string;
  rotations: number;
  isRevoked: boolean;
  currentIssuedAt: number;
  previousRotatedAt?: number;
}

export interface SimConnection {
  id: string;
  tenantId: string;
  tenantName: string;
  authEventId: string;
  clientId: string;
}

export interface SimTenantState {
  tenantId: string;
  name: string;
  baseCurrency: string;
  currencies: string[];
  hasMulticurrency: boolean;
  inFlight: number;
  invoices: SimInvoiceSummary[];
}

export interface SimStateSnapshot {
  now: number;
  counts: SimCounts;
  tenants: SimTenantState[];
  connections: SimConnection[];
  refreshFamilies: SimRefreshFamily[];
  pendingFaults: number;
  latencyMs: number;
}

export interface SimCall {
  at: number;
  method: string;
  path: string;
  status: number;
  tenantId?: string;
  rateLimitProblem?: string;
  fault?: string;
  idempotencyKey?: string;
  isIdempotentReplay?: boolean;
}
