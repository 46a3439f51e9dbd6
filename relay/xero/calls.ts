// The shape every route and job uses to call Xero for a connection: a valid token (one
// refresh and retry on 401, relay/tokens.ts) around one scheduled call (relay/jobs/
// scheduler.ts: the organisation's and the app's budget, a deadline, counted by kind and
// outcome). New Xero calls (accounts, tax rates, tracking, attachments…) go through here.
import type { CallOptions, OrgScheduler, XeroCallKind } from '../jobs/scheduler';
import type { ConnectionRow } from '../store/queries';
import type { TokenService } from '../tokens';

export interface XeroCallDeps {
  scheduler: OrgScheduler;
  tokens: TokenService;
}

export function xeroCall<T>(
  deps: XeroCallDeps,
  conn: ConnectionRow,
  kind: XeroCallKind,
  fn: (accessToken: string, signal: AbortSignal) => Promise<T>,
  options: CallOptions<T> = {},
): Promise<T> {
  return deps.tokens.withToken(conn, (token) =>
    deps.scheduler.call(conn.tenant_id, kind, (signal) => fn(token, signal), options),
  );
}

/**
 * How long a call a person waits on (Books, organisation facts, a currency change) waits for
 * the organisation's Xero budget before giving up with 429 rate_limited, rather than hanging
 * until a Retry-After block or a bulk send ends.
 */
export const ADMISSION_WAIT_MS = 20_000;

/** The options of a call a person waits on: admission within ADMISSION_WAIT_MS. */
export const whilePersonWaits = <T>(options: CallOptions<T> = {}): CallOptions<T> => ({
  ...options,
  signal: AbortSignal.timeout(ADMISSION_WAIT_MS),
});
