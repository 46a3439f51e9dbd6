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
