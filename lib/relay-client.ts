// Typed client for the relay. Every call carries a fresh DPoP proof from the install key;
// there is no bearer secret to keep. Browser-safe (fetch + WebCrypto only).
import type * as z from 'zod/mini';
import type { InstallKey } from './install-key';
import {
  type Connection,
  ErrorBody,
  type InvoicePayload,
  type NewAccount,
  type RelayRoute,
  relayRoutes,
} from './relay-api';

/** What a route answers with, from its schema in the route table. */
type Answer<R extends RelayRoute> = R extends { response: infer S extends z.ZodMiniType }
  ? z.infer<S>
  : never;
/** What a route takes: its path parameters, query and JSON body, each typed by the table. */
type Input<R extends RelayRoute> = (R extends { params: infer P extends z.ZodMiniType }
  ? { params: z.input<P> }
  : { params?: undefined }) &
  (R extends { query: infer Q extends z.ZodMiniType } ? { query: z.input<Q> } : { query?: undefined }) &
  (R extends { request: infer B extends z.ZodMiniType } ? { body: z.input<B> } : { body?: undefined });

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

  /** One call to a route of the table: the URL from its path and query, the answer checked against its schema. */
  async function call<R extends RelayRoute & { response: z.ZodMiniType }>(
    route: R,
    input: Input<R>,
  ): Promise<Answer<R>> {
    const { params, query, body } = input as { params?: object; query?: object; body?: unknown };
    const path = route.path.replace(/:(\w+)/g, (_, name: string) =>
      encodeURIComponent(String((params as Record<string, unknown>)[name])),
    );
    const search = new URLSearchParams();
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) search.set(k, String(v));
    const url = `${base}${path}${search.size ? `?${search}` : ''}`;
    const { method } = route;
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
    const parsed = route.response.safeParse(json);
    if (!parsed.success) {
      throw new RelayError(res.status, 'unexpected_response', 'The relay answered in an unexpected shape.');
    }
    return parsed.data as Answer<R>;
  }

  const r = relayRoutes;
  const refreshQuery = (refresh?: boolean) => (refresh ? ('1' as const) : undefined);
  return {
    installId: key.installId,
    register: () => call(r.register, {}),
    startConnect: (body: { accountId: string; returnUrl: string; connectionId?: string }) =>
      call(r.startConnect, { body }),
    redeem: (body: { relayCode: string }) => call(r.redeem, { body }),
    listConnections: async (): Promise<Connection[]> => (await call(r.listConnections, {})).connections,
    grant: ({ connectionId, accountIds }: { connectionId: string; accountIds: string[] }) =>
      call(r.grant, { params: { connectionId }, body: { accountIds } }),
    disconnect: ({ connectionId }: { connectionId: string }) =>
      call(r.disconnect, { params: { connectionId } }),
    /** Cached on the relay for a short while unless `refresh`. */
    organisation: (input: { connectionId: string; accountId: string; refresh?: boolean }) =>
      call(r.organisation, {
        params: { connectionId: input.connectionId },
        query: { accountId: input.accountId, refresh: refreshQuery(input.refresh) },
      }),
    enableCurrency: ({
      connectionId,
      ...body
    }: {
      connectionId: string;
      accountId: string;
      currency: string;
    }) => call(r.enableCurrency, { params: { connectionId }, body }),
    /** Queues invoices for posting; answers at once (202) with the job id. */
    submitInvoices: ({
      connectionId,
      ...body
    }: {
      connectionId: string;
      accountId: string;
      invoices: { idempotencyKey: string; invoice: InvoicePayload }[];
    }) => call(r.submitInvoices, { params: { connectionId }, body }),
    getJob: ({ jobId }: { jobId: string }) => call(r.getJob, { params: { jobId } }),
    /** The organisation's chart, tax rates and tracking; cached on the relay unless `refresh`. */
    books: (input: { connectionId: string; accountId: string; refresh?: boolean }) =>
      call(r.books, {
        params: { connectionId: input.connectionId },
        query: { accountId: input.accountId, refresh: refreshQuery(input.refresh) },
      }),
    /** Creates accounts in Xero (PUT /Accounts): only on the user's explicit request. */
    createAccounts: ({
      connectionId,
      ...body
    }: {
      connectionId: string;
      accountId: string;
      accounts: NewAccount[];
    }) => call(r.createAccounts, { params: { connectionId }, body }),
  };
}
