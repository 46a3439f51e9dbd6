// The relay's one error type. Messages are written for the person using the extension:
// what happened and what to do. They never carry tokens, codes or upstream bodies.
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ErrorCode } from '../lib/relay-api';

export class RelayHttpError extends Error {
  override readonly name = 'RelayHttpError';
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }

  toBody() {
    return {
      error: { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) },
    };
  }
}

export const badRequest = (message: string) => new RelayHttpError(400, 'invalid_request', message);
export const notFound = (what: string) => new RelayHttpError(404, 'not_found', `${what} was not found.`);

/**
 * Why the relay's domain (the job store, who may use a connection, an install's queue)
 * refuses a request. Each kind has one HTTP answer, given by `domainErrorToHttp` in app.ts's
 * error handler, so the code that decides knows nothing of HTTP.
 */
const DOMAIN_HTTP = {
  /** A connection or job that does not exist. */
  not_found: { status: 404, code: 'not_found' },
  /** The install or account may not use that connection or job. */
  not_granted: { status: 403, code: 'not_granted' },
  /** The request contradicts itself (the same idempotency key twice in one batch). */
  inconsistent_request: { status: 400, code: 'invalid_request' },
  /** A key already stands for different content. */
  idempotency_conflict: { status: 422, code: 'idempotency_conflict' },
  /** A key is being sent right now. */
  in_flight: { status: 409, code: 'in_flight' },
  /** The connection already posts to another organisation. */
  tenant_already_chosen: { status: 409, code: 'tenant_already_chosen' },
  /** An organisation the sign-in did not cover. */
  unknown_tenant: { status: 400, code: 'unknown_tenant' },
  /** The organisation's Xero plan has one currency only. */
  plan_lacks_multicurrency: { status: 409, code: 'plan_lacks_multicurrency' },
  /** A sign-in's return URL this relay does not serve. */
  return_url_not_allowed: { status: 400, code: 'return_url_not_allowed' },
  /** Only the install that created a connection may reconnect it. */
  not_owner: { status: 403, code: 'not_owner' },
  /** A relay code that is unknown, used or expired. */
  invalid_relay_code: { status: 400, code: 'invalid_relay_code' },
  /** A relay code issued to another install. */
  relay_code_of_another_install: { status: 403, code: 'invalid_relay_code' },
  /** The install's queue is full; it may try again in a minute. */
  quota_exceeded: { status: 429, code: 'quota_exceeded', headers: { 'retry-after': '60' } },
  /** Xero no longer accepts the connection's tokens (or the relay cannot open them). */
  needs_reconnect: { status: 409, code: 'needs_reconnect' },
  /** The connection was disconnected. */
  disconnected: { status: 409, code: 'disconnected' },
  /** The sign-in covered several organisations and none was chosen yet. */
  tenant_not_chosen: { status: 409, code: 'tenant_not_chosen' },
  /** Xero refused the request itself (validation, not found, OAuth). */
  xero_rejected: { status: 422, code: 'xero_rejected' },
  /** Xero said to slow down; `retryAfterSeconds` replaces the default wait. */
  rate_limited: { status: 429, code: 'rate_limited', headers: { 'retry-after': '60' } },
  /** Xero could not be reached or failed; nothing was changed. */
  xero_unavailable: { status: 503, code: 'xero_unavailable' },
} as const satisfies Record<
  string,
  { status: ContentfulStatusCode; code: ErrorCode; headers?: Record<string, string> }
>;

export type DomainErrorKind = keyof typeof DOMAIN_HTTP;

export class DomainError extends Error {
  override readonly name = 'DomainError';
  /** How long to wait before trying again, when the domain knows (Xero's Retry-After). */
  readonly retryAfterSeconds?: number;
  constructor(
    readonly kind: DomainErrorKind,
    message: string,
    readonly details?: Record<string, unknown>,
    options: { retryAfterSeconds?: number; cause?: unknown } = {},
  ) {
    // The cause (a XeroFailure) lets outcome classification (relay/xero/errors.ts) see what Xero did.
    super(message, 'cause' in options ? { cause: options.cause } : undefined);
    if (options.retryAfterSeconds !== undefined) this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** The relay code a domain error answers with (what a failed invoice item records). */
export const domainErrorCode = (e: DomainError): ErrorCode => DOMAIN_HTTP[e.kind].code;

export function domainErrorToHttp(e: DomainError): RelayHttpError {
  const http: { status: ContentfulStatusCode; code: ErrorCode; headers?: Record<string, string> } =
    DOMAIN_HTTP[e.kind];
  const headers: Record<string, string> = { ...http.headers };
  if (e.retryAfterSeconds !== undefined) headers['retry-after'] = String(e.retryAfterSeconds);
  return new RelayHttpError(http.status, http.code, e.message, headers, e.details);
}
