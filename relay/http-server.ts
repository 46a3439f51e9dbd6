// The relay's HTTP listener: Node's server with the Hono app behind it, plus the one refusal
// made before the app sees a request. A registration flood (POST /v1/installs past the
// per-address or per-instance limit) is answered 429 here from the raw request: no body is
// read, no Request, context or middleware chain is built, nothing is logged per request
// (RegistrationLimiter logs a summary). Everything else goes to the app unchanged.
//
// A refusal for the address's own limit is held for REGISTRATION_REFUSAL_DELAY_MS before it
// is sent (a tarpit): a client that waits for each answer, as HTTP/1.1 clients do on a
// connection, can then ask at most once per delay on each connection, so a flood goes at the
// relay's pace and the relay's time stays with the installs it serves. Holding costs one
// timer and the request objects Node keeps for an open request anyway; at most
// REGISTRATION_REFUSALS_HELD_MAX are held at once, and past that refusals are sent at once.
// A client that gives up while held frees its place. Refusals for the instance-wide limit
// are sent at once: they refuse everyone, not one flooding address.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import type { Hono } from 'hono';
import { EXTENSION_ORIGIN } from '../lib/relay-api';
import { markRegistrationCounted, type Refusal, type RegistrationLimiter } from './auth/limits';
import { rawClientAddress } from './client-address';
import type { AppEnv } from './deps';
import type { RelayConfig } from './env';

export interface RelayHttpDeps {
  app: Hono<AppEnv>;
  registrations: RegistrationLimiter;
  config: Pick<
    RelayConfig,
    'TRUST_PROXY' | 'CORS_EXTRA_ORIGINS' | 'REGISTRATION_REFUSAL_DELAY_MS' | 'REGISTRATION_REFUSALS_HELD_MAX'
  >;
  now?: () => number;
  /** Counted at /metrics, as the app counts the answers it makes. */
  onEarlyRefusal?: () => void;
  /** How many refusals are held now, each time that changes (a gauge at /metrics). */
  onHeldRefusals?: (held: number) => void;
}

/** The headers every relay answer carries (app.ts sets the same through its middleware). */
const SECURITY_HEADERS = {
  'cache-control': 'no-store',
  'content-security-policy':
    "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'content-type': 'application/json',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-frame-options': 'DENY',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0',
};

export function relayRequestListener(deps: RelayHttpDeps) {
  const toApp = getRequestListener(deps.app.fetch);
  const now = deps.now ?? Date.now;
  const delayMs = deps.config.REGISTRATION_REFUSAL_DELAY_MS;
  const heldMax = deps.config.REGISTRATION_REFUSALS_HELD_MAX;
  let held = 0;
  const isAllowedOrigin = (origin: string) =>
    EXTENSION_ORIGIN.test(origin) || deps.config.CORS_EXTRA_ORIGINS.includes(origin);

  const refuse = (req: IncomingMessage, res: ServerResponse, refusal: Refusal) => {
    const origin = req.headers.origin;
    const body = JSON.stringify({ error: { code: 'rate_limited', message: refusal.message } });
    res.writeHead(429, {
      ...SECURITY_HEADERS,
      'retry-after': String(refusal.retry),
      'content-length': Buffer.byteLength(body),
      ...(origin && isAllowedOrigin(origin)
        ? {
            'access-control-allow-origin': origin,
            'access-control-expose-headers': 'Retry-After,X-Request-Id',
            vary: 'Origin',
          }
        : {}),
    });
    // Node discards the unread body itself and keeps the connection usable.
    res.end(body);
  };

  const refuseLater = (req: IncomingMessage, res: ServerResponse, refusal: Refusal) => {
    held++;
    deps.onHeldRefusals?.(held);
    let isHeld = true;
    const release = () => {
      if (!isHeld) return;
      isHeld = false;
      held--;
      deps.onHeldRefusals?.(held);
      clearTimeout(timer);
    };
    const timer = setTimeout(() => {
      release();
      if (!res.destroyed) refuse(req, res, refusal);
    }, delayMs);
    // The client went away: nothing to answer, and its place is free.
    res.once('close', release);
  };

  return (req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'POST' && (req.url === '/v1/installs' || req.url?.startsWith('/v1/installs?'))) {
      const refusal = deps.registrations.check(
        rawClientAddress(req, deps.config.TRUST_PROXY) ?? 'unknown',
        now(),
      );
      if (refusal) {
        deps.onEarlyRefusal?.();
        if (refusal.limit === 'address' && delayMs > 0 && held < heldMax) refuseLater(req, res, refusal);
        else refuse(req, res, refusal);
        return;
      }
      markRegistrationCounted(req);
    }
    void toApp(req, res);
  };
}

/** A Node HTTP server for the relay (not yet listening). */
export function createRelayServer(deps: RelayHttpDeps): Server {
  return createServer(relayRequestListener(deps));
}
