/**
 * The mapping: how a bookkeeper tells Settlebridge which Xero account, tax type and line
 * description each kind of settlement amount goes to. It is a JSON document (validated with
 * zod, so a hand-edited file fails with a readable message) holding rules that match on the
 * settlement's (transaction-type, amount-type, amount-description) key.
 *
 * A rule may leave any of the three fields out to match all values; when several rules match,
 * the one naming the most fields wins, then the earliest. So a bookkeeper can say "every
 * Refund/ItemPrice goes to Refunds" and still single out "Refund/ItemPrice/Tax".
 */

import { z } from 'zod';
import { fail, ok, type Result } from './errors.ts';

/** Xero account codes are at most 10 characters. */
const AccountCode = z.string().trim().min(1).max(10);
/** Xero tax types are identifiers such as NONE, OUTPUT2, TAX001 (region specific). */
const TaxType = z.string().trim().min(1).max(50);

export const MappingRuleSchema = z
  .object({
    transactionType: z.string().optional(),
    amountType: z.string().optional(),
    amountDescription: z.string().optional(),
    /** The Xero account for this kind of amount... */
    accountCode: AccountCode.optional(),
    /** ...or a named account from `accounts` (reserves go to the reserve balance account). */
    account: z.enum(['reserve']).optional(),
    taxType: TaxType.optional(),
    /** The invoice line's description. */
    description: z.string().trim().min(1).max(200),
  })
  .refine((rule) => (rule.accountCode === undefined) !== (rule.account === undefined), {
    message: 'give exactly one of accountCode or account',
  });

export const SettlementMappingSchema = z.object({
  version: z.literal(1),
  accounts: z.object({
    /** Reserve balance (a current asset): "Current Reserve Amount" and its release. */
    reserve: AccountCode,
    /** Carries the first part's balance into the second when a settlement is split by month. */
    clearing: AccountCode,
    /** Suspense account for keys no rule matches, so they stay visible. */
    unmapped: AccountCode,
    /** Suspense account for a difference between the rows and the deposit. */
    discrepancy: AccountCode,
  }),
  defaultTaxType: TaxType.default('NONE'),
  lineAmountTypes: z.enum(['NoTax', 'Exclusive', 'Inclusive']).default('NoTax'),
  /** Xero tracking category that receives the marketplace name when tracking is on. */
  trackingCategory: z.string().trim().min(1).max(100).default('Marketplace'),
  /** Xero contact per marketplace-name, when the default ("Amazon.de" → "Amazon.de") is not wanted. */
  contactNames: z.record(z.string(), z.string().trim().min(1).max(255)).default({}),
  rules: z.array(MappingRuleSchema),
});

export type MappingRule = z.infer<typeof MappingRuleSchema>;
export type SettlementMapping = z.infer<typeof SettlementMappingSchema>;
/** What a mapping document may omit (defaults filled by parsing). */
export type SettlementMappingInput = z.input<typeof SettlementMappingSchema>;

// Matching keys to rules needs no zod; it lives apart so the engine's hot path (and the
// command line) can load without zod. Re-exported here for existing importers.
export {
  keyLabel,
  type LineKind,
  type LineTarget,
  type LineTypeKey,
  resolveKey,
} from './mapping-rules.ts';

/** Validates a mapping document (already JSON-parsed). */
export function parseMapping(document: unknown): Result<SettlementMapping> {
  const parsed = SettlementMappingSchema.safeParse(document);
  if (parsed.success) return ok(parsed.data);
  const issues = parsed.error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
  return fail('BAD_MAPPING', `the mapping is not valid: ${issues}`);
}

/** Validates a mapping given as JSON text. */
export function parseMappingJson(text: string): Result<SettlementMapping> {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (cause) {
    return fail(
      'BAD_MAPPING',
      `the mapping is not JSON: ${cause instanceof Error ? cause.message : String(cause)}`,
    );
  }
  return parseMapping(document);
}
