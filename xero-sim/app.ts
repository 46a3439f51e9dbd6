/**
 * createSimApp wires the routers onto one Hono app without listening, so tests can call
 * `app.request()` or serve it on a real socket (start.ts). Around every Xero-facing call it
 * keeps the call log and applies injected faults.
 */
import type { IncomingMessage } from 'node:http';
import { type Context, Hono } from 'hono';
import { createClock, type SimClock } from './clock.ts';
import { CONTROLS_PREFIX } from './controls-api.ts';
import type { SimDeps } from './deps.ts';
import { problem, requestValidationException } from './errors.ts';
import { createSigningKey, type SigningKey } from './keys.ts';
import { accountingRoutes, TENANT_HEADER } from './routes/accounting.ts';
import { connectionRoutes } from './routes/connections.ts';
import { controlRoutes } from './routes/controls.ts';
import { identityRoutes } from './routes/identity.ts';
import { defaultSeed, type SeedClient, type SeedData } from './seed.ts';
import {
  createState,
  DEFAULT_LIMITS,
  defaultConfig,
  type Fault,
  type Limits,
  logCall,
  type SimConfig,
} from './state.ts';

export type { SimDeps } from './deps.ts';

export interface SimOptions {
  seed?: SeedData;
  /** Replaces the seeded client's redirect URIs (e.g. the relay's callback). */
  redirectUris?: string[];
  /** Accept any http://localhost|127.0.0.1 redirect URI (tests only; explicit opt-in). */
  allowAnyLocalhostRedirect?: boolean;
  /** Extra app clients besides the seeded one. */
  clients?: SeedClient[];
  isControlsEnabled?: boolean;
  clock?: SimClock;
  publicUrl?: string;
  refreshGraceMs?: number;
  accessTokenTtlMs?: number;
  codeTtlMs?: number;
  idempotencyTtlMs?: number;
  limits?: Partial<Limits>;
  /**
   * The RS256 key. By default one key is generated per process, off-thread, by the first
   * sim (RSA generation takes ~200 ms here) and shared by later ones; pass `'fresh'` to
   * give this sim its own.
   */
  signingKey?: Promise<SigningKey> | 'fresh';
}

let processKey: Promise<SigningKey> | undefined;

function signingKeyFor(option: SimOptions['signingKey']): Promise<SigningKey> {
  if (option === 'fresh') return createSigningKey();
  if (option) return option;
  processKey ??= createSigningKey();
  return processKey;
}

/** Builds state and a signing key from options; the key is generated in the background. */
export function createSimDeps(options: SimOptions = {}): SimDeps {
  const seed = structuredClone(options.seed ?? defaultSeed());
  for (const client of seed.clients) {
    if (options.redirectUris) client.redirectUris = [...options.redirectUris];
    if (options.allowAnyLocalhostRedirect !== undefined) {
      client.allowAnyLocalhostRedirect = options.allowAnyLocalhostRedirect;
    }
  }
  if (options.clients) seed.clients.push(...options.clients);
  const config: SimConfig = {
    ...defaultConfig(seed),
    publicUrl: options.publicUrl,
    isControlsEnabled: options.isControlsEnabled ?? false,
    limits: { ...DEFAULT_LIMITS, ...options.limits },
  };
  if (options.refreshGraceMs !== undefined) config.refreshGraceMs = options.refreshGraceMs;
  if (options.accessTokenTtlMs !== undefined) config.accessTokenTtlMs = options.accessTokenTtlMs;
  if (options.codeTtlMs !== undefined) config.codeTtlMs = options.codeTtlMs;
  if (options.idempotencyTtlMs !== undefined) config.idempotencyTtlMs = options.idempotencyTtlMs;
  const signingKey = signingKeyFor(options.signingKey);
  // Surface a key failure when something awaits it, not as an unhandled rejection.
  signingKey.catch(() => undefined);
  return { state: createState(config, options.clock ?? createClock()), signingKey };
}

function scopeOf(path: string): 'api' | 'identity' | undefined {
  if (path.startsWith('/api.xro/') || path.startsWith('/connections')) return 'api';
  if (path.startsWith('/connect/') || path.startsWith('/.well-known/')) return 'identity';
  return undefined;
}

function takeFault(deps: SimDeps, path: string, method: string): Fault | undefined {
  const scope = scopeOf(path);
  if (!scope) return undefined;
  const fault = deps.state.faults.find(
    (f) =>
      (f.scope === 'all' || f.scope === scope) &&
      (!f.pathPrefix || path.startsWith(f.pathPrefix)) &&
      (!f.method || f.method === method),
  );
  if (!fault) return undefined;
  fault.remaining--;
  if (fault.remaining <= 0) deps.state.faults.splice(deps.state.faults.indexOf(fault), 1);
  return fault;
}

/** Waits `ms` or until the client gives up; true when it gave up. */
function hold(c: Context, ms: number): Promise<boolean> {
  const signal = c.req.raw.signal;
  return new Promise<boolean>((resolve) => {
    if (signal.aborted) return resolve(true);
    const timer = setTimeout(() => resolve(false), ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

async function applyFault(c: Context, fault: Fault): Promise<Response> {
  switch (fault.kind) {
    case 'hang':
      throw new Error('hang is applied around the handler');
    case '500':
      return c.json(
        problem(
          500,
          'An error occurred in Xero. Check the API Status page http://status.developer.xero.com for current service status.',
        ),
        500,
      );
    case '503':
      return c.json(problem(503, 'The service is temporarily unavailable'), 503, { 'Retry-After': '5' });
    case '429':
      // Xero's own 429s may come without a body; clients must rely on the headers.
      return c.body(null, 429, { 'Retry-After': '60', 'X-Rate-Limit-Problem': 'minute' });
    case 'timeout': {
      const signal = c.req.raw.signal;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, fault.holdMs);
        signal.addEventListener('abort', () => {
          clearTimeout(timer);
          resolve();
        });
      });
      return c.json(problem(504, 'The request timed out'), 504);
    }
    case 'validation':
      return c.json(requestValidationException(fault.message ?? 'A validation exception occurred'), 400);
    case 'reset': {
      const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
      incoming?.socket.destroy();
      // Without a socket (app.request in tests) the nearest thing is a gateway error.
      return c.json(problem(502, 'Connection reset'), 502);
    }
  }
}

export function createSimApp(deps: SimDeps): Hono {
  const app = new Hono();

  app.use('*', async (c, next) => {
    const path = c.req.path;
    if (path.startsWith(`${CONTROLS_PREFIX}/`)) return next();
    const state = deps.state;
    const at = state.clock.now();
    const fault = takeFault(deps, path, c.req.method);
    if (fault?.kind === 'hang' && fault.hangPhase === 'before') {
      // Accepted, then silent: a client that gives up leaves nothing stored.
      if (await hold(c, fault.holdMs)) c.res = c.json(problem(504, 'The client closed the request'), 504);
      else await next();
    } else if (fault?.kind === 'hang') {
      // Stored, then silent: the answer is held until it no longer matters.
      await next();
      await hold(c, fault.holdMs);
    } else if (fault) c.res = await applyFault(c, fault);
    else await next();
    const isApi = path.startsWith('/api.xro/');
    if (isApi) state.counts.apiCalls++;
    logCall(state, {
      at,
      method: c.req.method,
      path,
      status: c.res.status,
      tenantId: isApi ? c.req.header(TENANT_HEADER) : undefined,
      rateLimitProblem: c.res.headers.get('x-rate-limit-problem') ?? undefined,
      fault: fault?.kind,
      idempotencyKey: c.req.header('idempotency-key'),
      isIdempotentReplay: c.res.headers.has('idempotent-replayed') || undefined,
    });
  });

  app.route('/', identityRoutes(deps));
  app.route('/', connectionRoutes(deps));
  app.route('/api.xro/2.0', accountingRoutes(deps));
  if (deps.state.config.isControlsEnabled) app.route(CONTROLS_PREFIX, controlRoutes(deps));

  app.get('/', (c) =>
    c.json({
      name: 'xero-sim',
      discovery: '/.well-known/openid-configuration',
      api: '/api.xro/2.0',
      controls: deps.state.config.isControlsEnabled ? CONTROLS_PREFIX : 'disabled',
    }),
  );
  app.notFound((c) => c.json(problem(404, 'The resource you are looking for cannot be found'), 404));
  app.onError((error, c) => {
    console.error('[xero-sim]', error);
    return c.json(problem(500, 'An error occurred in the sim'), 500);
  });
  return app;
}
