/**
 * The tenants a token may reach. After a consent, `?authEventId=` (the access token's
 * `authentication_event_id` claim) narrows the list to the organisations just connected.
 * https://developer.xero.com/documentation/guides/oauth2/tenants
 */
import { Hono } from 'hono';
import { authenticate } from '../auth.ts';
import type { SimDeps } from '../deps.ts';
import { problem } from '../errors.ts';
import type { Connection } from '../state.ts';
import { connectionTimestamp } from '../xero-json.ts';

export function connectionJson(k: Connection): Record<string, string> {
  return {
    id: k.id,
    authEventId: k.authEventId,
    tenantId: k.tenantId,
    tenantType: k.tenantType,
    tenantName: k.tenantName,
    createdDateUtc: connectionTimestamp(k.createdDateUtc),
    updatedDateUtc: connectionTimestamp(k.updatedDateUtc),
  };
}

export function connectionRoutes(deps: SimDeps): Hono {
  const app = new Hono();
  const { state } = deps;

  app.get('/connections', (c) => {
    const auth = authenticate(state, c.req.header('authorization'));
    if (!auth.isOk) return c.json(auth.body, auth.status, auth.headers);
    const authEventId = c.req.query('authEventId');
    const list = state.connections.filter(
      (k) =>
        k.clientId === auth.token.clientId &&
        k.userId === auth.token.userId &&
        (authEventId === undefined || k.authEventId === authEventId),
    );
    return c.json(list.map(connectionJson));
  });

  app.delete('/connections/:id', (c) => {
    const auth = authenticate(state, c.req.header('authorization'));
    if (!auth.isOk) return c.json(auth.body, auth.status, auth.headers);
    const id = c.req.param('id');
    const index = state.connections.findIndex(
      (k) => k.id === id && k.clientId === auth.token.clientId && k.userId === auth.token.userId,
    );
    if (index < 0) return c.json(problem(404, 'Connection not found'), 404);
    state.connections.splice(index, 1);
    return c.body(null, 204);
  });

  return app;
}
