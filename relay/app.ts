// createApp(deps): the whole relay as a Hono app that never listens (server.ts does), so
// tests drive it through app.request() or a real socket with the same code.
import { randomUUID } from 'node:crypto';
import { type Context, Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { HTTPException } from 'hono/http-exception';
import { secureHeaders } from 'hono/secure-headers';
import type { Logger } from 'pino';
import { EXTENSION_ORIGIN } from '../lib/relay-api';
import { globalBudget, RegistrationLimiter, registrationLimit } from './auth/limits';
import { rateLimit, requireInstall } from './auth/middleware';
import { clientAddress } from './client-address';
import type { AppEnv, RelayDeps } from './deps';
import { DomainError, domainErrorToHttp, RelayHttpError } from './errors';
import { realClock, type SchedulerClock } from './jobs/clock';
import { type OrgLimits, OrgScheduler } from './jobs/scheduler';
import { JobStore } from './jobs/store';
import { isMetricsTokenValid, type RelayMetrics } from './metrics';
import { openApiDocument } from './openapi';
import { booksRoutes } from './routes/books';
import { connectOauthRoutes, connectRoutes } from './routes/connect';
import { connectionRoutes } from './routes/connections';
import { installRoutes } from './routes/installs';
import { invoiceJobRoutes, invoiceJobSubmitRoutes } from './routes/invoice-jobs';
import { pingDb } from './store/db';
import type { Store } from './store/queries';
import { failureToDomain, reconnectNeeded, TokenService } from './tokens';
import type { Vault } from './vault';
import { VaultError } from './vault';
import { BooksCache, type BooksGateway } from './xero/books';
import type { XeroGateway } from './xero/client';
import { XeroFailure } from './xero/errors';
import { OrganisationFactsCache } from './xero/org-facts';

export interface AppDeps {
  config: RelayDeps['config'];
  schedulerClock?: SchedulerClock;
  orgLimits?: Partial<OrgLimits>;
  /** Deadline of every scheduled call to Xero. */
  xeroCallDeadlineMs?: number;
  onJobQueued?: () => void;
  store: Store;
  vault: Vault;
  xero: XeroGateway;
  /** Organisation books (chart, tax rates, tracking); createBooksGateway in production. */
  books: BooksGateway;
  log: Logger;
  now?: () => number;
  /** Set by server.ts during shutdown so /readyz drains traffic away first. */
  isDraining?: () => boolean;
  /** Counted at /metrics (behind METRICS_TOKEN) when given. */
  metrics?: RelayMetrics;
}

export interface RelayApp {
  app: Hono<AppEnv>;
  /** Shared with Node's raw listener, which refuses a registration flood before the app. */
  registrations: RegistrationLimiter;
  tokens: TokenService;
  jobs: JobStore;
  scheduler: OrgScheduler;
  schedulerClock: SchedulerClock;
}

export function createApp(deps: AppDeps): RelayApp {
  const now = deps.now ?? Date.now;
  const tokens = new TokenService(deps.store, deps.vault, deps.xero, now, deps.log);
  const schedulerClock = deps.schedulerClock ?? realClock;
  const jobs = new JobStore(deps.store, deps.config.XERO_WEB_URL);
  const scheduler = new OrgScheduler(deps.store, schedulerClock, deps.orgLimits, deps.xeroCallDeadlineMs);
  const s: RelayDeps = {
    ...deps,
    now,
    tokens,
    jobs,
    scheduler,
    schedulerClock,
    onJobQueued: deps.onJobQueued ?? (() => {}),
    booksCache: new BooksCache(now),
    factsCache: new OrganisationFactsCache(now),
  };
  const app = new Hono<AppEnv>();

  if (deps.metrics) app.use('*', deps.metrics.http());
  // The relay names every request itself; a caller's X-Request-Id is only logged, apart and
  // sanitised, so a client can neither forge a log correlation nor inject into log lines.
  app.use('*', async (c, next) => {
    c.set('requestId', randomUUID());
    const fromClient = c.req.header('x-request-id');
    if (fromClient) c.set('clientRequestId', sanitiseClientId(fromClient));
    c.header('X-Request-Id', c.get('requestId'));
    await next();
  });
  // Nothing the relay answers may be cached, framed, sniffed or leak its URL onwards: the
  // callback's URL carries Xero's code and state, API answers carry connection facts.
  app.use(
    '*',
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'none'"],
        frameAncestors: ["'none'"],
      },
      referrerPolicy: 'no-referrer',
      xFrameOptions: 'DENY',
      xContentTypeOptions: 'nosniff',
      strictTransportSecurity: 'max-age=31536000; includeSubDomains',
      crossOriginResourcePolicy: 'same-origin',
    }),
  );
  app.use('*', async (c, next) => {
    await next();
    c.header('Cache-Control', 'no-store');
  });
  app.use('*', globalBudget(s));
  app.use('*', async (c, next) => {
    // The line is built only when it is written: at LOG_LEVEL=warn a request costs nothing here.
    if (!deps.log.isLevelEnabled('info')) return next();
    const started = performance.now();
    await next();
    // Path only: the OAuth callback's query carries Xero's code and state.
    deps.log.info(
      {
        reqId: c.get('requestId'),
        clientReqId: c.get('clientRequestId'),
        method: c.req.method,
        path: c.req.path,
        ip: clientAddress(c, s.config.TRUST_PROXY),
        status: c.res.status,
        ms: Math.round((performance.now() - started) * 10) / 10,
        installId: c.get('installId'),
      },
      'request',
    );
  });

  const isAllowedOrigin = (origin: string) =>
    EXTENSION_ORIGIN.test(origin) || s.config.CORS_EXTRA_ORIGINS.includes(origin);
  const generalBodyLimit = bodyLimit({
    maxSize: s.config.BODY_LIMIT_BYTES,
    onError: () => {
      throw new RelayHttpError(
        413,
        'payload_too_large',
        `The request body is larger than ${s.config.BODY_LIMIT_BYTES} bytes.`,
      );
    },
  });
  // A GET or HEAD has no body to limit (the server never reads one); asking would make the
  // server build a whole Request for it.
  const limitBody: MiddlewareHandler<AppEnv> = (c, next) =>
    c.req.method === 'GET' || c.req.method === 'HEAD' ? next() : generalBodyLimit(c, next);
  // A registration flood is refused before anything touches the body (the body limit makes
  // the server build a Request and a stream) or checks a signature: on Node's raw request
  // (relay/http-server.ts), or here for a request that did not come that way.
  const registrations = new RegistrationLimiter(s.config, deps.log);
  const checkRegistration = registrationLimit(s, registrations);
  const limitRegistrations: MiddlewareHandler<AppEnv> = async (c, next) => {
    checkRegistration(c);
    await next();
  };
  // A registered install's DPoP proof, then its per-install budget.
  const auth = requireInstall(s);
  const limit = rateLimit(s);
  const guard: MiddlewareHandler<AppEnv> = (c, next) =>
    auth(c, async () => {
      await limit(c, next);
    });
  const answerNotFound = (c: Context<AppEnv>) =>
    c.json({ error: { code: 'not_found', message: `No route for ${c.req.method} ${c.req.path}.` } }, 404);

  // /v1: Hono runs the handlers a request matches in the order they were added and stops at
  // the first that answers, so each public route is added before the middleware it skips.
  const v1 = new Hono<AppEnv>();
  v1.use(
    '*',
    cors({
      origin: (origin) => (isAllowedOrigin(origin) ? origin : null),
      allowMethods: ['GET', 'POST', 'DELETE'],
      allowHeaders: ['DPoP', 'Content-Type'],
      exposeHeaders: ['Retry-After', 'X-Request-Id'],
      maxAge: 600,
    }),
  );
  // Public: the browser's own navigations to Xero and back (no extension origin, no proof).
  v1.route('/oauth', connectOauthRoutes(s));
  v1.all('/oauth/:rest{.*}', limitBody, answerNotFound);
  v1.use('*', async (c, next) => {
    // Web pages may not call the relay at all; extension pages and workers may.
    const origin = c.req.header('origin');
    if (origin && !isAllowedOrigin(origin)) {
      throw new RelayHttpError(403, 'invalid_request', 'Only the Settlebridge extension may call the relay.');
    }
    await next();
  });
  // Public: registration, whose proof the route checks itself (the key is not known yet).
  v1.route('/installs', installRoutes(s, { limitRegistrations, limitBody }));
  v1.all('/installs', limitBody, answerNotFound);
  // Protected: everything else, for a registered install only.
  v1.route('/', protectedRoutes(s, { guard, limitBody }));
  app.route('/v1', v1);

  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    if (deps.isDraining?.()) return c.json({ status: 'draining' }, 503);
    try {
      await pingDb(s.store.db);
      return c.json({ status: 'ready' });
    } catch {
      return c.json({ status: 'store_unreachable' }, 503);
    }
  });
  app.get('/metrics', async (c) => {
    const token = s.config.METRICS_TOKEN;
    if (!deps.metrics || !token) {
      return c.json({ error: { code: 'not_found', message: 'Metrics are off; set METRICS_TOKEN.' } }, 404);
    }
    if (!isMetricsTokenValid(c.req.header('authorization'), token)) {
      c.header('www-authenticate', 'Bearer realm="metrics"');
      return c.json(
        {
          error: {
            code: 'unauthorized',
            message: 'GET /metrics needs "Authorization: Bearer <METRICS_TOKEN>".',
          },
        },
        401,
      );
    }
    const { contentType, body } = await deps.metrics.render();
    return c.body(body, 200, { 'content-type': contentType });
  });
  app.get('/openapi.json', (c) => c.json(openApiDocument(s.config.PUBLIC_URL)));

  app.notFound(answerNotFound);
  app.onError((err, c) => {
    let e: RelayHttpError;
    if (err instanceof RelayHttpError) e = err;
    else if (err instanceof DomainError) e = domainErrorToHttp(err);
    else if (err instanceof XeroFailure) e = domainErrorToHttp(failureToDomain(err));
    else if (err instanceof VaultError) {
      // Which key is missing is for the operator, not for the caller.
      deps.log.error({ reqId: c.get('requestId'), vault: err.message }, 'stored token could not be opened');
      e = domainErrorToHttp(reconnectNeeded());
    } else if (err instanceof HTTPException && err.status < 500) {
      // Hono's own refusals, e.g. a body that is not JSON.
      const message = /json/i.test(err.message)
        ? 'The request body is not valid JSON.'
        : err.message || 'The request is not valid.';
      e = new RelayHttpError(
        err.status === 413 ? 413 : 400,
        err.status === 413 ? 'payload_too_large' : 'invalid_request',
        message,
      );
    } else {
      // Log the kind, never the object: SDK errors can carry request details.
      deps.log.error(
        {
          reqId: c.get('requestId'),
          err: { name: err.name },
        },
        'unhandled error',
      );
      e = new RelayHttpError(
        500,
        'internal',
        'The relay hit an unexpected problem. Nothing was changed; try again.',
      );
    }
    for (const [k, v] of Object.entries(e.headers)) c.header(k, v);
    return c.json(e.toBody(), e.status);
  });

  return { app, registrations, tokens, jobs, scheduler, schedulerClock };
}

/**
 * The /v1 routes only a registered install may call. The body is limited before the proof is
 * checked (a flood costs no signature check), except for invoice jobs: their larger limit
 * (routes/invoice-jobs.ts) applies once the caller is known, so that route is added first,
 * with the guard of its own, and answers before the shared middleware would run.
 */
function protectedRoutes(
  s: RelayDeps,
  { guard, limitBody }: { guard: MiddlewareHandler<AppEnv>; limitBody: MiddlewareHandler<AppEnv> },
) {
  return new Hono<AppEnv>()
    .route('/', invoiceJobSubmitRoutes(s, guard))
    .use('*', limitBody, guard)
    .route('/connect', connectRoutes(s))
    .route('/connections', connectionRoutes(s))
    .route('/', invoiceJobRoutes(s))
    .route('/connections', booksRoutes(s));
}

/** A client's own request id, for logs only: at most 64 characters of [A-Za-z0-9._-]. */
export function sanitiseClientId(raw: string): string {
  return raw.replace(/[^A-Za-z0-9._-]/g, '').slice(0, 64);
}
