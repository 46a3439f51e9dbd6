/**
 * Record shapes kept in the extension's IndexedDB, validated with zod at every boundary
 * (messages in, backup import). Metadata only: no Xero token or secret is ever stored here;
 * the relay owns those.
 */
import { z } from 'zod';
import { MARKETPLACE_CODES, MARKETPLACES } from './marketplaces';

export const AccountName = z
  .string()
  .trim()
  .min(1, 'Give the account a name.')
  .max(80, 'Keep the account name under 80 characters.');

export const MarketplaceCode = z.enum(MARKETPLACE_CODES, {
  error: 'Choose a marketplace from the list.',
});

/*
 * Seller Central's ids, one schema per kind, used wherever an id is stored, sent or compared
 * (docs/domain.md#seller-central; the shapes come from public code that drives Seller Central's account
 * switcher: `mons_sel_dir_mcid=amzn1.merchant.d.…`, `mons_sel_dir_paid=amzn1.pa.d.…`,
 * `mons_sel_mkid=amzn1.mp.o.…`). Each refuses a look-alike with a reason a person can act on.
 */

const MERCHANT_LONG = /^amzn1\.merchant\.[do]\.[A-Z0-9]{16,40}$/;
/** The short seller token (e.g. A2EXAMPLE123) that older pages still show. */
const MERCHANT_SHORT = /^A[A-Z0-9]{7,19}$/;
const PARTNER = /^amzn1\.pa\.[do]\.[A-Z0-9]{10,60}$/;

/** Says why `value` is not a well-formed `amzn1.<kind>.[do].<UPPER-ALNUM>` id, or undefined. */
function amznIdProblem(value: string, kind: string, example: string): string | undefined {
  const prefix = `amzn1.${kind}.`;
  if (!value.startsWith(prefix)) return `must start with "${prefix}" (like ${example})`;
  const [, , scope, body, ...rest] = value.split('.');
  if (scope !== 'd' && scope !== 'o') return `must continue "${prefix}d." or "${prefix}o."`;
  if (rest.length > 0 || !body) return 'has the wrong number of dot-separated parts';
  if (/[a-z]/.test(body)) return 'must be upper-case after the prefix (ids are case-sensitive)';
  if (/[^A-Z0-9]/.test(body)) return 'may only hold letters and digits after the prefix';
  return 'has the wrong length';
}

/**
 * The merchant id Seller Central switches with: `amzn1.merchant.d.<upper-case alphanumerics>`
 * (about 45 characters; an `.o.` form also exists), or the short seller token older pages show.
 */
export const MerchantId = z
  .string()
  .trim()
  .max(80, 'Not an Amazon merchant id: it is far too long.')
  .superRefine((value, ctx) => {
    if (MERCHANT_LONG.test(value) || MERCHANT_SHORT.test(value)) return;
    const reason = value.startsWith('amzn1.')
      ? amznIdProblem(value, 'merchant', 'amzn1.merchant.d.ABCDEFGHIJKLMNOPQRSTUVWX1234')
      : 'expected amzn1.merchant.d.… or a short seller id such as A2EXAMPLE123';
    ctx.addIssue({
      code: 'custom',
      message: `Not an Amazon merchant id: "${value.slice(0, 60)}" ${reason}.`,
    });
  });
export type MerchantId = z.infer<typeof MerchantId>;

/** The global (partner) account id: `amzn1.pa.d.<upper-case alphanumerics>`. */
export const PartnerAccountId = z
  .string()
  .trim()
  .max(80, 'Not an Amazon partner account id: it is far too long.')
  .superRefine((value, ctx) => {
    if (PARTNER.test(value)) return;
    const reason = amznIdProblem(value, 'pa', 'amzn1.pa.d.ABCDEFGHIJKLMNOPQRSTUVWX1234');
    ctx.addIssue({
      code: 'custom',
      message: `Not an Amazon partner account id: "${value.slice(0, 60)}" ${reason}.`,
    });
  });
export type PartnerAccountId = z.infer<typeof PartnerAccountId>;

/**
 * A marketplace id as Seller Central writes it (`amzn1.mp.o.ATVPDKIKX0DER`) or bare, for a
 * marketplace Settlebridge supports; parsed to the bare id so comparisons are plain equality.
 */
export const MarketplaceId = z
  .string()
  .trim()
  .max(60, 'Not an Amazon marketplace id: it is far too long.')
  .transform((value, ctx) => {
    const bare = value.startsWith('amzn1.mp.o.') ? value.slice('amzn1.mp.o.'.length) : value;
    if (!MARKETPLACES.some((m) => m.id === bare)) {
      ctx.addIssue({
        code: 'custom',
        message: /^[A-Z0-9]{8,20}$/.test(bare)
          ? `Marketplace ${bare} is not one Settlebridge supports.`
          : `Not an Amazon marketplace id: "${value.slice(0, 60)}" (expected amzn1.mp.o.<id>, e.g. amzn1.mp.o.ATVPDKIKX0DER).`,
      });
      return z.NEVER;
    }
    return bare;
  });

/** Seller Central's delegation context (`mons_sel_dc`), when the page names one. */
export const DelegationContext = z.string().regex(/^[A-Za-z0-9._:-]{1,100}$/, 'Not a delegation context.');

export const ConnectionStatus = z.enum(['connected', 'needs_reconnect', 'disconnected']);
export type ConnectionStatus = z.infer<typeof ConnectionStatus>;

export const Account = z.object({
  id: z.string().uuid(),
  name: AccountName,
  marketplace: MarketplaceCode,
  currency: z.string().regex(/^[A-Z]{3}$/),
  merchantId: MerchantId.optional(),
  /** The account name Seller Central shows in its header, read when the account was bound. */
  amazonAccountName: z.string().max(200).optional(),
  /** Seller Central's partner account id, when the page revealed it (used in switch links). */
  partnerAccountId: PartnerAccountId.optional(),
  /** Seller Central's delegation context, when the page named one (`mons_sel_dc`). */
  delegationContext: DelegationContext.optional(),
  xeroConnectionId: z.string().min(1).max(100).optional(),
  /** Set when this account uses a connection first made for another account. */
  sharedFromAccountId: z.string().uuid().optional(),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
});
export type Account = z.infer<typeof Account>;

export const XeroConnection = z.object({
  id: z.string().min(1).max(100),
  tenantId: z.string().min(1).max(100),
  organisationName: z.string().max(255),
  status: ConnectionStatus,
  baseCurrency: z
    .string()
    .regex(/^[A-Z]{3}$/)
    .optional(),
  /** The organisations to choose from while the relay waits for a choice (relay-api Connection). */
  chooseFrom: z
    .array(z.object({ tenantId: z.string().min(1).max(100), name: z.string().max(255) }))
    .max(100)
    .optional(),
  updatedAt: z.number().int(),
});
export type XeroConnection = z.infer<typeof XeroConnection>;

export const Mapping = z.object({
  id: z.string().min(1).max(100),
  name: z.string().min(1).max(100),
  /** The settlement mapping document; its own schema lives with the settlement engine. */
  document: z.unknown(),
  updatedAt: z.number().int(),
});
export type Mapping = z.infer<typeof Mapping>;

/** `conflict`: Xero already holds this number for the same contact with another total; nothing was posted. */
export const SettlementStatus = z.enum([
  'new',
  'queued',
  'sending',
  'sent',
  'failed',
  'needs_reconnect',
  'conflict',
]);
export type SettlementStatus = z.infer<typeof SettlementStatus>;

export const Settlement = z.object({
  /** `${accountId}:${settlementId}`: one settlement id can only belong to one account. */
  key: z.string().min(1).max(200),
  accountId: z.string().uuid(),
  settlementId: z.string().min(1).max(40),
  /**
   * The statements page's report id for this settlement's file (current UI): not the
   * settlement id, which comes from the file itself. Lets a row find its settlement again.
   */
  referenceId: z
    .string()
    .regex(/^\d{1,30}$/)
    .optional(),
  currency: z.string().regex(/^[A-Z]{3}$/),
  /** Integer minor units as a decimal string, so bigints survive structured clone and JSON. */
  depositTotalMinor: z.string().regex(/^-?\d+$/),
  periodStart: z.string(),
  periodEnd: z.string(),
  depositDate: z.string(),
  status: SettlementStatus,
  /** The preview the user saw: lib/settlement's report (decimal strings, JSON-safe). */
  report: z.unknown(),
  /** Xero invoice payloads, one per part, exactly as they will be sent. */
  payloads: z.array(z.unknown()),
  /** The file as downloaded, so a fixed mapping can rebuild the invoices. */
  source: z.string(),
  lastError: z.string().max(2000).optional(),
  updatedAt: z.number().int(),
});
export type Settlement = z.infer<typeof Settlement>;

/**
 * queued: written, not yet accepted by the relay; sending: the relay holds it in a job;
 * sent: Xero has it; failed: a retry cannot fix it; parked: waits for Reconnect;
 * conflict: Xero has the same number with a different total.
 */
export const SendState = z.enum(['queued', 'sending', 'sent', 'failed', 'parked', 'conflict']);
export type SendState = z.infer<typeof SendState>;

export const Send = z.object({
  seq: z.number().int().optional(),
  /** Derived from (account, settlement, part); unique, so a second intent for the same part is refused. */
  idempotencyKey: z.string().min(1).max(128),
  accountId: z.string().uuid(),
  settlementKey: z.string().min(1).max(200),
  part: z.number().int().min(0).max(9),
  state: SendState,
  connectionId: z.string().min(1).max(100),
  invoiceNumber: z.string().max(255),
  /** The Xero invoice payload; frozen when the intent to send is written. */
  payload: z.unknown(),
  jobId: z.string().max(100).optional(),
  invoiceId: z.string().max(100).optional(),
  xeroUrl: z.string().max(500).optional(),
  attempts: z.number().int().min(0),
  nextAttemptAt: z.number().int(),
  lastError: z.string().max(2000).optional(),
  /** The audit trail's files on the invoice in Xero, as the relay last reported them. */
  attachments: z
    .array(
      z.object({
        fileName: z.string().max(100),
        state: z.enum(['pending', 'attached', 'failed']),
        error: z.string().max(2000).optional(),
      }),
    )
    .max(2)
    .optional(),
  /** Why the trail is incomplete by design (e.g. the file was too large to carry). */
  attachmentNote: z.string().max(500).optional(),
  createdAt: z.number().int(),
});
export type Send = z.infer<typeof Send>;

/**
 * Brings an account stored before the id schemas (database version 1, or an older backup)
 * to today's shape: ids trimmed; an id that is not one of Amazon's real forms is dropped, so
 * the account asks to be connected to Amazon again rather than switching with a wrong id.
 * Everything else is kept as it was.
 */
export function upgradeStoredAccountIds<T extends Record<string, unknown>>(stored: T): T {
  const next: Record<string, unknown> = { ...stored };
  const fields = { merchantId: MerchantId, partnerAccountId: PartnerAccountId } as const;
  for (const [field, schema] of Object.entries(fields)) {
    const value = next[field];
    if (value === undefined) continue;
    const parsed = schema.safeParse(value);
    if (parsed.success) next[field] = parsed.data;
    else delete next[field];
  }
  return next as T;
}
