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
