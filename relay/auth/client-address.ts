// The address a request came from, read in one place so that a deployment behind a proxy
// can swap in a proxy-aware reading without touching the limits that use it.
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';

/** The peer's IP address; 'unknown' when the request did not arrive over a socket. */
export function clientAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
