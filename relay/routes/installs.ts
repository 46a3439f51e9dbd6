// POST /v1/installs: registration (relay/installs.ts decides; this maps the answer).
import { Hono, type MiddlewareHandler } from 'hono';
import { proofUrl } from '../auth/middleware';
import type { AppEnv, RelayDeps } from '../deps';
import { registerInstall } from '../installs';

/** Before the proof is looked at: app.ts's limits on registrations (per address, per instance) and on the body. */
export function installRoutes(
  s: RelayDeps,
  before: { limitRegistrations: MiddlewareHandler<AppEnv>; limitBody: MiddlewareHandler<AppEnv> },
) {
  return new Hono<AppEnv>().post('/', before.limitRegistrations, before.limitBody, async (c) => {
    const { installId, isNew } = await registerInstall(s, {
      proof: c.req.header('dpop'),
      url: proofUrl(s.config.PUBLIC_URL, c.req.path),
    });
    return c.json({ installId, isNew }, isNew ? 201 : 200);
  });
}
