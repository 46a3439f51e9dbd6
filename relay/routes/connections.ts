// A connection is owned by the install that created it. Only the owner lists it, shares it
// with more of its accounts (one call: the "Share Xero Access" step) or disconnects it;
// using it also needs a grant for the calling account. What each does is in relay/connections.ts.
import { type Context, Hono } from 'hono';
import { relayRoutes } from '../../lib/relay-api';
import { connectionAccess } from '../auth/connection-access';
import { chooseTenant, disconnect, enableCurrency, organisationFacts } from '../connections';
import type { AppEnv, RelayDeps } from '../deps';
import type { ConnectionRow, TenantRecord } from '../store/queries';
import { isDisconnected } from '../tokens';
import { validate } from '../validate';

export function connectionRoutes(s: RelayDeps) {
  const access = connectionAccess(s);
  const ownedConnection = access.owned;
  const usable = access.usable;
  const owned = async (c: Context<AppEnv>, connectionId: string): Promise<ConnectionRow> =>
    (await ownedConnection(c, connectionId)).row;

  return new Hono<AppEnv>()
    .get('/', async (c) => {
      const rows = await s.store.listConnectionsOwnedBy(c.get('installId'));
      return c.json({
        connections: rows.map((r) => ({
          id: r.id,
          tenantId: r.tenant_id,
          organisationName: r.organisation_name,
          status: r.status,
          accountIds: r.accountIds,
          ...(r.tenant_chosen || r.status === 'disconnected'
            ? {}
            : {
                chooseFrom: (JSON.parse(r.tenants_json) as TenantRecord[]).map((t) => ({
                  tenantId: t.tenantId,
                  name: t.name,
                })),
              }),
        })),
      });
    })
    .post(
      '/:connectionId/tenant',
      validate('param', relayRoutes.chooseTenant.params),
      validate('json', relayRoutes.chooseTenant.request),
      async (c) => {
        const row = await owned(c, c.req.valid('param').connectionId);
        const { tenantId } = c.req.valid('json');
        const r = await chooseTenant(s, row, tenantId);
        return c.json({ connectionId: r.id, tenantId: r.tenant_id, organisationName: r.organisation_name });
      },
    )
    .post(
      '/:connectionId/grants',
      validate('param', relayRoutes.grant.params),
      validate('json', relayRoutes.grant.request),
      async (c) => {
        const row = await owned(c, c.req.valid('param').connectionId);
        if (row.status === 'disconnected') throw isDisconnected();
        await s.store.addGrants(row.id, c.req.valid('json').accountIds, s.now());
        return c.json({ accountIds: await s.store.grantedAccounts(row.id) });
      },
    )
    .delete('/:connectionId', validate('param', relayRoutes.disconnect.params), async (c) => {
      const row = await owned(c, c.req.valid('param').connectionId);
      return c.json({ affectedAccountIds: await disconnect(s, row) });
    })
    .get(
      '/:connectionId/organisation',
      validate('param', relayRoutes.organisation.params),
      validate('query', relayRoutes.organisation.query),
      async (c) => {
        const { accountId, refresh } = c.req.valid('query');
        const row = await usable(c, c.req.valid('param').connectionId, accountId);
        return c.json(await organisationFacts(s, row, refresh === '1'));
      },
    )
    .post(
      '/:connectionId/currencies',
      validate('param', relayRoutes.enableCurrency.params),
      validate('json', relayRoutes.enableCurrency.request),
      async (c) => {
        const { accountId, currency } = c.req.valid('json');
        const row = await usable(c, c.req.valid('param').connectionId, accountId);
        return c.json({ currencies: await enableCurrency(s, row, currency) });
      },
    );
}
