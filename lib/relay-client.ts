// Typed client for the relay. Every call carries a fresh DPoP proof from the install key;
// there is no bearer secret to keep. Browser-safe (fetch + WebCrypto only).
import type * as z from 'zod/mini';
import type { InstallKey } from './install-key';
import {
  API_PREFIX,
  type Connection,
  CreateAccountsResponse,
  DisconnectResponse,
  EnableCurrencyResponse,
  ErrorBody,
  GrantResponse,
  type InvoiceAttachment,
  type InvoicePayload,
  Job,
  ListConnectionsResponse,
  type NewAccount,
  Organisation,
  OrganisationBooks,
  RedeemResponse,
  RegisterInstallResponse,
  StartConnectResponse,
  SubmitInvoicesResponse,
} from './relay-api';

export class RelayError extends Error {
  override readonly name = 'RelayError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export interface RelayClientOptions {
  baseUrl: string;
  key: InstallKey;
  fetch?: typeof fetch;
}

export type RelayClient = ReturnType<typeof createRelayClient>;

export function createRelayClient({ baseUrl, key, fetch: fetchImpl = globalThis.fetch }: RelayClientOptions) {
  const base = baseUrl.replace(/\/+$/, '');

  async function call<S extends z.ZodMiniType>(
    method: string,
    path: string,
    schema: S,
    body?: unknown,
  ): Promise<z.infer<S>> {
    const url = `${base}${API_PREFIX}${path}`;
    const headers: Record<string, string> = { DPoP: await key.createProof(method, url) };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetchImpl(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (e) {
      throw new RelayError(0, 'network_error', `The relay could not be reached: ${(e as Error).message}`);
    }
    const json: unknown = await res.json().catch(() => undefined);
    if (!res.ok) {
      const parsed = ErrorBody.safeParse(json);
      if (parsed.success)
        throw new RelayError(
          res.status,
          parsed.data.error.code,
          parsed.data.error.message,
          parsed.data.error.details,
        );
      throw new RelayError(res.status, 'unexpected_response', `The relay answered HTTP ${res.status}.`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new RelayError(res.status, 'unexpected_response', 'The relay answered in an unexpected shape.');
    }
    return parsed.data as z.infer<S>;
  }

  const enc = encodeURIComponent;
  return {
    installId: key.installId,
    register: () => call('POST', '/installs', RegisterInstallResponse, {}),
    startConnect: (input: { accountId: string; returnUrl: string; connectionId?: string }) =>
      call('POST', '/connect/start', StartConnectResponse, input),
    redeem: (input: { relayCode: string }) => call('POST', '/connect/redeem', RedeemResponse, input),
    listConnections: async (): Promise<Connection[]> =>
      (await call('GET', '/connections', ListConnectionsResponse)).connections,
    grant: (input: { connectionId: string; accountIds: string[] }) =>
      call('POST', `/connections/${enc(input.connectionId)}/grants`, GrantResponse, {
        accountIds: input.accountIds,
      }),
    disconnect: (input: { connectionId: string }) =>
      call('DELETE', `/connections/${enc(input.connectionId)}`, DisconnectResponse),
    /** Cached on the relay for a short while unless `refresh`. */
    organisation: (input: { connectionId: string; accountId: string; refresh?: boolean }) =>
      call(
        'GET',
        `/connections/${enc(input.connectionId)}/organisation?accountId=${enc(input.accountId)}${input.refresh ? '&refresh=1' : ''}`,
        Organisation,
      ),
    enableCurrency: (input: { connectionId: string; accountId: string; currency: string }) =>
      call('POST', `/connections/${enc(input.connectionId)}/currencies`, EnableCurrencyResponse, {
        accountId: input.accountId,
        currency: input.currency,
      }),
    /** Queues invoices for posting; answers at once (202) with the job id. */
    submitInvoices: (input: {
      connectionId: string;
      accountId: string;
      invoices: { idempotencyKey: string; invoice: InvoicePayload; attachments?: InvoiceAttachment[] }[];
    }) =>
      call('POST', `/connections/${enc(input.connectionId)}/invoice-jobs`, SubmitInvoicesResponse, {
        accountId: input.accountId,
        invoices: input.invoices,
      }),
    getJob: (input: { jobId: string }) => call('GET', `/invoice-jobs/${enc(input.jobId)}`, Job),
    /** The organisation's chart, tax rates and tracking; cached on the relay unless `refresh`. */
    books: (input: { connectionId: string; accountId: string; refresh?: boolean }) =>
      call(
        'GET',
        `/connections/${enc(input.connectionId)}/books?accountId=${enc(input.accountId)}${input.refresh ? '&refresh=1' : ''}`,
        OrganisationBooks,
      ),
    /** Creates accounts in Xero (PUT /Accounts): only on the user's explicit request. */
    createAccounts: (input: { connectionId: string; accountId: string; accounts: NewAccount[] }) =>
      call('POST', `/connections/${enc(input.connectionId)}/books/accounts`, CreateAccountsResponse, {
        accountId: input.accountId,
        accounts: input.accounts,
      }),
  };
}
