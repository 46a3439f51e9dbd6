/**
 * Settlement engine: Amazon's settlement report (flat file V2) in, the summarised Xero
 * invoice(s) out, with a total equal to the bank deposit to the cent. Pure TypeScript with
 * no browser or Node APIs beyond Web Streams and TextDecoder, so the extension and Node
 * scripts share it. See README.md in this folder for the conventions.
 */

export { DEFAULT_MAPPING, DEFAULT_MAPPING_DOCUMENT } from './default-mapping.ts';
export {
  fail,
  ok,
  type Result,
  type SettlementError,
  type SettlementErrorCode,
  type SettlementErrorReason,
} from './errors.ts';
export {
  type BuildInvoicesOptions,
  buildInvoices,
  contactNameFor,
  type InvoiceLine,
  type InvoiceLineKind,
  type InvoiceSet,
  type InvoiceType,
  type LineAmountTypes,
  properMarketplaceName,
  type SettlementInvoice,
  type TrackingOption,
  toXeroPayload,
} from './invoices.ts';
export {
  keyLabel,
  type LineTarget,
  type LineTypeKey,
  type MappingRule,
  MappingRuleSchema,
  parseMapping,
  parseMappingJson,
  resolveKey,
  type SettlementMapping,
  type SettlementMappingInput,
  SettlementMappingSchema,
} from './mapping.ts';
export { formatMinor, formatMoney, isKnownCurrency, type Money, minorDigits } from './money.ts';
export {
  decodeSettlementBytes,
  type ParseStats,
  parseSettlementBlob,
  parseSettlementBytes,
  parseSettlementStream,
  parseSettlementText,
  type SettlementFormat,
  type SettlementHeader,
  SettlementParser,
  type SettlementRow,
  type SettlementSink,
  V1_COLUMNS,
  V2_COLUMNS,
} from './parse.ts';
export { formatReportTable, type SettlementReport, toReport } from './report.ts';
export {
  type SettlementInput,
  SettlementSummariser,
  type SettlementSummary,
  type SummariseOptions,
  type SummaryGroup,
  summariseSettlement,
  type UnmappedKey,
} from './summarise.ts';

import type { Result } from './errors.ts';
import { type BuildInvoicesOptions, buildInvoices, type InvoiceSet } from './invoices.ts';
import {
  type SettlementInput,
  type SettlementSummary,
  type SummariseOptions,
  summariseSettlement,
} from './summarise.ts';

/** Parse, summarise and build invoices in one call. */
export async function settle(
  input: SettlementInput,
  options: SummariseOptions & BuildInvoicesOptions = {},
): Promise<Result<{ summary: SettlementSummary; invoices: InvoiceSet }>> {
  const summary = await summariseSettlement(input, options);
  if (!summary.ok) return summary;
  return { ok: true, value: { summary: summary.value, invoices: buildInvoices(summary.value, options) } };
}
