// The one place that understands how calls to Xero fail. Three shapes arrive:
//  - xero-node rejects with a JSON *string* {response:{statusCode, body, headers}}
//    (statusCode 0 when the network failed),
//  - openid-client 5 throws OPError (error === 'invalid_grant' for a dead refresh token) or RPError,
//  - fetch throws TypeError / AbortError for network failures, and our own fetch calls hand
//    over status, headers and body.
// Everything becomes a XeroFailure whose message is safe to log and to show: no tokens,
// no request headers, at most Xero's own validation messages.

export type XeroFailureKind =
  | 'invalid_grant'
  | 'unauthorized'
  | 'forbidden'
  | 'rate_limited'
  | 'validation'
  | 'not_found'
  | 'server'
  | 'network'
  | 'timeout'
  | 'oauth';

export class XeroFailure extends Error {
  override readonly name = 'XeroFailure';
  constructor(
    readonly kind: XeroFailureKind,
    message: string,
    readonly status?: number,
    readonly retryAfterSeconds?: number,
    /** For a 429: which limit (X-Rate-Limit-Problem: minute, day, appminute, concurrent). */
    readonly problem?: string,
  ) {
    super(message);
  }
}

type Headers = Record<string, string | string[] | undefined>;

function header(headers: Headers | undefined, name: string): string | undefined {
  const v = headers?.[name] ?? headers?.[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/** Pull Xero's human-readable validation messages out of a 400 body, nothing else. */
function validationMessages(body: unknown): string | undefined {
  let parsed = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      return undefined;
    }
  }
  if (!parsed || typeof parsed !== 'object') return undefined;
  const b = parsed as {
    Message?: unknown;
    Detail?: unknown;
    Elements?: { ValidationErrors?: { Message?: unknown }[] }[];
  };
  const messages = (b.Elements ?? [])
    .flatMap((e) => e.ValidationErrors ?? [])
    .map((v) => v.Message)
    .filter((m): m is string => typeof m === 'string');
  if (messages.length) return [...new Set(messages)].join('; ').slice(0, 500);
  const single =
    typeof b.Detail === 'string' ? b.Detail : typeof b.Message === 'string' ? b.Message : undefined;
  return single?.slice(0, 500);
}

export function failureFromHttp(status: number, headers: Headers | undefined, body: unknown): XeroFailure {
  if (status === 0) return new XeroFailure('network', 'Xero could not be reached.');
  if (status === 401) return new XeroFailure('unauthorized', 'Xero did not accept the access token.', status);
  if (status === 403) {
    return new XeroFailure(
      'forbidden',
      'Xero refused access to this organisation (it may have been disconnected).',
      status,
    );
  }
  if (status === 404)
    return new XeroFailure('not_found', 'Xero did not find the requested resource.', status);
  if (status === 429) {
    const retry = Number(header(headers, 'retry-after'));
    const problem = header(headers, 'x-rate-limit-problem');
    return new XeroFailure(
      'rate_limited',
      `Xero's ${problem ?? 'API'} rate limit was reached.`,
      status,
      Number.isFinite(retry) && retry >= 0 ? retry : undefined,
      problem?.toLowerCase(),
    );
  }
  if (status >= 500)
    return new XeroFailure('server', `Xero had an internal problem (HTTP ${status}).`, status);
  const detail = validationMessages(body);
  return new XeroFailure(
    'validation',
    detail ? `Xero rejected the request: ${detail}` : `Xero rejected the request (HTTP ${status}).`,
    status,
  );
}

export function normaliseXeroError(e: unknown): XeroFailure {
  if (e instanceof XeroFailure) return e;
  // xero-node: a JSON string
  if (typeof e === 'string') {
    try {
      const parsed = JSON.parse(e) as {
        response?: { statusCode?: number; body?: unknown; headers?: Headers };
      };
      if (parsed.response) {
        return failureFromHttp(
          parsed.response.statusCode ?? 0,
          parsed.response.headers,
          parsed.response.body,
        );
      }
    } catch {
      // fall through
    }
    return new XeroFailure('server', 'Xero answered in an unexpected way.');
  }
  if (e && typeof e === 'object') {
    const err = e as {
      name?: string;
      error?: unknown;
      code?: unknown;
      response?: { statusCode?: number; status?: number; headers?: Headers };
      cause?: unknown;
    };
    // openid-client 5
    if (err.name === 'OPError') {
      const status = err.response?.statusCode;
      if (err.error === 'invalid_grant') {
        return new XeroFailure(
          'invalid_grant',
          'Xero no longer accepts this connection’s refresh token.',
          status,
        );
      }
      if (status !== undefined && (status === 429 || status >= 500))
        return failureFromHttp(status, err.response?.headers, undefined);
      return new XeroFailure(
        'oauth',
        `Xero's sign-in service refused the request (${String(err.error)}).`,
        status,
      );
    }
    if (err.name === 'RPError')
      return new XeroFailure('oauth', 'Xero’s sign-in service answered in an unexpected way.');
    // Our own deadline: the request may have reached Xero and may still land there.
    if (err.name === 'TimeoutError' || err.code === 'ECONNABORTED' || err.code === 'ERR_CANCELED') {
      return new XeroFailure('timeout', 'Xero did not answer in time.');
    }
    // network: fetch TypeError('fetch failed'), AbortError, got/axios codes
    if (
      err.name === 'AbortError' ||
      (err.name === 'TypeError' && (err as Error).message === 'fetch failed') ||
      (typeof err.code === 'string' && /^(E[A-Z]+|UND_ERR_\w+)$/.test(err.code))
    ) {
      return new XeroFailure('network', 'Xero could not be reached.');
    }
  }
  return new XeroFailure('server', 'An unexpected error happened while talking to Xero.');
}

/**
 * How one call to Xero ended, in the words metrics and the scheduler count by. The one
 * place that decides it: `timeout` and `network` mean the call may still have happened.
 */
export type XeroCallOutcome = 'ok' | '429' | '4xx' | '5xx' | 'timeout' | 'network' | 'other';

export function classifyCallOutcome(e: unknown): XeroCallOutcome {
  if (e === undefined) return 'ok';
  const f =
    e instanceof XeroFailure ? e : e instanceof Error && e.cause instanceof XeroFailure ? e.cause : undefined;
  if (!f) return 'other';
  switch (f.kind) {
    case 'rate_limited':
      return '429';
    case 'server':
      return f.status === undefined ? 'other' : '5xx';
    case 'timeout':
      return 'timeout';
    case 'network':
      return 'network';
    default:
      return '4xx';
  }
}

/** True when Xero may have acted on the request although we never saw its answer. */
export const mayHaveHappened = (outcome: XeroCallOutcome) =>
  outcome === 'timeout' || outcome === 'network' || outcome === '5xx' || outcome === 'other';

/**
 * Runs one call to Xero and turns whatever it throws into a XeroFailure. xero-node flattens
 * axios's abort into status 0, so the caller's deadline signal says when it was a timeout.
 */
export async function guardedXeroCall<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (signal?.aborted && !(e instanceof XeroFailure)) {
      throw new XeroFailure('timeout', 'Xero did not answer in time; the request may still have reached it.');
    }
    throw normaliseXeroError(e);
  }
}
