// The relay's HTTP contract. Imported by the relay's routes (to validate) and by
// lib/relay-client.ts (to type and check answers), so it must stay browser-safe:
// zod/mini only, no Node imports.
import * as z from 'zod/mini';

/** An Amazon account id as the extension names it (merchant id + marketplace, or a local id). */
export const AccountId = z.string().check(z.minLength(1), z.maxLength(100), z.regex(/^[A-Za-z0-9._:-]+$/));
export const ConnectionId = z.string().check(z.regex(/^[0-9a-f-]{36}$/));
export const CurrencyCode = z.string().check(z.regex(/^[A-Z]{3}$/));

export const ConnectionStatus = z.enum(['connected', 'needs_reconnect', 'disconnected']);
export type ConnectionStatus = z.infer<typeof ConnectionStatus>;

export const RegisterInstallResponse = z.object({ installId: z.string(), isNew: z.boolean() });
export type RegisterInstallResponse = z.infer<typeof RegisterInstallResponse>;

export const StartConnectRequest = z.object({
  accountId: AccountId,
  returnUrl: z.string().check(z.minLength(1), z.maxLength(2000)),
  connectionId: z.optional(ConnectionId),
});
export type StartConnectRequest = z.infer<typeof StartConnectRequest>;
export const StartConnectResponse = z.object({
  /** Xero's authorise URL (its redirect_uri is the relay's callback). */
  authorizeUrl: z.string(),
  /**
   * The relay's own address for the same sign-in (GET /v1/oauth/authorize?state=…), which
   * redirects to authorizeUrl. The browser's auth window opens this one: Firefox's
   * identity.launchWebAuthFlow refuses any URL whose `redirect_uri` parameter is not the
   * extension's own redirect URL, and Xero's authorise URL necessarily names the relay's
   * callback. Opening it also binds the browser to the sign-in (a cookie the callback
   * requires), so authorizeUrl on its own cannot finish a sign-in. Optional so an extension
   * still works against a relay that predates it.
   */
  launchUrl: z.optional(z.string()),
});
export type StartConnectResponse = z.infer<typeof StartConnectResponse>;

/** GET /v1/oauth/authorize: the sign-in the auth window starts (launchUrl). */
export const OAuthLaunchQuery = z.object({
  state: z.string().check(z.minLength(1), z.maxLength(200)),
});

export const OAuthCallbackQuery = z.object({
  state: z.optional(z.string().check(z.maxLength(200))),
  code: z.optional(z.string().check(z.maxLength(4000))),
  error: z.optional(z.string().check(z.maxLength(200))),
  error_description: z.optional(z.string().check(z.maxLength(1000))),
  scope: z.optional(z.string().check(z.maxLength(2000))),
  session_state: z.optional(z.string().check(z.maxLength(1000))),
});

export const RedeemRequest = z.object({ relayCode: z.string().check(z.minLength(16), z.maxLength(200)) });
export type RedeemRequest = z.infer<typeof RedeemRequest>;
export const Tenant = z.object({ tenantId: z.string(), name: z.string() });
export type Tenant = z.infer<typeof Tenant>;
/**
 * `tenantChosen` is false when the consent covered several organisations and this is a new
 * connection: it is unusable (409 tenant_not_chosen) until its owner chooses one of `tenants`.
 */
export const RedeemResponse = z.object({
  connectionId: ConnectionId,
  tenants: z.array(Tenant),
  tenantChosen: z.boolean(),
});
export type RedeemResponse = z.infer<typeof RedeemResponse>;

/**
 * `chooseFrom` is present while the connection waits for its owner to choose one of the
 * organisations its consent covered (see RedeemResponse): the choice survives a closed popup.
 */
export const Connection = z.object({
  id: ConnectionId,
  tenantId: z.string(),
  organisationName: z.string(),
  status: ConnectionStatus,
  accountIds: z.array(z.string()),
  chooseFrom: z.optional(z.array(Tenant)),
});
export type Connection = z.infer<typeof Connection>;
export const ListConnectionsResponse = z.object({ connections: z.array(Connection) });

export const ConnectionParam = z.object({ connectionId: ConnectionId });

export const ChooseTenantRequest = z.object({
  tenantId: z.string().check(z.minLength(1), z.maxLength(100)),
});
export type ChooseTenantRequest = z.infer<typeof ChooseTenantRequest>;
export const ChooseTenantResponse = z.object({
  connectionId: ConnectionId,
  tenantId: z.string(),
  organisationName: z.string(),
});
export type ChooseTenantResponse = z.infer<typeof ChooseTenantResponse>;

export const GrantRequest = z.object({
  accountIds: z.array(AccountId).check(z.minLength(1), z.maxLength(50)),
});
export type GrantRequest = z.infer<typeof GrantRequest>;
export const GrantResponse = z.object({ accountIds: z.array(z.string()) });

export const DisconnectResponse = z.object({ affectedAccountIds: z.array(z.string()) });
export type DisconnectResponse = z.infer<typeof DisconnectResponse>;

export const AccountQuery = z.object({ accountId: AccountId });
/** `refresh=1` skips the relay's short cache: how a disconnect made inside Xero is noticed at once. */
export const OrganisationQuery = z.object({ accountId: AccountId, refresh: z.optional(z.enum(['1'])) });
export const Organisation = z.object({
  name: z.string(),
  baseCurrency: z.string(),
  multiCurrency: z.boolean(),
  currencies: z.array(z.string()),
});
export type Organisation = z.infer<typeof Organisation>;

export const EnableCurrencyRequest = z.object({ accountId: AccountId, currency: CurrencyCode });
export type EnableCurrencyRequest = z.infer<typeof EnableCurrencyRequest>;
export const EnableCurrencyResponse = z.object({ currencies: z.array(z.string()) });

// --- books: the organisation's chart, tax rates and tracking -----------------------------

export const AccountClass = z.enum(['ASSET', 'EQUITY', 'EXPENSE', 'LIABILITY', 'REVENUE']);
export type AccountClass = z.infer<typeof AccountClass>;

/** One account of the organisation's chart (Xero GET /Accounts). */
export const BooksAccount = z.object({
  accountId: z.string(),
  code: z.string(),
  name: z.string(),
  type: z.string(),
  class: AccountClass,
  status: z.enum(['ACTIVE', 'ARCHIVED', 'DELETED']),
  taxType: z.string(),
  /** Set on Xero-managed accounts (DEBTORS, GST, …) that no invoice line may use. */
  systemAccount: z.optional(z.string()),
});
export type BooksAccount = z.infer<typeof BooksAccount>;

/** One tax rate (Xero GET /TaxRates) and the account classes it may be used with. */
export const BooksTaxRate = z.object({
  taxType: z.string(),
  name: z.string(),
  status: z.enum(['ACTIVE', 'DELETED', 'ARCHIVED', 'PENDING']),
  /** Percent as a decimal string, e.g. "20" or "14.975". */
  rate: z.string(),
  appliesTo: z.array(AccountClass),
});
export type BooksTaxRate = z.infer<typeof BooksTaxRate>;

export const BooksTrackingCategory = z.object({
  id: z.string(),
  name: z.string(),
  options: z.array(z.object({ id: z.string(), name: z.string() })),
});
export type BooksTrackingCategory = z.infer<typeof BooksTrackingCategory>;

/** Everything Books setup and the send checks need to know about one Xero organisation. */
export const OrganisationBooks = z.object({
  tenantId: z.string(),
  organisation: z.object({
    name: z.string(),
    countryCode: z.string(),
    baseCurrency: z.string(),
    shortCode: z.string(),
    currencies: z.array(z.string()),
  }),
  accounts: z.array(BooksAccount),
  taxRates: z.array(BooksTaxRate),
  trackingCategories: z.array(BooksTrackingCategory),
  /** When the relay read these from Xero (epoch ms); the relay caches them briefly. */
  fetchedAt: z.number(),
});
export type OrganisationBooks = z.infer<typeof OrganisationBooks>;

export const BooksQuery = z.object({ accountId: AccountId, refresh: z.optional(z.enum(['1'])) });

/** Account types Settlebridge may create: income, costs and the balance-sheet holding accounts. */
export const NewAccountType = z.enum([
  'REVENUE',
  'OTHERINCOME',
  'DIRECTCOSTS',
  'OVERHEADS',
  'EXPENSE',
  'CURRENT',
  'CURRLIAB',
]);
export const NewAccount = z.object({
  code: z.string().check(z.minLength(1), z.maxLength(10), z.regex(/^[A-Za-z0-9.-]+$/)),
  name: z.string().check(z.minLength(1), z.maxLength(150)),
  type: NewAccountType,
  taxType: z.optional(z.string().check(z.minLength(1), z.maxLength(50))),
});
export type NewAccount = z.infer<typeof NewAccount>;

/** Creates accounts in the organisation (Xero PUT /Accounts), only when the user asked. */
export const CreateAccountsRequest = z.object({
  accountId: AccountId,
  accounts: z.array(NewAccount).check(z.minLength(1), z.maxLength(30)),
});
export type CreateAccountsRequest = z.infer<typeof CreateAccountsRequest>;
export const CreateAccountsResponse = z.object({
  created: z.array(BooksAccount),
  /** Accounts Xero refused, with Xero's message; nothing else was changed for them. */
  failed: z.array(z.object({ code: z.string(), name: z.string(), message: z.string() })),
  books: OrganisationBooks,
});
export type CreateAccountsResponse = z.infer<typeof CreateAccountsResponse>;

// --- invoice jobs ------------------------------------------------------------------------

/** Amounts as Xero takes them: decimal strings, at most four decimals (unitdp=4). */
const DecimalString = z.string().check(z.regex(/^-?\d{1,15}(\.\d{1,4})?$/));
const XeroText = (max: number) => z.string().check(z.maxLength(max));

/**
 * An invoice as Xero's API takes it (PUT /Invoices), amounts as decimal strings: what
 * lib/settlement/invoices.ts `toXeroPayload` builds and the relay posts, adding `Status`.
 */
export const InvoicePayload = z.object({
  Type: z.enum(['ACCREC', 'ACCPAY']),
  Contact: z.object({ Name: z.string().check(z.minLength(1), z.maxLength(255)) }),
  Date: z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/)),
  DueDate: z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/)),
  LineAmountTypes: z.enum(['NoTax', 'Exclusive', 'Inclusive']),
  InvoiceNumber: z.string().check(z.minLength(1), z.maxLength(255)),
  Reference: XeroText(255),
  CurrencyCode: CurrencyCode,
  LineItems: z
    .array(
      z.object({
        Description: XeroText(4000),
        Quantity: z.literal(1),
        UnitAmount: DecimalString,
        AccountCode: z.string().check(z.minLength(1), z.maxLength(10)),
        TaxType: z.string().check(z.minLength(1), z.maxLength(50)),
        Tracking: z.array(z.object({ Name: XeroText(100), Option: XeroText(100) })).check(z.maxLength(2)),
      }),
    )
    .check(z.minLength(1), z.maxLength(500)),
});
export type InvoicePayload = z.infer<typeof InvoicePayload>;

/** Derived by the extension from (account, settlement, part); the relay's dedup key. */
export const IdempotencyKey = z
  .string()
  .check(z.minLength(1), z.maxLength(128), z.regex(/^[A-Za-z0-9:._-]+$/));

export const MAX_INVOICES_PER_JOB = 500;

/**
 * Xero keeps at most 10 MB per attached file and only some file types (the extension list in
 * Codat's Xero attachment notes, codatio/codat-docs#1802; Workato's Xero connector docs give
 * the same 10 MB and 10 files per record). The audit trail uses two of them: the settlement
 * file as downloaded (tab-separated .txt) and a CSV of the summarised lines.
 */
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;
export const ATTACHMENT_MIME_TYPES = { txt: 'text/plain', csv: 'text/csv' } as const;
export const AttachmentFileName = z
  .string()
  .check(z.minLength(5), z.maxLength(100), z.regex(/^[A-Za-z0-9][A-Za-z0-9._-]*\.(txt|csv)$/));
export const InvoiceAttachment = z.object({
  fileName: AttachmentFileName,
  mimeType: z.enum(['text/plain', 'text/csv']),
  /** The file's bytes, base64; decoded size at most MAX_ATTACHMENT_BYTES. */
  contentBase64: z
    .string()
    .check(z.maxLength(Math.ceil(MAX_ATTACHMENT_BYTES / 3) * 4), z.regex(/^[A-Za-z0-9+/]*={0,2}$/)),
});
export type InvoiceAttachment = z.infer<typeof InvoiceAttachment>;

export const SubmitInvoicesRequest = z.object({
  accountId: AccountId,
  invoices: z
    .array(
      z.object({
        idempotencyKey: IdempotencyKey,
        invoice: InvoicePayload,
        /** Attached to the invoice once it is in Xero, each exactly once. */
        attachments: z.optional(z.array(InvoiceAttachment).check(z.maxLength(2))),
      }),
    )
    .check(z.minLength(1), z.maxLength(MAX_INVOICES_PER_JOB)),
});
export type SubmitInvoicesRequest = z.infer<typeof SubmitInvoicesRequest>;

export const JobItemState = z.enum(['queued', 'posting', 'done', 'failed', 'needs_reconnect']);
export type JobItemState = z.infer<typeof JobItemState>;
export const JobState = z.enum(['queued', 'running', 'done', 'failed', 'parked']);
export type JobState = z.infer<typeof JobState>;

export const JobItemError = z.object({ code: z.string(), message: z.string(), isRetryable: z.boolean() });
export type JobItemError = z.infer<typeof JobItemError>;

/** pending: waits for the invoice or its turn; attached: in Xero; failed: Xero refused it (error says why). */
export const AttachmentState = z.enum(['pending', 'attached', 'failed']);
export type AttachmentState = z.infer<typeof AttachmentState>;

export const JobItem = z.object({
  idempotencyKey: z.string(),
  invoiceNumber: z.string(),
  state: JobItemState,
  invoiceId: z.optional(z.string()),
  xeroUrl: z.optional(z.string()),
  error: z.optional(JobItemError),
  attachments: z.optional(
    z.array(z.object({ fileName: z.string(), state: AttachmentState, error: z.optional(JobItemError) })),
  ),
});
export type JobItem = z.infer<typeof JobItem>;

export const SubmitInvoicesResponse = z.object({ jobId: z.string(), items: z.array(JobItem) });
export type SubmitInvoicesResponse = z.infer<typeof SubmitInvoicesResponse>;

export const JobParam = z.object({ jobId: z.string().check(z.regex(/^[0-9a-f-]{36}$/)) });

export const Job = z.object({
  jobId: z.string(),
  connectionId: z.string(),
  state: JobState,
  counts: z.object({
    queued: z.number(),
    posting: z.number(),
    done: z.number(),
    failed: z.number(),
    needs_reconnect: z.number(),
  }),
  items: z.array(JobItem),
  estimate: z.object({
    /** Seconds until the last item should be done, from items left, batch size and budget. */
    secondsRemaining: z.number(),
    /** Calls the organisation may still make this minute / today (Xero's headers or our count). */
    minuteRemaining: z.number(),
    dayRemaining: z.number(),
  }),
});
export type Job = z.infer<typeof Job>;

/** Codes the UI can act on. Keep in sync with relay/errors.ts statuses. */
export const ErrorCode = z.enum([
  'invalid_request',
  'payload_too_large',
  'invalid_proof',
  'replayed_proof',
  'unknown_install',
  'return_url_not_allowed',
  'invalid_state',
  'invalid_relay_code',
  'not_found',
  'not_owner',
  'not_granted',
  'needs_reconnect',
  'disconnected',
  'tenant_not_chosen',
  'tenant_already_chosen',
  'unknown_tenant',
  'plan_lacks_multicurrency',
  'books_check_failed',
  'idempotency_conflict',
  'in_flight',
  'rate_limited',
  'quota_exceeded',
  'xero_rejected',
  'xero_unavailable',
  'internal',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;
export const ErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    /** Extra facts for the UI, e.g. `{ jobId }` of the job already posting a key (409 in_flight). */
    details: z.optional(z.record(z.string(), z.unknown())),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

/**
 * Where the relay may send the browser back after consent. Exact URLs are bound per login;
 * this only decides which shapes are acceptable at all.
 */
export const RETURN_URL_PATTERNS: readonly RegExp[] = [
  /^https:\/\/[a-p]{32}\.chromiumapp\.org\/[^\s#]*$/,
  /^https:\/\/[0-9a-f]{8,64}\.extensions\.allizom\.org\/[^\s#]*$/,
  /^chrome-extension:\/\/[a-p]{32}\/[^\s#]*$/,
  /^moz-extension:\/\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\/[^\s#]*$/,
];

export const EXTENSION_ORIGIN = /^(chrome-extension:\/\/[a-p]{32}|moz-extension:\/\/[0-9a-f-]{36})$/;

// --- the route table ---------------------------------------------------------------------

export type HttpMethod = 'GET' | 'POST' | 'DELETE';

/**
 * One relay route. `path` is in Hono's form (`:name` for a path parameter) and includes the
 * `/v1` prefix; `params`, `query` and `request` (the JSON body) are what the relay validates
 * before a handler runs; `response` is the JSON the client checks the answer against (absent
 * for answers that are not JSON: a redirect, Prometheus text). `auth: 'dpop'` means a DPoP
 * proof of a registered install; `'proof'` a proof whose key is being registered; `'none'`
 * no proof at all.
 */
export interface RelayRoute {
  method: HttpMethod;
  path: string;
  auth: 'dpop' | 'proof' | 'none';
  status: number;
  params?: z.ZodMiniType;
  query?: z.ZodMiniType;
  request?: z.ZodMiniType;
  response?: z.ZodMiniType;
}

const Status = (values: readonly [string, ...string[]]) => z.object({ status: z.enum(values) });

/**
 * Every route the relay serves, once. The relay validates with these schemas, the client
 * (lib/relay-client.ts) builds its calls and checks answers from them, relay/openapi.ts
 * publishes them, and test/relay/operations.test.ts fails when the relay registers a route
 * that is not here (or this lists one it does not serve).
 */
export const relayRoutes = {
  healthz: { method: 'GET', path: '/healthz', auth: 'none', status: 200, response: Status(['ok']) },
  readyz: {
    method: 'GET',
    path: '/readyz',
    auth: 'none',
    status: 200,
    response: Status(['ready', 'draining', 'store_unreachable']),
  },
  metrics: { method: 'GET', path: '/metrics', auth: 'none', status: 200 },
  openapi: { method: 'GET', path: '/openapi.json', auth: 'none', status: 200 },
  register: {
    method: 'POST',
    path: '/v1/installs',
    auth: 'proof',
    status: 201,
    response: RegisterInstallResponse,
  },
  startConnect: {
    method: 'POST',
    path: '/v1/connect/start',
    auth: 'dpop',
    status: 200,
    request: StartConnectRequest,
    response: StartConnectResponse,
  },
  oauthLaunch: {
    method: 'GET',
    path: '/v1/oauth/authorize',
    auth: 'none',
    status: 302,
    query: OAuthLaunchQuery,
  },
  oauthCallback: {
    method: 'GET',
    path: '/v1/oauth/callback',
    auth: 'none',
    status: 302,
    query: OAuthCallbackQuery,
  },
  redeem: {
    method: 'POST',
    path: '/v1/connect/redeem',
    auth: 'dpop',
    status: 200,
    request: RedeemRequest,
    response: RedeemResponse,
  },
  listConnections: {
    method: 'GET',
    path: '/v1/connections',
    auth: 'dpop',
    status: 200,
    response: ListConnectionsResponse,
  },
  disconnect: {
    method: 'DELETE',
    path: '/v1/connections/:connectionId',
    auth: 'dpop',
    status: 200,
    params: ConnectionParam,
    response: DisconnectResponse,
  },
  chooseTenant: {
    method: 'POST',
    path: '/v1/connections/:connectionId/tenant',
    auth: 'dpop',
    status: 200,
    params: ConnectionParam,
    request: ChooseTenantRequest,
    response: ChooseTenantResponse,
  },
  grant: {
    method: 'POST',
    path: '/v1/connections/:connectionId/grants',
    auth: 'dpop',
    status: 200,
    params: ConnectionParam,
    request: GrantRequest,
    response: GrantResponse,
  },
  organisation: {
    method: 'GET',
    path: '/v1/connections/:connectionId/organisation',
    auth: 'dpop',
    status: 200,
    params: ConnectionParam,
    query: OrganisationQuery,
    response: Organisation,
  },
  enableCurrency: {
    method: 'POST',
    path: '/v1/connections/:connectionId/currencies',
    auth: 'dpop',
    status: 200,
    params: ConnectionParam,
    request: EnableCurrencyRequest,
    response: EnableCurrencyResponse,
  },
  submitInvoices: {
    method: 'POST',
    path: '/v1/connections/:connectionId/invoice-jobs',
    auth: 'dpop',
    status: 202,
    params: ConnectionParam,
    request: SubmitInvoicesRequest,
    response: SubmitInvoicesResponse,
  },
  getJob: {
    method: 'GET',
    path: '/v1/invoice-jobs/:jobId',
    auth: 'dpop',
    status: 200,
    params: JobParam,
    response: Job,
  },
  books: {
    method: 'GET',
    path: '/v1/connections/:connectionId/books',
    auth: 'dpop',
    status: 200,
    params: ConnectionParam,
    query: BooksQuery,
    response: OrganisationBooks,
  },
  createAccounts: {
    method: 'POST',
    path: '/v1/connections/:connectionId/books/accounts',
    auth: 'dpop',
    status: 200,
    params: ConnectionParam,
    request: CreateAccountsRequest,
    response: CreateAccountsResponse,
  },
} as const satisfies Record<string, RelayRoute>;

export type RelayRouteName = keyof typeof relayRoutes;
