// The one answer to "who is calling?" for rate limits and logs. Behind a reverse proxy the
// socket's peer is the proxy; X-Forwarded-For is believed only as far as TRUST_PROXY says
// (a hop count or the proxies' addresses), so a client cannot pick its own address by
// sending the header itself. Uses proxy-addr, the parser Express relies on.
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
  if (trust.kind === 'none') return peer;
  const forwarded = c.req.header('x-forwarded-for');
  const req = {
    headers: forwarded === undefined ? {} : { 'x-forwarded-for': forwarded },
    connection: { remoteAddress: peer },
    socket: { remoteAddress: peer },
  };
  // biome-ignore lint/suspicious/noExplicitAny: proxy-addr reads only the fields above.
  return proxyaddr(req as any, trustFn(trust));
}
