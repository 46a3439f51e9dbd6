// Access to a connection's Xero token set. Xero refresh tokens are single use: two callers
// refreshing the same one at once lose the connection. So a refresh happens
//  - once per process: concurrent callers share one in-flight promise (single flight), and
//  - once across instances: under the store's row lock, re-reading the row first so an
//    instance that waited sees the pair another one just committed and uses it.
// The new pair is committed before anyone uses it. A dead refresh token (invalid_grant) or
// a token Xero rejects right after a refresh marks the connection needs_reconnect, once,
// for every account sharing it; nobody retries it.
import type { Logger } from 'pino';
import { DomainError } from './errors';
import type { ConnectionRow, Store } from './store/queries';
import type { Vault } from './vault';
import type { XeroGateway } from './xero/client';
import { XeroFailure } from './xero/errors';

/** Refresh this long before Xero's expiry so a token never dies mid-call. */
const EXPIRY_MARGIN_MS = 60_000;

interface LiveToken {
  accessToken: string;
  version: number;
}

type RefreshOutcome = { ok: true; token: LiveToken } | { ok: false; error: DomainError };

export const needsReconnect = () =>
  new DomainError(
    'needs_reconnect',
    'Xero no longer accepts this connection. Reconnect to Xero; accounts sharing it will work again afterwards.',
  );

/** A stored token the relay cannot open (key missing or data damaged): the cure is the same. */
export const reconnectNeeded = () =>
  new DomainError(
    'needs_reconnect',
    'The relay can no longer use this Xero connection. Reconnect to Xero; nothing was sent.',
  );

export const tenantNotChosen = () =>
  new DomainError(
    'tenant_not_chosen',
    'This Xero sign-in covered several organisations: choose the one to post to first. Nothing was read or sent.',
  );

export const isDisconnected = () =>
  new DomainError('disconnected', 'This Xero connection was disconnected. Connect to Xero again.');

/** What a failed Xero call means for the caller; the failure stays attached as the cause. */
export function failureToDomain(f: XeroFailure): DomainError {
  switch (f.kind) {
    case 'rate_limited': {
      const seconds = f.retryAfterSeconds ?? 60;
      return new DomainError('rate_limited', `${f.message} Try again in ${seconds} seconds.`, undefined, {
        retryAfterSeconds: seconds,
        cause: f,
      });
    }
    case 'validation':
    case 'not_found':
    case 'oauth':
      return new DomainError('xero_rejected', f.message, undefined, { cause: f });
    case 'invalid_grant':
    case 'unauthorized':
    case 'forbidden':
      return withCause(needsReconnect(), f);
    default:
      return new DomainError(
        'xero_unavailable',
        `${f.message} Nothing was changed; try again shortly.`,
        undefined,
        {
          cause: f,
        },
      );
  }
}

function withCause(e: DomainError, cause: XeroFailure): DomainError {
  return new DomainError(e.kind, e.message, e.details, { cause });
}

export class TokenService {
  private readonly inflight = new Map<string, Promise<RefreshOutcome>>();
  /** Number of refreshes this process actually sent to Xero (for tests and metrics). */
  refreshesSent = 0;

  constructor(
    private readonly store: Store,
    private readonly vault: Vault,
    private readonly xero: XeroGateway,
    private readonly now: () => number,
    private readonly log: Logger,
  ) {}

  private usable(row: ConnectionRow): LiveToken | undefined {
    if (row.status !== 'connected' || !row.access_token_enc) return undefined;
    if (row.access_expires_at - this.now() <= EXPIRY_MARGIN_MS) return undefined;
    return { accessToken: this.vault.decrypt(row.access_token_enc, row.id), version: row.token_version };
  }

  private assertConnected(row: ConnectionRow) {
    if (row.status === 'needs_reconnect') throw needsReconnect();
    if (row.status === 'disconnected' || !row.refresh_token_enc) throw isDisconnected();
  }

  /** A valid access token for the connection, refreshing it if needed. */
  async accessToken(row: ConnectionRow): Promise<LiveToken> {
    this.assertConnected(row);
    return this.usable(row) ?? this.refresh(row.id, row.token_version);
  }

  /** Refresh unless someone already replaced the token of `staleVersion`. */
  refresh(connectionId: string, staleVersion: number): Promise<LiveToken> {
    let pending = this.inflight.get(connectionId);
    if (!pending) {
      pending = this.refreshLocked(connectionId, staleVersion).finally(() =>
        this.inflight.delete(connectionId),
      );
      this.inflight.set(connectionId, pending);
    }
    return pending.then((o) => {
      if (!o.ok) throw o.error;
      return o.token;
    });
  }

  private refreshLocked(connectionId: string, staleVersion: number): Promise<RefreshOutcome> {
    return this.store.withRefreshLock(connectionId, async (store, row): Promise<RefreshOutcome> => {
      if (!row) return { ok: false, error: new DomainError('not_found', 'That connection was not found.') };
      if (row.status === 'needs_reconnect') return { ok: false, error: needsReconnect() };
      if (row.status === 'disconnected' || !row.refresh_token_enc)
        return { ok: false, error: isDisconnected() };
      if (row.token_version !== staleVersion) {
        const fresh = this.usable(row);
        if (fresh) return { ok: true, token: fresh };
      }
      const refreshToken = this.vault.decrypt(row.refresh_token_enc, row.id);
      let tokens: Awaited<ReturnType<XeroGateway['refresh']>>;
      try {
        this.refreshesSent++;
        tokens = await this.xero.refresh(refreshToken);
      } catch (e) {
        const f = e instanceof XeroFailure ? e : new XeroFailure('server', 'Token refresh failed.');
        this.log.warn({ connectionId, xeroFailure: f.kind, status: f.status }, 'token refresh failed');
        if (f.kind === 'invalid_grant') {
          // Committed with the lock's transaction: every instance and account sees it at once.
          await store.markNeedsReconnect(connectionId, this.now());
          return { ok: false, error: needsReconnect() };
        }
        return { ok: false, error: failureToDomain(f) };
      }
      const updated = await store.replaceTokens(
        connectionId,
        {
          accessTokenEnc: this.vault.encrypt(tokens.accessToken, connectionId),
          refreshTokenEnc: this.vault.encrypt(tokens.refreshToken, connectionId),
          accessExpiresAt: tokens.accessExpiresAt,
        },
        this.now(),
      );
      this.log.info({ connectionId, tokenVersion: updated.token_version }, 'token refreshed');
      return { ok: true, token: { accessToken: tokens.accessToken, version: updated.token_version } };
    });
  }

  /**
   * Run a Xero call with a valid token. A 401 gets one refresh and one retry; a second
   * 401/403 (or a 403 straight away: the organisation was disconnected inside Xero) marks
   * the connection needs_reconnect rather than looping.
   */
  async withToken<T>(row: ConnectionRow, fn: (accessToken: string) => Promise<T>): Promise<T> {
    let token = await this.accessToken(row);
    try {
      return await fn(token.accessToken);
    } catch (e) {
      if (!(e instanceof XeroFailure)) throw e;
      if (e.kind === 'unauthorized') {
        token = await this.refresh(row.id, token.version);
        try {
          return await fn(token.accessToken);
        } catch (e2) {
          if (!(e2 instanceof XeroFailure)) throw e2;
          return this.failed(row.id, e2);
        }
      }
      return this.failed(row.id, e);
    }
  }

  private async failed(connectionId: string, f: XeroFailure): Promise<never> {
    if (f.kind === 'unauthorized' || f.kind === 'forbidden') {
      this.log.warn(
        { connectionId, xeroFailure: f.kind },
        'Xero refused the connection; marking needs_reconnect',
      );
      await this.store.markNeedsReconnect(connectionId, this.now());
    }
    throw failureToDomain(f);
  }
}
