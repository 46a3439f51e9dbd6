// Typed client for the relay. Every call carries a fresh DPoP proof from the install key;
// there is no bearer secret to keep. Browser-safe (fetch + WebCrypto only).
import type * as z from 'zod/mini';
import type { InstallKey } from './install-key';
import { type Connection, type ConnectionParam, ErrorBody, type RelayRoute, relayRoutes } from './relay-api';

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
  const call = <R extends RelayRoute & { response: z.ZodMiniType }>(route: R, input: Input<R>) =>
    send(route, input) as Promise<Answer<R>>;

  async function send(
    route: RelayRoute & { response: z.ZodMiniType },
    { params, query, body }: { params?: object; query?: object; body?: unknown },
  ): Promise<unknown> {
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
    return parsed.data;
  }

  type OnConnection = RelayRoute & { params: typeof ConnectionParam; response: z.ZodMiniType };
  /** A POST about one connection: its id goes in the path, the rest is the route's body. */
  const postOn =
    <R extends OnConnection & { request: z.ZodMiniType }>(route: R) =>
    ({ connectionId, ...body }: { connectionId: string } & z.input<R['request']>) =>
      send(route, { params: { connectionId }, body }) as Promise<Answer<R>>;
  /** A GET of one connection's facts for an account, from the relay's short cache unless `refresh`. */
  const readOn =
    <R extends OnConnection>(route: R) =>
    (input: { connectionId: string; accountId: string; refresh?: boolean }) =>
      send(route, {
        params: { connectionId: input.connectionId },
        query: { accountId: input.accountId, ...(input.refresh ? { refresh: '1' } : {}) },
      }) as Promise<Answer<R>>;

  const r = relayRoutes;
  return {
    installId: key.installId,
    register: () => call(r.register, {}),
    startConnect: (body: z.input<typeof r.startConnect.request>) => call(r.startConnect, { body }),
    redeem: (body: z.input<typeof r.redeem.request>) => call(r.redeem, { body }),
    listConnections: async (): Promise<Connection[]> => (await call(r.listConnections, {})).connections,
    /** Binds a connection whose sign-in covered several organisations to one of them. */
    chooseTenant: ({ connectionId, tenantId }: { connectionId: string; tenantId: string }) =>
      call(r.chooseTenant, { params: { connectionId }, body: { tenantId } }),
    grant: postOn(r.grant),
    disconnect: ({ connectionId }: { connectionId: string }) =>
      call(r.disconnect, { params: { connectionId } }),
    organisation: readOn(r.organisation),
    enableCurrency: postOn(r.enableCurrency),
    /** Queues invoices for posting; answers at once (202) with the job id. */
    submitInvoices: postOn(r.submitInvoices),
    getJob: ({ jobId }: { jobId: string }) => call(r.getJob, { params: { jobId } }),
    /** The organisation's chart, tax rates and tracking. */
    books: readOn(r.books),
    /** Creates accounts in Xero (PUT /Accounts): only on the user's explicit request. */
    createAccounts: postOn(r.createAccounts),
  };
}
