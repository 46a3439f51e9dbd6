// Everything the relay asks of Xero, behind one interface so routes never see an SDK.
// OAuth goes through openid-client 5 (one discovered client per relay, no shared state
// between logins); /connections through fetch; accounting through a fresh xero-node
// AccountingApi per call. The only configuration is two base URLs, which is what lets
// the tests point at xero-sim. See docs/domain.md#xero-node-sdk for why XeroClient itself is unsafe here.
//
// Every call has a deadline: openid-client through its http_options, fetch and xero-node
// (axios underneath) through an AbortSignal plus a timeout. A call past its deadline fails
// as `timeout`, which the invoice worker treats as "may have happened" (look up first).
//
// Money crosses as decimal text both ways: xero-node's ObjectSerializer passes values of
// type "number" through untouched, so amounts go in as lossless-json numbers and are written
// into the JSON body digit for digit; answers are parsed the same way, so a total beyond
// 2^53 minor units is compared exactly rather than as a rounded double.
import { decodeJwt } from 'jose';
import {
  isSafeNumber,
  LosslessNumber,
  parse as parseLossless,
  stringify as stringifyLossless,
} from 'lossless-json';
import { type BaseClient, custom, Issuer, type TokenSet } from 'openid-client';
import { AccountingApi, type Attachment, type CurrencyCode, type Invoice, type Invoices } from 'xero-node';
import type { InvoicePayload } from '../../lib/relay-api';
import { failureFromHttp, guardedXeroCall, XeroFailure } from './errors';

export interface XeroTokens {
  accessToken: string;
  refreshToken: string;
  /** epoch ms */
  accessExpiresAt: number;
  authEventId?: string;
}

export interface XeroTenant {
  xeroConnectionId: string;
  tenantId: string;
  tenantName: string;
}

export interface OrganisationFacts {
  name: string;
  baseCurrency: string;
  multiCurrency: boolean;
  currencies: string[];
}

/** GET /Organisation, the parts the relay uses. */
export interface OrganisationSummary {
  name: string;
  baseCurrency: string;
  /** Xero's organisation short code ("!a1b2C"), for deep links through /organisationlogin. */
  shortCode?: string;
}

/** Every call takes the caller's deadline signal (the scheduler's); the gateway adds its own too. */
export interface CallOpts {
  signal?: AbortSignal;
}

/** An invoice as the relay sends it: the extension's payload plus the Status it is created with. */
export type OutgoingInvoice = InvoicePayload & { Status: 'DRAFT' | 'AUTHORISED' };

/** What Xero's rate-limit headers said on the last answer (undefined when absent). */
export interface LimitHeaders {
  minRemaining?: number;
  dayRemaining?: number;
}

/** One invoice's outcome within a `summarizeErrors=false` batch, in request order. */
export interface InvoiceResult {
  invoiceNumber?: string;
  invoiceId?: string;
  hasErrors: boolean;
  messages: string[];
}

export interface FoundInvoice {
  invoiceId: string;
  invoiceNumber: string;
  type: string;
  status: string;
  contactName: string;
  /** YYYY-MM-DD */
  date: string;
  /** Decimal strings exactly as Xero wrote them. */
  total: string;
  subTotal: string;
}

export interface InvoiceAttachmentInfo {
  attachmentId: string;
  fileName: string;
  contentLength?: number;
}

export interface XeroGateway {
  authorizationUrl(input: { state: string; codeChallenge: string }): Promise<string>;
  exchangeCode(input: { code: string; state: string; codeVerifier: string }): Promise<XeroTokens>;
  refresh(refreshToken: string): Promise<XeroTokens>;
  revoke(refreshToken: string): Promise<void>;
  listTenants(accessToken: string, authEventId?: string, opts?: CallOpts): Promise<XeroTenant[]>;
  deleteConnection(accessToken: string, xeroConnectionId: string, opts?: CallOpts): Promise<void>;
  getOrganisation(accessToken: string, tenantId: string, opts?: CallOpts): Promise<OrganisationSummary>;
  /** GET /Organisation/Actions: may this organisation use more than one currency? */
  isMulticurrencyAllowed(accessToken: string, tenantId: string, opts?: CallOpts): Promise<boolean>;
  listCurrencies(accessToken: string, tenantId: string, opts?: CallOpts): Promise<string[]>;
  enableCurrency(accessToken: string, tenantId: string, currency: string, opts?: CallOpts): Promise<void>;
  /** PUT /Invoices with summarizeErrors=false: one result per invoice, in order. */
  createInvoices(
    accessToken: string,
    tenantId: string,
    invoices: OutgoingInvoice[],
    idempotencyKey: string,
    opts?: CallOpts,
  ): Promise<{ results: InvoiceResult[]; limits: LimitHeaders }>;
  /** GET /Invoices/{id}/Attachments: what is already attached (to find an upload that landed). */
  listInvoiceAttachments(
    accessToken: string,
    tenantId: string,
    invoiceId: string,
    opts?: CallOpts,
  ): Promise<{ attachments: InvoiceAttachmentInfo[]; limits: LimitHeaders }>;
  /** PUT /Invoices/{id}/Attachments/{fileName}: the raw bytes, typed by `mimeType`. */
  attachToInvoice(
    accessToken: string,
    tenantId: string,
    input: { invoiceId: string; fileName: string; mimeType: string; content: Buffer; idempotencyKey: string },
    opts?: CallOpts,
  ): Promise<{ attachment: InvoiceAttachmentInfo; limits: LimitHeaders }>;
  /** GET /Invoices?InvoiceNumbers=…: which of these numbers Xero already holds (not deleted/voided). */
  findInvoicesByNumber(
    accessToken: string,
    tenantId: string,
    numbers: string[],
    opts?: CallOpts,
  ): Promise<{ found: FoundInvoice[]; limits: LimitHeaders }>;
}

/** Amount fields Xero answers with: kept as their exact decimal text. */
const MONEY_FIELDS = new Set([
  'UnitAmount',
  'LineAmount',
  'TaxAmount',
  'SubTotal',
  'TotalTax',
  'Total',
  'AmountDue',
  'AmountPaid',
  'AmountCredited',
  'TotalDiscount',
]);

/** Parses Xero's JSON keeping money exact (as text) and every other safe number as a number. */
export function parseXeroJson(text: string): unknown {
  return parseLossless(text, (key, value) => {
    if (value instanceof LosslessNumber) {
      if (MONEY_FIELDS.has(key)) return value.toString();
      return isSafeNumber(value.toString()) ? Number(value.toString()) : value.toString();
    }
    return value;
  });
}

/** Writes a request body with amounts (LosslessNumber) digit for digit. */
export function stringifyXeroJson(value: unknown): string {
  return stringifyLossless(value) ?? '';
}

/** A decimal string as a JSON number that keeps every digit (no Number() on money). */
export function exactNumber(decimal: string): number {
  if (!/^-?\d+(\.\d+)?$/.test(decimal)) {
    throw new XeroFailure('validation', `"${decimal}" is not a decimal amount.`);
  }
  // The SDK's model says number; the serializer passes it through and stringifyXeroJson writes it.
  return new LosslessNumber(decimal) as unknown as number;
}

function limitHeaders(headers: unknown): LimitHeaders {
  const h = (headers ?? {}) as Record<string, string | undefined>;
  const num = (v: string | undefined) => {
    const n = Number(v);
    return v !== undefined && v !== '' && Number.isFinite(n) ? n : undefined;
  };
  return { minRemaining: num(h['x-minlimit-remaining']), dayRemaining: num(h['x-daylimit-remaining']) };
}

/** xero-node serialises its own camelCase models, not Xero's JSON: translate once, here. */
export function toSdkInvoice(i: OutgoingInvoice): Invoice {
  return {
    type: i.Type as unknown as Invoice.TypeEnum,
    status: i.Status as unknown as Invoice.StatusEnum,
    contact: { name: i.Contact.Name },
    date: i.Date,
    dueDate: i.DueDate,
    lineAmountTypes: i.LineAmountTypes as unknown as Invoice['lineAmountTypes'],
    invoiceNumber: i.InvoiceNumber,
    // Xero ignores Reference on bills (ACCPAY); the bill's InvoiceNumber carries it.
    ...(i.Type === 'ACCREC' ? { reference: i.Reference } : {}),
    currencyCode: i.CurrencyCode as unknown as CurrencyCode,
    lineItems: i.LineItems.map((l) => ({
      description: l.Description,
      quantity: l.Quantity,
      unitAmount: exactNumber(l.UnitAmount),
      accountCode: l.AccountCode,
      taxType: l.TaxType,
      tracking: l.Tracking.map((t) => ({ name: t.Name, option: t.Option })),
    })),
  };
}

export interface XeroConfig {
  clientId: string;
  clientSecret: string;
  identityUrl: string;
  apiUrl: string;
  redirectUri: string;
  scopes: string;
  now?: () => number;
  timeoutMs?: number;
}

function toTokens(set: TokenSet, now: number): XeroTokens {
  if (!set.access_token || !set.refresh_token) {
    throw failureFromHttp(400, undefined, {
      Message: 'Xero did not return a refresh token (is offline_access granted?)',
    });
  }
  let authEventId: string | undefined;
  try {
    const claim = decodeJwt(set.access_token).authentication_event_id;
    if (typeof claim === 'string') authEventId = claim;
  } catch {
    // Opaque access token: fall back to listing every tenant.
  }
  return {
    accessToken: set.access_token,
    refreshToken: set.refresh_token,
    accessExpiresAt: set.expires_at ? set.expires_at * 1000 : now + (set.expires_in ?? 1800) * 1000,
    authEventId,
  };
}

export function createXeroGateway(config: XeroConfig): XeroGateway {
  const now = config.now ?? Date.now;
  const timeout = config.timeoutMs ?? 10_000;
  let clientPromise: Promise<BaseClient> | undefined;

  function oidc(): Promise<BaseClient> {
    clientPromise ??= (async () => {
      const issuer = await Issuer.discover(`${config.identityUrl}/.well-known/openid-configuration`);
      const client = new issuer.Client({
        client_id: config.clientId,
        client_secret: config.clientSecret,
        redirect_uris: [config.redirectUri],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      });
      client[custom.http_options] = (_url, options) => ({ ...options, timeout });
      return client;
    })().catch((e) => {
      clientPromise = undefined; // retry discovery next time
      throw e;
    });
    return clientPromise;
  }

  /** The caller's deadline and ours, whichever comes first. */
  function deadline(opts?: CallOpts): AbortSignal {
    const own = AbortSignal.timeout(timeout);
    return opts?.signal ? AbortSignal.any([own, opts.signal]) : own;
  }

  function accounting(accessToken: string, signal: AbortSignal): AccountingApi {
    const api = new AccountingApi(`${config.apiUrl}/api.xro/2.0`);
    api.accessToken = accessToken;
    // xero-node takes no per-call options beyond headers; its default authentication hook
    // sees the axios request config, which is where the deadline and exact JSON go.
    api.setDefaultAuthentication({
      applyToRequest: (request) => {
        request.signal = signal;
        request.timeout = timeout;
        request.transformRequest = [
          (data, headers) => {
            if (data === undefined || typeof data === 'string') return data;
            headers.set('Content-Type', 'application/json');
            return stringifyXeroJson(data);
          },
        ];
        request.transformResponse = [
          (data) => (typeof data === 'string' && data.trim() !== '' ? parseXeroJson(data) : data),
        ];
      },
    });
    return api;
  }

  async function apiFetch(
    path: string,
    accessToken: string,
    init: RequestInit = {},
    signal?: AbortSignal,
  ): Promise<Response> {
    const res = await fetch(`${config.apiUrl}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json', ...init.headers },
      signal: signal ?? deadline(),
    });
    if (!res.ok) {
      const text = await res.text().catch(() => '');
      throw failureFromHttp(res.status, Object.fromEntries(res.headers), text);
    }
    return res;
  }

  return {
    authorizationUrl: ({ state, codeChallenge }) =>
      guardedXeroCall(async () =>
        (await oidc()).authorizationUrl({
          scope: config.scopes,
          state,
          code_challenge: codeChallenge,
          code_challenge_method: 'S256',
        }),
      ),

    exchangeCode: ({ code, state, codeVerifier }) =>
      guardedXeroCall(async () => {
        const set = await (await oidc()).oauthCallback(
          config.redirectUri,
          { code, state },
          { state, code_verifier: codeVerifier, response_type: 'code' },
        );
        return toTokens(set, now());
      }),

    refresh: (refreshToken) =>
      guardedXeroCall(async () => toTokens(await (await oidc()).refresh(refreshToken), now())),

    revoke: (refreshToken) =>
      guardedXeroCall(async () => (await oidc()).revoke(refreshToken, 'refresh_token')),

    listTenants: (accessToken, authEventId, opts) => {
      const signal = deadline(opts);
      return guardedXeroCall(async () => {
        const query = authEventId ? `?authEventId=${encodeURIComponent(authEventId)}` : '';
        const res = await apiFetch(`/connections${query}`, accessToken, {}, signal);
        const list = (await res.json()) as {
          id: string;
          tenantId: string;
          tenantName?: string;
          tenantType?: string;
        }[];
        return list
          .filter((c) => !c.tenantType || c.tenantType === 'ORGANISATION')
          .map((c) => ({
            xeroConnectionId: c.id,
            tenantId: c.tenantId,
            tenantName: c.tenantName ?? 'Xero organisation',
          }));
      }, signal);
    },

    deleteConnection: (accessToken, xeroConnectionId, opts) => {
      const signal = deadline(opts);
      return guardedXeroCall(async () => {
        await apiFetch(
          `/connections/${encodeURIComponent(xeroConnectionId)}`,
          accessToken,
          { method: 'DELETE' },
          signal,
        );
      }, signal);
    },

    getOrganisation: (accessToken, tenantId, opts) => {
      const signal = deadline(opts);
      return guardedXeroCall(async () => {
        const orgs = await accounting(accessToken, signal).getOrganisations(tenantId);
        const org = orgs.body.organisations?.[0];
        return {
          name: org?.name ?? 'Xero organisation',
          baseCurrency: String(org?.baseCurrency ?? ''),
          ...(org?.shortCode ? { shortCode: org.shortCode } : {}),
        };
      }, signal);
    },

    isMulticurrencyAllowed: (accessToken, tenantId, opts) => {
      const signal = deadline(opts);
      return guardedXeroCall(async () => {
        const actions = await accounting(accessToken, signal).getOrganisationActions(tenantId);
        const useMulti = actions.body.actions?.find((a) => a.name === 'UseMulticurrency');
        return String(useMulti?.status ?? '') === 'ALLOWED';
      }, signal);
    },

    listCurrencies: (accessToken, tenantId, opts) => {
      const signal = deadline(opts);
      return guardedXeroCall(async () => {
        const currencies = await accounting(accessToken, signal).getCurrencies(tenantId);
        return (currencies.body.currencies ?? []).map((c) => String(c.code));
      }, signal);
    },

    enableCurrency: (accessToken, tenantId, currency, opts) => {
      const signal = deadline(opts);
      return guardedXeroCall(async () => {
        await accounting(accessToken, signal).createCurrency(tenantId, {
          code: currency as unknown as CurrencyCode,
        });
      }, signal);
    },

    createInvoices: (accessToken, tenantId, invoices, idempotencyKey, opts) => {
      const signal = deadline(opts);
      return guardedXeroCall(async () => {
        const body: Invoices = { invoices: invoices.map(toSdkInvoice) };
        const needsUnitdp4 = invoices.some((i) => i.LineItems.some((l) => /\.\d{3,}$/.test(l.UnitAmount)));
        const res = await accounting(accessToken, signal).createInvoices(
          tenantId,
          body,
          false,
          needsUnitdp4 ? 4 : undefined,
          idempotencyKey,
        );
        const results = (res.body.invoices ?? []).map((r) => ({
          invoiceNumber: r.invoiceNumber,
          invoiceId: r.invoiceID,
          hasErrors: r.hasErrors === true || r.statusAttributeString === 'ERROR',
          messages: (r.validationErrors ?? [])
            .map((v) => v.message)
            .filter((m): m is string => typeof m === 'string'),
        }));
        return { results, limits: limitHeaders(res.response.headers) };
      }, signal);
    },

    listInvoiceAttachments: (accessToken, tenantId, invoiceId, opts) => {
      const signal = deadline(opts);
      return guardedXeroCall(async () => {
        const res = await accounting(accessToken, signal).getInvoiceAttachments(tenantId, invoiceId);
        return {
          attachments: (res.body.attachments ?? []).map(attachmentInfo),
          limits: limitHeaders(res.response.headers),
        };
      }, signal);
    },

    attachToInvoice: (accessToken, tenantId, input, opts) => {
      const signal = deadline(opts);
      return guardedXeroCall(async () => {
        const api = accounting(accessToken, signal);
        // The body is the file itself: typed by its own MIME type, never turned into JSON.
        api.setDefaultAuthentication({
          applyToRequest: (request) => {
            request.signal = signal;
            request.timeout = timeout;
            request.maxBodyLength = Number.POSITIVE_INFINITY;
            request.transformRequest = [
              (data, headers) => {
                headers.set('Content-Type', input.mimeType);
                return data;
              },
            ];
            request.transformResponse = [
              (data) => (typeof data === 'string' && data.trim() !== '' ? parseXeroJson(data) : data),
            ];
          },
        });
        const res = await api.createInvoiceAttachmentByFileName(
          tenantId,
          input.invoiceId,
          input.fileName,
          // xero-node types the body as a ReadStream but reads a Buffer the same way.
          input.content as unknown as Parameters<AccountingApi['createInvoiceAttachmentByFileName']>[3],
          false,
          input.idempotencyKey,
        );
        const first = res.body.attachments?.[0];
        if (!first?.attachmentID) {
          throw new XeroFailure('server', 'Xero did not say which attachment it created.');
        }
        return { attachment: attachmentInfo(first), limits: limitHeaders(res.response.headers) };
      }, signal);
    },

    findInvoicesByNumber: (accessToken, tenantId, numbers, opts) => {
      const signal = deadline(opts);
      return guardedXeroCall(async () => {
        const res = await accounting(accessToken, signal).getInvoices(
          tenantId,
          undefined,
          undefined,
          undefined,
          undefined,
          numbers,
        );
        const found = (res.body.invoices ?? [])
          .filter((i) => {
            const status = String(i.status ?? '');
            return status !== 'DELETED' && status !== 'VOIDED';
          })
          .map((i) => ({
            invoiceId: String(i.invoiceID ?? ''),
            invoiceNumber: String(i.invoiceNumber ?? ''),
            type: String(i.type ?? ''),
            status: String(i.status ?? ''),
            contactName: String(i.contact?.name ?? ''),
            date: isoDay(i.date),
            total: String(i.total ?? ''),
            subTotal: String(i.subTotal ?? ''),
          }));
        return { found, limits: limitHeaders(res.response.headers) };
      }, signal);
    },
  };
}

function attachmentInfo(a: Attachment): InvoiceAttachmentInfo {
  return {
    attachmentId: String(a.attachmentID ?? ''),
    fileName: String(a.fileName ?? ''),
    ...(typeof a.contentLength === 'number' ? { contentLength: a.contentLength } : {}),
  };
}

/** xero-node turns Xero's "/Date(…)/" into a Date; the relay compares days as YYYY-MM-DD. */
function isoDay(value: unknown): string {
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString().slice(0, 10);
  if (typeof value === 'string') {
    const ms = /^\/Date\((-?\d+)/.exec(value);
    if (ms) return new Date(Number(ms[1])).toISOString().slice(0, 10);
    return value.slice(0, 10);
  }
  return '';
}
