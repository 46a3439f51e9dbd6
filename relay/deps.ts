import type { Logger } from 'pino';
import type { RelayConfig } from './env';
import type { SchedulerClock } from './jobs/clock';
import type { OrgScheduler } from './jobs/scheduler';
import type { JobStore } from './jobs/store';
import type { CachedConnection } from './store/auth-cache';
import type { Store } from './store/queries';
import type { TokenService } from './tokens';
import type { Vault } from './vault';
import type { BooksCache, BooksGateway } from './xero/books';
import type { XeroGateway } from './xero/client';
import type { OrganisationFactsCache } from './xero/org-facts';

/** What the routes need, handed in by createApp; nothing here listens or reads the env. */
export interface RelayDeps {
  config: Pick<
    RelayConfig,
    | 'PUBLIC_URL'
    | 'RETURN_URL_PREFIXES'
    | 'CORS_EXTRA_ORIGINS'
    | 'RATE_LIMIT_PER_MINUTE'
    | 'BODY_LIMIT_BYTES'
    | 'INVOICE_JOB_BODY_LIMIT_BYTES'
    | 'XERO_WEB_URL'
    | 'METRICS_TOKEN'
    | 'TRUST_PROXY'
    | 'ALLOWED_EXTENSION_IDS'
    | 'REGISTRATIONS_PER_ADDRESS_PER_MINUTE'
    | 'REGISTRATIONS_PER_MINUTE'
    | 'GLOBAL_REQUESTS_PER_SECOND'
    | 'INSTALL_QUEUED_INVOICES_MAX'
    | 'INSTALL_QUEUED_BYTES_MAX'
    | 'TOKEN_KEYS'
  >;
  store: Store;
  vault: Vault;
  xero: XeroGateway;
  tokens: TokenService;
  log: Logger;
  now: () => number;
  jobs: JobStore;
  scheduler: OrgScheduler;
  /** Time for job scheduling (rate-limit windows); injectable so waits can be fast-forwarded. */
  schedulerClock: SchedulerClock;
  /** Tells this process's worker that work arrived. */
  onJobQueued: () => void;
  /** Reads of organisation books and account creation (relay/xero/books.ts). */
  books: BooksGateway;
  booksCache: BooksCache;
  /** Organisation facts (name, currencies, multi-currency), single flight and a short TTL. */
  factsCache: OrganisationFactsCache;
}

export interface AppEnv {
  Variables: {
    installId: string;
    requestId: string;
    clientRequestId?: string;
    /**
     * The connection the request's path names, as the authentication statement read it
     * (absent from the store: `found` undefined). Fresh for this request.
     */
    connection?: { id: string; found?: CachedConnection };
  };
}
