/**
 * Record shapes kept in the extension's IndexedDB, validated with zod at every boundary
 * (messages in, backup import). Metadata only: no Xero token or secret is ever stored here;
 * the relay owns those.
 */
import { z } from 'zod';
import { MARKETPLACE_CODES } from './marketplaces';

export const AccountName = z
  .string()
  .trim()
  .min(1, 'Give the account a name.')
  .max(80, 'Keep the account name under 80 characters.');

export const MarketplaceCode = z.enum(MARKETPLACE_CODES, {
  error: 'Choose a marketplace from the list.',
});

/** Amazon merchant ids look like A1B2C3D4E5F6G7; kept loose because Amazon does not document them. */
export const MerchantId = z.string().regex(/^[A-Z0-9]{8,20}$/, 'Not an Amazon merchant id.');

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
  partnerAccountId: z.string().max(60).optional(),
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
  createdAt: z.number().int(),
});
export type Send = z.infer<typeof Send>;
