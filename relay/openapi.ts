// /openapi.json, generated from the same zod schemas the routes validate with, so the
// document cannot drift from what the relay accepts.
import { type $ZodType, toJSONSchema } from 'zod/v4/core';
import * as api from '../lib/relay-api';

// biome-ignore lint/suspicious/noExplicitAny: JSON Schema output is untyped.
const schema = (s: $ZodType): any => {
  const { $schema: _drop, ...rest } = toJSONSchema(s, { io: 'input' }) as Record<string, unknown>;
  return rest;
};

const json = (s: $ZodType) => ({ content: { 'application/json': { schema: schema(s) } } });
const errors = {
  '4XX': { description: 'Refused; body says why and what to do.', ...json(api.ErrorBody) },
  '5XX': { description: 'Relay or Xero trouble; nothing was changed.', ...json(api.ErrorBody) },
};
const secured = [{ DPoP: [] }];
const connectionParam = {
  name: 'connectionId',
  in: 'path',
  required: true,
  schema: { type: 'string', format: 'uuid' },
};
const jobParam = { name: 'jobId', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };
const accountParam = { name: 'accountId', in: 'query', required: true, schema: schema(api.AccountId) };

export function openApiDocument(publicUrl: string) {
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
    paths: {
      '/healthz': { get: { summary: 'Process is alive', responses: { 200: { description: 'ok' } } } },
      '/readyz': {
        get: {
          summary: 'Store is reachable',
          responses: { 200: { description: 'ready' }, 503: { description: 'not ready' } },
        },
      },
      '/v1/installs': {
        post: {
          summary: 'Register the install key carried in the DPoP proof header (idempotent)',
          security: secured,
          responses: {
            200: { description: 'Already registered', ...json(api.RegisterInstallResponse) },
            201: { description: 'Registered', ...json(api.RegisterInstallResponse) },
            ...errors,
          },
        },
      },
      '/v1/connect/start': {
        post: {
          summary: 'Begin a Xero login (or a Reconnect when connectionId is given)',
          security: secured,
          requestBody: { required: true, ...json(api.StartConnectRequest) },
          responses: {
            200: {
              description: 'Open launchUrl (or authorizeUrl) in the browser',
              ...json(api.StartConnectResponse),
            },
            ...errors,
          },
        },
      },
      '/v1/oauth/authorize': {
        get: {
          summary:
            'Where the auth window starts (launchUrl): redirects to Xero for a sign-in whose state is still usable',
          parameters: [{ name: 'state', in: 'query', required: true, schema: { type: 'string' } }],
          responses: {
            302: { description: 'On to Xero’s authorise URL' },
            400: { description: 'Unknown, used or expired state (HTML page)' },
          },
        },
      },
      '/v1/oauth/callback': {
        get: {
          summary:
            'Xero returns the browser here; redirects to the bound return URL with relay_code or error',
          parameters: ['code', 'state', 'error', 'error_description'].map((name) => ({
            name,
            in: 'query',
            schema: { type: 'string' },
          })),
          responses: {
            302: { description: 'Back to the extension' },
            400: { description: 'Unknown, used or expired state (HTML page)' },
          },
        },
      },
      '/v1/connect/redeem': {
        post: {
          summary: 'Exchange the single-use relay code (same install only)',
          security: secured,
          requestBody: { required: true, ...json(api.RedeemRequest) },
          responses: { 200: { description: 'Connected', ...json(api.RedeemResponse) }, ...errors },
        },
      },
      '/v1/connections': {
        get: {
          summary: 'Connections this install owns',
          security: secured,
          responses: { 200: { description: 'List', ...json(api.ListConnectionsResponse) }, ...errors },
        },
      },
      '/v1/connections/{connectionId}': {
        delete: {
          summary: 'Disconnect at Xero and forget the token set',
          security: secured,
          parameters: [connectionParam],
          responses: {
            200: { description: 'Accounts that lost access', ...json(api.DisconnectResponse) },
            ...errors,
          },
        },
      },
      '/v1/connections/{connectionId}/grants': {
        post: {
          summary: 'Share the connection with more of this install’s accounts',
          security: secured,
          parameters: [connectionParam],
          requestBody: { required: true, ...json(api.GrantRequest) },
          responses: { 200: { description: 'All granted accounts', ...json(api.GrantResponse) }, ...errors },
        },
      },
      '/v1/connections/{connectionId}/organisation': {
        get: {
          summary:
            'Organisation name, base currency, multi-currency and enabled currencies. Kept 60 s per connection; refresh=1 asks Xero again (a status check notices a disconnect made inside Xero at once).',
          security: secured,
          parameters: [
            connectionParam,
            accountParam,
            { name: 'refresh', in: 'query', required: false, schema: { type: 'string', enum: ['1'] } },
          ],
          responses: { 200: { description: 'Facts', ...json(api.Organisation) }, ...errors },
        },
      },
      '/v1/connections/{connectionId}/invoice-jobs': {
        post: {
          summary:
            'Queue 1..500 invoices for posting to Xero; answers at once. Keys are unique per connection: the same key with another payload is refused (422 idempotency_conflict), a key still queued or posting elsewhere is refused (409 in_flight, details.jobId), a key already done comes back done with its first result. Invoices are created with Status from INVOICE_STATUS (DRAFT by default).',
          security: secured,
          parameters: [connectionParam],
          requestBody: { required: true, ...json(api.SubmitInvoicesRequest) },
          responses: {
            202: { description: 'Accepted; follow the job', ...json(api.SubmitInvoicesResponse) },
            ...errors,
          },
        },
      },
      '/v1/invoice-jobs/{jobId}': {
        get: {
          summary:
            'A job’s state, per-item results and an estimate from the items left and the organisation’s remaining Xero budget (creating install only)',
          security: secured,
          parameters: [jobParam],
          responses: { 200: { description: 'Job', ...json(api.Job) }, ...errors },
        },
      },
      '/v1/connections/{connectionId}/books': {
        get: {
          summary:
            'The organisation’s accounts, tax rates (with the account classes each applies to), tracking categories and Organisation fields (country, base currency, ShortCode, enabled currencies). Cached per organisation for 5 minutes; refresh=1 reads Xero again. Every read goes through the organisation’s Xero call budget.',
          security: secured,
          parameters: [
            connectionParam,
            accountParam,
            { name: 'refresh', in: 'query', required: false, schema: { type: 'string', enum: ['1'] } },
          ],
          responses: { 200: { description: 'Books', ...json(api.OrganisationBooks) }, ...errors },
        },
      },
      '/v1/connections/{connectionId}/books/accounts': {
        post: {
          summary:
            'Create 1..30 accounts in the organisation (Xero PUT /Accounts), one call each, on the user’s explicit request. Accounts Xero refuses (duplicate code or name, …) come back in `failed` with Xero’s message; the others are created. Answers with fresh books.',
          security: secured,
          parameters: [connectionParam],
          requestBody: { required: true, ...json(api.CreateAccountsRequest) },
          responses: {
            200: { description: 'Created and refused accounts', ...json(api.CreateAccountsResponse) },
            ...errors,
          },
        },
      },
      '/v1/connections/{connectionId}/currencies': {
        post: {
          summary: 'Enable a currency when the plan allows multi-currency',
          security: secured,
          parameters: [connectionParam],
          requestBody: { required: true, ...json(api.EnableCurrencyRequest) },
          responses: {
            200: { description: 'Enabled currencies', ...json(api.EnableCurrencyResponse) },
            ...errors,
          },
        },
      },
    },
  };
}
