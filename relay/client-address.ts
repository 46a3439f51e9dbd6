// The one answer to "who is calling?" for rate limits and logs. Behind a reverse proxy the
// socket's peer is the proxy; X-Forwarded-For is believed only as far as TRUST_PROXY says
// (a hop count or the proxies' addresses), so a client cannot pick its own address by
// sending the header itself. Uses proxy-addr, the parser Express relies on.
import type { IncomingMessage } from 'node:http';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import proxyaddr from 'proxy-addr';
import type { TrustProxy } from './env';

type TrustFn = (addr: string, hop: number) => boolean;

const compiled = new WeakMap<TrustProxy, TrustFn>();

function trustFn(trust: TrustProxy): TrustFn {
  let fn = compiled.get(trust);
  if (!fn) {
    if (trust.kind === 'none') fn = () => false;
    else if (trust.kind === 'hops') {
      const { hops } = trust;
      fn = (_addr, hop) => hop < hops;
    } else fn = proxyaddr.compile(trust.list);
    compiled.set(trust, fn);
  }
  return fn;
}

function socketAddress(c: Context): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    return undefined; // app.request() in tests: no socket
  }
}

/** The client's address (IPv4 or IPv6 text), or undefined when there is no socket at all. */
export function clientAddress(c: Context, trust: TrustProxy): string | undefined {
  const peer = socketAddress(c);
  if (peer === undefined) return undefined;
  return fromPeer(peer, c.req.header('x-forwarded-for'), trust);
}

/**
 * The same reading on Node's raw request, for the refusals made before the app sees a
 * request (relay/http-server.ts).
 */
export function rawClientAddress(req: IncomingMessage, trust: TrustProxy): string | undefined {
  const peer = req.socket.remoteAddress;
  if (peer === undefined) return undefined;
  const forwarded = req.headers['x-forwarded-for'];
  return fromPeer(peer, Array.isArray(forwarded) ? forwarded.join(',') : forwarded, trust);
}

function fromPeer(peer: string, forwarded: string | undefined, trust: TrustProxy): string {
  if (trust.kind === 'none') return peer;
  const req = {
    headers: forwarded === undefined ? {} : { 'x-forwarded-for': forwarded },
    connection: { remoteAddress: peer },
    socket: { remoteAddress: peer },
  };
  // biome-ignore lint/suspicious/noExplicitAny: proxy-addr reads only the fields above.
  return proxyaddr(req as any, trustFn(trust));
}
