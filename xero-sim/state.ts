/**
 * All of the sim's mutable state in one plain object. Routes read and write it; controls
 * expose it; `resetState` rebuilds it in place so references held elsewhere stay valid.
 */
import type { SimClock } from './clock.ts';
import type { SimCounts } from './controls-api.ts';
import { IdempotencyStore } from './idempotency.ts';
import { RateLimiter } from './limits.ts';
import type {
  SeedAccount,
  SeedClient,
  SeedData,
  SeedOrganisation,
  SeedTaxRate,
  SeedTrackingCategory,
  SeedUser,
} from './seed.ts';

export interface Limits {
  concurrentPerTenant: number;
  perMinutePerTenant: number;
  perDayPerTenant: number;
  perMinutePerApp: number;
}

export interface SimConfig {
  seed: SeedData;
  /** A fixed issuer/base URL; otherwise each request's own origin is used. */
  publicUrl?: string;
  accessTokenTtlMs: number;
  codeTtlMs: number;
  refreshTokenTtlMs: number;
  /** How long a rotated refresh token may still be retried and get the same new pair. */
  refreshGraceMs: number;
  idempotencyTtlMs: number;
  limits: Limits;
  isControlsEnabled: boolean;
}

export const DEFAULT_LIMITS: Limits = {
  concurrentPerTenant: 5,
  perMinutePerTenant: 60,
  perDayPerTenant: 5_000,
  perMinutePerApp: 10_000,
};

const MINUTE = 60_000;

export function defaultConfig(seed: SeedData): SimConfig {
  return {
    seed,
    accessTokenTtlMs: 30 * MINUTE,
    codeTtlMs: 5 * MINUTE,
    refreshTokenTtlMs: 60 * 24 * 60 * MINUTE,
    refreshGraceMs: 30 * MINUTE,
    idempotencyTtlMs: 10 * MINUTE,
    limits: DEFAULT_LIMITS,
    isControlsEnabled: false,
  };
}

export interface StoredLineItem {
  LineItemID: string;
  Description?: string;
  Quantity: bigint;
  UnitAmount: bigint;
  AccountCode?: string;
  AccountID?: string;
  TaxType: string;
  TaxAmount: bigint;
  LineAmount: bigint;
  Tracking: unknown[];
}

export interface StoredInvoice {
  InvoiceID: string;
  Type: 'ACCREC' | 'ACCPAY';
  InvoiceNumber: string;
  Reference?: string;
  ContactID: string;
  Date: number;
  DueDate?: number;
  Status: 'DRAFT' | 'SUBMITTED' | 'AUTHORISED' | 'VOIDED' | 'DELETED';
  LineAmountTypes: 'Exclusive' | 'Inclusive' | 'NoTax';
  CurrencyCode: string;
  CurrencyRate: number;
  LineItems: StoredLineItem[];
  SubTotal: bigint;
  TotalTax: bigint;
  Total: bigint;
  UpdatedDateUTC: number;
  /** Whether unit amounts were accepted with four decimals (unitdp=4). */
  isUnitdp4: boolean;
}

export interface StoredAttachment {
  AttachmentID: string;
  FileName: string;
  MimeType: string;
  ContentLength: number;
  IncludeOnline: boolean;
  content: Uint8Array<ArrayBuffer>;
}

export interface StoredContact extends Record<string, unknown> {
  ContactID: string;
  Name: string;
  ContactStatus: 'ACTIVE' | 'ARCHIVED';
  UpdatedDateUTC: number;
}

export interface OrgState {
  seed: SeedOrganisation;
  tenantId: string;
  hasMulticurrency: boolean;
  currencies: string[];
  accounts: SeedAccount[];
  taxRates: SeedTaxRate[];
  trackingCategories: SeedTrackingCategory[];
  contacts: Map<string, StoredContact>;
  invoices: Map<string, StoredInvoice>;
  /** Per InvoiceID, in upload order; Xero keeps every upload, same name or not. */
  attachments: Map<string, StoredAttachment[]>;
  nextInvoiceNumber: number;
}

export interface PendingConsent {
  id: string;
  clientId: string;
  redirectUri: string;
  scope: string;
  state?: string;
  nonce?: string;
  codeChallenge?: string;
  expiresAt: number;
}

export interface AuthCode {
  code: string;
  clientId: string;
  redirectUri: string;
  scope: string;
  nonce?: string;
  codeChallenge?: string;
  authEventId: string;
  authTime: number;
  expiresAt: number;
  isUsed: boolean;
}

export interface TokenPair {
  access_token: string;
  refresh_token?: string;
  id_token?: string;
  expires_in: number;
  token_type: 'Bearer';
  scope: string;
}

/** One chain of refresh tokens that descends from one code exchange. */
export interface RefreshFamily {
  id: string;
  clientId: string;
  userId: string;
  scope: string;
  authEventId: string;
  authTime: number;
  current: string;
  currentIssuedAt: number;
  /** The token the last rotation consumed, and the pair it returned, for the grace period. */
  previous?: { token: string; rotatedAt: number; pair: Promise<TokenPair> };
  rotations: number;
  isRevoked: boolean;
}

export interface AccessTokenRecord {
  clientId: string;
  userId: string;
  familyId?: string;
  authEventId: string;
  issuedAt: number;
  expiresAt: number;
}

export interface Connection {
  id: string;
  authEventId: string;
  tenantId: string;
  tenantType: 'ORGANISATION';
  tenantName: string;
  createdDateUtc: number;
  updatedDateUtc: number;
  clientId: string;
  userId: string;
}

export type FaultKind = '500' | '503' | '429' | 'timeout' | 'reset' | 'hang' | 'validation';
export type FaultScope = 'api' | 'identity' | 'all';

export interface Fault {
  kind: FaultKind;
  remaining: number;
  scope: FaultScope;
  pathPrefix?: string;
  /** Only calls with this HTTP method (e.g. PUT), when set. */
  method?: string;
  /** For `validation`: the message Xero gives. */
  message?: string;
  /** For `timeout`: how long to hold the request before answering 504; for `hang`, before answering at all. */
  holdMs: number;
  /** For `hang`: hold before the handler runs (nothing stored if the client leaves) or after. */
  hangPhase?: 'before' | 'after';
}

export interface CallLogEntry {
  at: number;
  method: string;
  path: string;
  status: number;
  tenantId?: string;
  rateLimitProblem?: string;
  fault?: FaultKind;
  idempotencyKey?: string;
  isIdempotentReplay?: boolean;
}

export type Counts = SimCounts;

export const CALL_LOG_LIMIT = 5_000;

export interface SimState {
  config: SimConfig;
  clock: SimClock;
  user: SeedUser;
  clients: Map<string, SeedClient>;
  orgs: Map<string, OrgState>;
  consents: Map<string, PendingConsent>;
  codes: Map<string, AuthCode>;
  families: Map<string, RefreshFamily>;
  /** Refresh token (current or previous) → family id. */
  refreshIndex: Map<string, string>;
  accessTokens: Map<string, AccessTokenRecord>;
  connections: Connection[];
  limiter: RateLimiter;
  idempotency: IdempotencyStore;
  faults: Fault[];
  latencyMs: number;
  counts: Counts;
  calls: CallLogEntry[];
}

function orgFromSeed(seed: SeedOrganisation, now: number): OrgState {
  const contacts = new Map<string, StoredContact>();
  for (const c of seed.contacts) {
    contacts.set(c.ContactID, { ...c, ContactStatus: 'ACTIVE', UpdatedDateUTC: now });
  }
  return {
    seed,
    tenantId: seed.tenantId,
    hasMulticurrency: seed.hasMulticurrency,
    currencies: [...seed.currencies],
    accounts: seed.accounts.map((a) => ({ ...a })),
    taxRates: seed.taxRates.map((t) => ({ ...t })),
    trackingCategories: structuredClone(seed.trackingCategories ?? []),
    contacts,
    invoices: new Map(),
    attachments: new Map(),
    nextInvoiceNumber: 1,
  };
}

function freshState(config: SimConfig, clock: SimClock): SimState {
  const now = clock.now();
  return {
    config,
    clock,
    user: config.seed.user,
    clients: new Map(config.seed.clients.map((c) => [c.clientId, c])),
    orgs: new Map(config.seed.organisations.map((o) => [o.tenantId, orgFromSeed(o, now)])),
    consents: new Map(),
    codes: new Map(),
    families: new Map(),
    refreshIndex: new Map(),
    accessTokens: new Map(),
    connections: [],
    limiter: new RateLimiter(config.limits, clock),
    idempotency: new IdempotencyStore(clock, config.idempotencyTtlMs),
    faults: [],
    latencyMs: 0,
    counts: {
      consentsShown: 0,
      consentsApproved: 0,
      consentsCancelled: 0,
      codeExchanges: 0,
      refreshes: 0,
      refreshGraceReplays: 0,
      refreshFailures: 0,
      revocations: 0,
      apiCalls: 0,
      rateLimited: 0,
    },
    calls: [],
  };
}

export function createState(config: SimConfig, clock: SimClock): SimState {
  return freshState(config, clock);
}

/** Back to the seed: data, tokens, connections, faults and counters; the clock keeps its time. */
export function resetState(state: SimState): void {
  Object.assign(state, freshState(state.config, state.clock));
}

export function logCall(state: SimState, entry: CallLogEntry): void {
  state.calls.push(entry);
  if (state.calls.length > CALL_LOG_LIMIT) state.calls.splice(0, state.calls.length - CALL_LOG_LIMIT);
}
