// The address registration limits count, read through the one proxy-aware reading
// (relay/client-address.ts, TRUST_PROXY) that logs use too.
import type { Context } from 'hono';
import { clientAddress as proxyAwareAddress } from '../client-address';
import type { TrustProxy } from '../env';

/** The client's IP address as TRUST_PROXY lets us see it; 'unknown' without a socket. */
export function clientAddress(c: Context, trust: TrustProxy): string {
  return proxyAwareAddress(c, trust) ?? 'unknown';
}
