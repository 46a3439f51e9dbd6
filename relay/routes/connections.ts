// A connection is owned by the install that created it. Only the owner lists it, shares it
// with more of its accounts (one call: the "Share Xero Access" step) or disconnects it;
// using it also needs a grant for the calling account.
import { type Context, Hono } from 'hono';
import { type Organisation, relayRoutes } from '../../lib/relay-api';
import { connectionAccess } from '../auth/connection-access';
import { RelayHttpError } from '../errors';
import type { AppEnv, Services } from '../services';
import type { ConnectionRow, TenantRecord } from '../store/queries';
import { isDisconnected } from '../tokens';
import { validate } from '../validate';
import { xeroCall } from '../xero/calls';

export function connectionRoutes(s: Services) {
  const access = connectionAccess(s);
  const ownedConnection = access.owned;
  const usable = access.usable;
  const owned = async (c: Context<AppEnv>, connectionId: string): Promise<ConnectionRow> =>
    (await ownedConnection(c, connectionId)).row;

  /**
   * Three calls, each through the organisation's scheduler like every other Xero call, read
   * once for every concurrent ask and kept a short while (relay/xero/org-facts.ts), so a
   * burst of popups costs the organisation three calls, not three per popup.
   */
  function facts(row: ConnectionRow, isFresh = false): Promise<Organisation> {
    if (isFresh) s.factsCache.drop(row.tenant_id, row.id);
    return s.factsCache.get(row.tenant_id, row.id, () => readFacts(row));
  }

  async function readFacts(row: ConnectionRow): Promise<Organisation> {
    const tenant = row.tenant_id;
    // Every call settles before the answer: a failure (say Xero's 401/403 after a disconnect
    // inside Xero, which marks the connection needs_reconnect) is not answered while the
    // other calls are still on their way to Xero.
    const settled = await Promise.allSettled([
      xeroCall(s, row, 'organisation', (token, signal) => s.xero.getOrganisation(token, tenant, { signal })),
      xeroCall(s, row, 'organisation.actions', (token, signal) =>
        s.xero.isMulticurrencyAllowed(token, tenant, { signal }),
      ),
      xeroCall(s, row, 'currencies', (token, signal) => s.xero.listCurrencies(token, tenant, { signal })),
    ] as const);
    const [orgResult, multiResult, codesResult] = settled;
    if (orgResult.status === 'rejected') throw orgResult.reason;
    if (multiResult.status === 'rejected') throw multiResult.reason;
    if (codesResult.status === 'rejected') throw codesResult.reason;
    const org = orgResult.value;
    await s.jobs.rememberShortCode(tenant, org.shortCode, s.now());
    return {
      name: org.name,
      baseCurrency: org.baseCurrency,
      multiCurrency: multiResult.value,
      currencies: [...new Set([org.baseCurrency, ...codesResult.value].filter(Boolean))].sort(),
    };
  }

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
        const answer = (r: ConnectionRow) =>
          c.json({ connectionId: r.id, tenantId: r.tenant_id, organisationName: r.organisation_name });
        if (row.status === 'disconnected') {
          // A retried choice whose first try renewed a connection already held (below).
          const renewedBy =
            row.tenant_chosen && row.tenant_id === tenantId
              ? await s.store.findOwnedConnectionForTenant(row.owner_install_id, tenantId)
              : undefined;
          if (renewedBy) return answer(renewedBy);
          throw isDisconnected();
        }
        const alreadyChosen = (r: ConnectionRow) =>
          new RelayHttpError(
            409,
            'tenant_already_chosen',
            `This connection already posts to ${r.organisation_name}; to post to another organisation, connect again. Nothing was changed.`,
          );
        // Choosing again what is already chosen is a harmless repeat (a retried request).
        if (row.tenant_chosen) {
          if (row.tenant_id === tenantId) return answer(row);
          throw alreadyChosen(row);
        }
        const tenants = JSON.parse(row.tenants_json) as TenantRecord[];
        const chosen = tenants.find((t) => t.tenantId === tenantId);
        if (!chosen) {
          throw new RelayHttpError(
            400,
            'unknown_tenant',
            `The organisation ${JSON.stringify(tenantId)} is not one this Xero sign-in covered (${tenants.map((t) => t.name).join(', ')}). Nothing was changed.`,
          );
        }
        // An organisation this install already holds: the sign-in renews that connection
        // (as Reconnect would) instead of starting a rival one for the same organisation.
        const held = await s.store.findOwnedConnectionForTenant(row.owner_install_id, tenantId);
        if (held && held.id !== row.id && row.access_token_enc && row.refresh_token_enc) {
          const sealed = {
            accessTokenEnc: s.vault.encrypt(s.vault.decrypt(row.access_token_enc, row.id), held.id),
            refreshTokenEnc: s.vault.encrypt(s.vault.decrypt(row.refresh_token_enc, row.id), held.id),
            accessExpiresAt: row.access_expires_at,
          };
          const renewed = await s.store.transaction(async (store) => {
            if (!(await store.chooseTenant(row.id, chosen, s.now()))) return undefined;
            const accounts = await store.grantedAccounts(row.id);
            const updated = await store.replaceTokens(
              held.id,
              {
                ...sealed,
                tenantsJson: JSON.stringify([chosen]),
                organisationName: chosen.name,
                xeroConnectionId: chosen.xeroConnectionId,
              },
              s.now(),
            );
            await store.addGrants(held.id, accounts, s.now());
            await store.markDisconnected(row.id, s.now());
            return updated;
          });
          if (renewed) {
            s.factsCache.drop(renewed.tenant_id, renewed.id);
            s.log.info(
              { connectionId: held.id, signInConnectionId: row.id },
              'xero organisation chosen: renews the connection this install already had',
            );
            return answer(renewed);
          }
        }
        const updated =
          held && held.id !== row.id ? undefined : await s.store.chooseTenant(row.id, chosen, s.now());
        if (!updated) {
          // Another request chose first.
          const current = (await s.store.findConnection(row.id)) ?? row;
          if (current.tenant_id === tenantId) return answer(current);
          throw alreadyChosen(current);
        }
        s.log.info({ connectionId: row.id }, 'xero organisation chosen');
        return answer(updated);
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
      if (row.status === 'disconnected') return c.json({ affectedAccountIds: [] });
      // Xero keeps one connection per user and organisation, and revoking a refresh token
      // removes *every* organisation that user connected to the app (its docs, "Revoking
      // tokens"). So Disconnect removes only this connection's organisation (DELETE
      // /connections/{id}), leaves it alone while another of our connections still posts
      // through it, and revokes the token only when Xero shows nothing else connected.
      // Best effort at Xero: the local token set is forgotten whatever Xero answers, so a
      // dead connection can always be cleared from the extension.
      let stillConnected: number | undefined;
      if (row.status === 'connected') {
        try {
          const tenants = JSON.parse(row.tenants_json) as TenantRecord[];
          stillConnected = await xeroCall(s, row, 'connections', async (token, signal) => {
            for (const t of tenants) {
              if (await s.store.isXeroConnectionInUse(t.xeroConnectionId, row.id)) continue;
              await s.xero.deleteConnection(token, t.xeroConnectionId, { signal });
            }
            return (await s.xero.listTenants(token, undefined, { signal })).length;
          });
        } catch (e) {
          s.log.warn(
            { connectionId: row.id, code: (e as RelayHttpError).code },
            'xero disconnect failed; forgetting locally',
          );
        }
      }
      const fresh = await s.store.findConnection(row.id);
      if (fresh?.refresh_token_enc && stillConnected === 0) {
        // A token the vault cannot open (lost key) cannot be revoked, but must not keep the
        // seller from disconnecting: forget it locally either way.
        try {
          await s.xero.revoke(s.vault.decrypt(fresh.refresh_token_enc, row.id));
        } catch (e) {
          s.log.warn(
            { connectionId: row.id, cause: e instanceof Error ? e.name : 'unknown' },
            'token revocation failed; forgetting locally',
          );
        }
      } else if (fresh?.refresh_token_enc) {
        s.log.info(
          { connectionId: row.id, otherOrganisations: stillConnected ?? 'unknown' },
          'token forgotten without revoking it: revoking would also remove the other organisations this Xero user connected',
        );
      }
      const affectedAccountIds = await s.store.transaction((store) =>
        store.markDisconnected(row.id, s.now()),
      );
      s.log.info({ connectionId: row.id, affected: affectedAccountIds.length }, 'xero disconnected');
      return c.json({ affectedAccountIds });
    })
    .get(
      '/:connectionId/organisation',
      validate('param', relayRoutes.organisation.params),
      validate('query', relayRoutes.organisation.query),
      async (c) => {
        const { accountId, refresh } = c.req.valid('query');
        const row = await usable(c, c.req.valid('param').connectionId, accountId);
        return c.json(await facts(row, refresh === '1'));
      },
    )
    .post(
      '/:connectionId/currencies',
      validate('param', relayRoutes.enableCurrency.params),
      validate('json', relayRoutes.enableCurrency.request),
      async (c) => {
        const { accountId, currency } = c.req.valid('json');
        const row = await usable(c, c.req.valid('param').connectionId, accountId);
        const org = await facts(row);
        if (org.currencies.includes(currency)) return c.json({ currencies: org.currencies });
        if (!org.multiCurrency) {
          throw new RelayHttpError(
            409,
            'plan_lacks_multicurrency',
            `${org.name}'s Xero plan does not include multi-currency, so ${currency} cannot be added. Upgrade the plan in Xero or post in ${org.baseCurrency}.`,
          );
        }
        try {
          await xeroCall(s, row, 'currencies.create', (token, signal) =>
            s.xero.enableCurrency(token, row.tenant_id, currency, { signal }),
          );
        } finally {
          // Whatever Xero answered (a timeout may still have enabled it), read afresh next time.
          s.factsCache.forget(row.tenant_id);
          s.booksCache.forget(row.tenant_id);
        }
        return c.json({ currencies: [...org.currencies, currency].sort() });
      },
    );
}
