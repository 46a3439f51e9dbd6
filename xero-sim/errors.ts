/**
 * Xero's error bodies. The Accounting API answers validation failures with an
 * ApiException (ErrorNumber 10, ValidationException, Elements) and auth/limit failures
 * with an RFC 7807-like problem object.
 * https://developer.xero.com/documentation/api/accounting/responsecodes
 */
export interface ValidationMessage {
  Message: string;
}

export type ValidationElement = Record<string, unknown> & { ValidationErrors: ValidationMessage[] };

export function validationException(elements: ValidationElement[]): Record<string, unknown> {
  return {
    ErrorNumber: 10,
    Type: 'ValidationException',
    Message: 'A validation exception occurred',
    Elements: elements,
  };
}

/** A ValidationException about the request as a whole rather than one element. */
export function requestValidationException(message: string): Record<string, unknown> {
  return validationException([{ ValidationErrors: [{ Message: message }] }]);
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export function problem(status: number, detail: string): Record<string, unknown> {
  return {
    Type: null,
    Title: TITLES[status] ?? 'Error',
    Status: status,
    Detail: detail,
    Instance: crypto.randomUUID(),
    Extensions: {},
  };
}

/** OAuth 2.0 token endpoint errors, RFC 6749 §5.2. */
export function oauthError(error: string, description?: string): Record<string, string> {
  return description ? { error, error_description: description } : { error };
}
