/** What every router is given: the state, the signing key, and how to name the issuer. */
import type { Context } from 'hono';
import type { SigningKey } from './keys.ts';
import type { SimState } from './state.ts';

export interface SimDeps {
  state: SimState;
  signingKey: Promise<SigningKey>;
}

/**
 * The issuer (and base URL) the sim advertises: the configured public URL, else the origin
 * the request came in on, so one sim serves both 127.0.0.1 and localhost callers.
 */
export function issuerFor(deps: SimDeps, c: Context): string {
  return deps.state.config.publicUrl ?? new URL(c.req.url).origin;
}
