// /openapi.json, generated from the route table in lib/relay-api.ts, the same schemas the
// routes validate with and the client checks answers against, so the document cannot drift
// from what the relay accepts. Only the prose lives here, one entry per route: a route added
// to the table without its description does not compile.
import { type $ZodType, toJSONSchema } from 'zod/v4/core';
import { ErrorBody, type RelayRoute, type RelayRouteName, relayRoutes } from '../lib/relay-api';

// biome-ignore lint/suspicious/noExplicitAny: JSON Schema output is untyped.
const schema = (s: $ZodType): any => {
  const { $schema: _drop, ...rest } = toJSONSchema(s, { io: 'input' }) as Record<string, unknown>;
  return rest;
};

const json = (s: $ZodType) => ({ content: { 'application/json': { schema: schema(s) } } });
const errors = {
  '4XX': { description: 'Refused; body says why and what to do.', ...json(ErrorBody) },
  '5XX': { description: 'Relay or Xero trouble; nothing was changed.', ...json(ErrorBody) },
};

interface RouteDoc {
  summary: string;
  /** What the main answer is. */
  answer: string;
  /** Answers besides the route's own status and the JSON errors. */
  otherAnswers?: Record<number, string>;
}

const docs: Record<RelayRouteName, RouteDoc> = {
  healthz: { summary: 'Process is alive', answer: 'ok' },
  readyz: { summary: 'Store is reachable', answer: 'ready', otherAnswers: { 503: 'not ready' } },
  metrics: {
    summary: 'Prometheus metrics, behind "Authorization: Bearer <METRICS_TOKEN>"',
    answer: 'Prometheus text format',
    otherAnswers: { 401: 'Missing or wrong token', 404: 'Metrics are off (no METRICS_TOKEN)' },
  },
  openapi: { summary: 'This document', answer: 'OpenAPI 3.1 document' },
  register: {
    summary: 'Register the install key carried in the DPoP proof header (idempotent)',
    answer: 'Registered',
    otherAnswers: { 200: 'Already registered' },
  },
  startConnect: {
    summary: 'Begin a Xero login (or a Reconnect when connectionId is given)',
    answer:
      'Open launchUrl in the browser’s auth window (authorizeUrl alone cannot finish: the callback needs the cookie launchUrl sets)',
  },
  oauthLaunch: {
    summary:
      'Where the auth window starts (launchUrl): binds the browser with a cookie scoped to the callback and redirects to Xero for a sign-in whose state is still usable',
    answer: 'On to Xero’s authorise URL, with Set-Cookie sb_sign_in',
    otherAnswers: { 400: 'Unknown, used or expired state (HTML page)' },
  },
  oauthCallback: {
    summary: 'Xero returns the browser here; redirects to the bound return URL with relay_code or error',
    answer: 'Back to the extension',
    otherAnswers: {
      400: 'Unknown, used or expired state (HTML page)',
      403: 'The browser did not open this sign-in’s launchUrl: no sb_sign_in cookie for its state (HTML page; nothing exchanged or saved)',
    },
  },
  redeem: { summary: 'Exchange the single-use relay code (same install only)', answer: 'Connected' },
  listConnections: { summary: 'Connections this install owns', answer: 'List' },
  disconnect: {
    summary: 'Disconnect at Xero and forget the token set',
    answer: 'Accounts that lost access',
  },
  chooseTenant: {
    summary:
      'Choose the organisation a connection posts to when its Xero sign-in covered several (owner only; once). Until then the connection answers 409 tenant_not_chosen.',
    answer: 'The chosen organisation',
  },
  grant: {
    summary: 'Share the connection with more of this install’s accounts',
    answer: 'All granted accounts',
  },
  organisation: {
    summary:
      'Organisation name, base currency, multi-currency and enabled currencies. Kept 60 s per connection; refresh=1 asks Xero again (a status check notices a disconnect made inside Xero at once).',
    answer: 'Facts',
  },
  enableCurrency: {
    summary: 'Enable a currency when the plan allows multi-currency',
    answer: 'Enabled currencies',
  },
  submitInvoices: {
    summary:
      'Queue 1..500 invoices for posting to Xero; answers at once. Keys are unique per connection: the same key with another payload is refused (422 idempotency_conflict), a key still queued or posting elsewhere is refused (409 in_flight, details.jobId), a key already done comes back done with its first result. Invoices are created with Status from INVOICE_STATUS (DRAFT by default).',
    answer: 'Accepted; follow the job',
  },
  getJob: {
    summary:
      'A job’s state, per-item results and an estimate from the items left and the organisation’s remaining Xero budget (creating install only)',
    answer: 'Job',
  },
  books: {
    summary:
      'The organisation’s accounts, tax rates (with the account classes each applies to), tracking categories and Organisation fields (country, base currency, ShortCode, enabled currencies). Cached per organisation for 5 minutes; refresh=1 reads Xero again. Every read goes through the organisation’s Xero call budget.',
    answer: 'Books',
  },
  createAccounts: {
    summary:
      'Create 1..30 accounts in the organisation (Xero PUT /Accounts), one call each, on the user’s explicit request. Accounts Xero refuses (duplicate code or name, …) come back in `failed` with Xero’s message; the others are created. Answers with fresh books.',
    answer: 'Created and refused accounts',
  },
};

/** Hono's `/a/:id` as OpenAPI's `/a/{id}`. */
export const openApiPath = (path: string) => path.replace(/:(\w+)/g, '{$1}');

/** One parameter per property of an object schema (path parameters, query). */
function parameters(where: 'path' | 'query', s: $ZodType | undefined) {
  if (!s) return [];
  const { properties = {}, required = [] } = schema(s) as {
    properties?: Record<string, unknown>;
    required?: string[];
  };
  return Object.entries(properties).map(([name, propertySchema]) => ({
    name,
    in: where,
    required: where === 'path' || required.includes(name),
    schema: propertySchema,
  }));
}

function operation(route: RelayRoute, doc: RouteDoc) {
  const params = [...parameters('path', route.params), ...parameters('query', route.query)];
  const isApi = route.path.startsWith('/v1/');
  return {
    summary: doc.summary,
    ...(route.auth === 'none' ? {} : { security: [{ DPoP: [] }] }),
    ...(params.length ? { parameters: params } : {}),
    ...(route.request ? { requestBody: { required: true, ...json(route.request) } } : {}),
    responses: {
      [route.status]: { description: doc.answer, ...(route.response ? json(route.response) : {}) },
      ...Object.fromEntries(
        Object.entries(doc.otherAnswers ?? {}).map(([status, description]) => [
          status,
          // Another success of the same route has the same body.
          { description, ...(route.response && Number(status) < 300 ? json(route.response) : {}) },
        ]),
      ),
      ...(isApi && route.response ? errors : {}),
    },
  };
}

export function openApiDocument(publicUrl: string) {
  const paths: Record<string, Record<string, ReturnType<typeof operation>>> = {};
  for (const [name, route] of Object.entries(relayRoutes) as [RelayRouteName, RelayRoute][]) {
    const path = openApiPath(route.path);
    paths[path] = { ...paths[path], [route.method.toLowerCase()]: operation(route, docs[name]) };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Settlebridge relay',
      version: '1.0.0',
      description:
        'Holds Xero token sets for Settlebridge extension installs. Every /v1 call except registration and the OAuth callback carries a DPoP proof (RFC 9449, ES256) signed by the install key; the install id is the RFC 7638 thumbprint of that key. Errors are {"error":{"code","message"}}.',
    },
    servers: [{ url: publicUrl }],
    components: {
      securitySchemes: {
        DPoP: {
          type: 'apiKey',
          in: 'header',
          name: 'DPoP',
          description: 'dpop+jwt proof with htm, htu, iat, jti',
        },
      },
    },
    paths,
  };
}
