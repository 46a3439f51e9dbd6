// Everything the relay asks of Xero, behind one interface so routes never see an SDK.
// OAuth goes through openid-client 5 (one discovered client per relay, no shared state
// between logins); /connections through fetch; accounting through a fresh xero-node
// AccountingApi per call. The only configuration is two base URLs, which is what lets
// the tests point at xero-sim. See shared DOMAIN.md §6 for why XeroClient itself is unsafe here.
import { decodeJwt } from 'jose';
import { type BaseClient, custom, Issuer, type TokenSet } from 'openid-client';
import { AccountingApi, type CurrencyCode, type Invoice, type Invoices } from 'xero-node';
import { failureFromHttp, normaliseXeroError } from './errors';

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

/** An invoice as the relay sends it: Xero's PascalCase fields (lib/relay-api.ts InvoicePayload) plus Status. */
export interface OutgoingInvoice {
  Type: 'ACCREC' | 'ACCPAY';
  Status: 'DRAFT' | 'AUTHORISED';
  Contact: { Name: string };
  Date: string;
  DueDate: string;
  LineAmountTypes: 'NoTax' | 'Exclusive' | 'Inclusive';
  InvoiceNumber: string;
  Reference: string;
  CurrencyCode: string;
  LineItems: {
    Description: string;
    Quantity: number;
    UnitAmount: string;
    AccountCode: string;
    TaxType: string;
    Tracking: { Name: string; Option: string }[];
  }[];
}

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
}

export interface XeroGateway {
  authorizationUrl(input: { state: string; codeChallenge: string }): Promise<string>;
  exchangeCode(input: { code: string; state: string; codeVerifier: string }): Promise<XeroTokens>;
  refresh(refreshToken: string): Promise<XeroTokens>;
  revoke(refreshToken: string): Promise<void>;
  listTenants(accessToken: string, authEventId?: string): Promise<XeroTenant[]>;
  deleteConnection(accessToken: string, xeroConnectionId: string): Promise<void>;
  organisationFacts(accessToken: string, tenantId: string): Promise<OrganisationFacts>;
  enableCurrency(accessToken: string, tenantId: string, currency: string): Promise<void>;
  /** PUT /Invoices with summarizeErrors=false: one result per invoice, in order. */
  createInvoices(
    accessToken: string,
    tenantId: string,
    invoices: OutgoingInvoice[],
    idempotencyKey: string,
  ): Promise<{ results: InvoiceResult[]; limits: LimitHeaders }>;
  /** GET /Invoices?InvoiceNumbers=…: which of these numbers Xero already holds (not deleted/voided). */
  findInvoicesByNumber(
    accessToken: string,
    tenantId: string,
    numbers: string[],
  ): Promise<{ found: FoundInvoice[]; limits: LimitHeaders }>;
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
function toSdkInvoice(i: OutgoingInvoice): Invoice {
  return {
    type: i.Type as unknown as Invoice.TypeEnum,
    status: i.Status as unknown as Invoice.StatusEnum,
    contact: { name: i.Contact.Name },
    date: i.Date,
    dueDate: i.DueDate,
    lineAmountTypes: i.LineAmountTypes as unknown as Invoice['lineAmountTypes'],
    invoiceNumber: i.InvoiceNumber,
    reference: i.Reference,
    currencyCode: i.CurrencyCode as unknown as CurrencyCode,
    lineItems: i.LineItems.map((l) => ({
      description: l.Description,
      quantity: l.Quantity,
      // Decimal strings of at most 4 places: a double holds them exactly enough for JSON.
      unitAmount: Number(l.UnitAmount),
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

  async function guarded<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw normaliseXeroError(e);
    }
  }

  function accounting(accessToken: string): AccountingApi {
    const api = new AccountingApi(`${config.apiUrl}/api.xro/2.0`);
    api.accessToken = accessToken;
    return api;
  }

  async function apiFetch(path: string, accessToken: string, init: RequestInit = {}): Promise<Response> {
    const res = await fetch(`${config.apiUrl}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json', ...init.headers },
      signal: AbortSignal.timeout(timeout),
    });
    if (!res.ok) {
      const text = await res.text().catch(() => '');
      throw failureFromHttp(res.status, Object.fromEntries(res.headers), text);
    }
    return res;
  }

  return {
    authorizationUrl: ({ state, codeChallenge }) =>
      guarded(async () =>
        (await oidc()).authorizationUrl({
          scope: config.scopes,
          state,
          code_challenge: codeChallenge,
          code_challenge_method: 'S256',
        }),
      ),

    exchangeCode: ({ code, state, codeVerifier }) =>
      guarded(async () => {
        const set = await (await oidc()).oauthCallback(
          config.redirectUri,
          { code, state },
          { state, code_verifier: codeVerifier, response_type: 'code' },
        );
        return toTokens(set, now());
      }),

    refresh: (refreshToken) =>
      guarded(async () => toTokens(await (await oidc()).refresh(refreshToken), now())),

    revoke: (refreshToken) => guarded(async () => (await oidc()).revoke(refreshToken, 'refresh_token')),

    listTenants: (accessToken, authEventId) =>
      guarded(async () => {
        const query = authEventId ? `?authEventId=${encodeURIComponent(authEventId)}` : '';
        const res = await apiFetch(`/connections${query}`, accessToken);
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
      }),

    deleteConnection: (accessToken, xeroConnectionId) =>
      guarded(async () => {
        await apiFetch(`/connections/${encodeURIComponent(xeroConnectionId)}`, accessToken, {
          method: 'DELETE',
        });
      }),

    organisationFacts: (accessToken, tenantId) =>
      guarded(async () => {
        const api = accounting(accessToken);
        const [orgs, actions, currencies] = await Promise.all([
          api.getOrganisations(tenantId),
          api.getOrganisationActions(tenantId),
          api.getCurrencies(tenantId),
        ]);
        const org = orgs.body.organisations?.[0];
        const useMulti = actions.body.actions?.find((a) => a.name === 'UseMulticurrency');
        const base = String(org?.baseCurrency ?? '');
        const codes = (currencies.body.currencies ?? []).map((c) => String(c.code));
        return {
          name: org?.name ?? 'Xero organisation',
          baseCurrency: base,
          multiCurrency: String(useMulti?.status ?? '') === 'ALLOWED',
          currencies: [...new Set([base, ...codes].filter(Boolean))].sort(),
        };
      }),

    enableCurrency: (accessToken, tenantId, currency) =>
      guarded(async () => {
        await accounting(accessToken).createCurrency(tenantId, { code: currency as unknown as CurrencyCode });
      }),

    createInvoices: (accessToken, tenantId, invoices, idempotencyKey) =>
      guarded(async () => {
        const body: Invoices = { invoices: invoices.map(toSdkInvoice) };
        const needsUnitdp4 = invoices.some((i) => i.LineItems.some((l) => /\.\d{3,}$/.test(l.UnitAmount)));
        const res = await accounting(accessToken).createInvoices(
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
      }),

    findInvoicesByNumber: (accessToken, tenantId, numbers) =>
      guarded(async () => {
        const res = await accounting(accessToken).getInvoices(
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
          }));
        return { found, limits: limitHeaders(res.response.headers) };
      }),
  };
}
