// What a connection's owner does with it, without HTTP: read the organisation's facts,
// choose the organisation of a sign-in that covered several, disconnect, enable a currency.
// The routes (routes/connections.ts) check access first and map the answers.
import type { Organisation } from '../lib/relay-api';
import type { RelayDeps } from './deps';
import { DomainError, domainErrorCode } from './errors';
import type { ConnectionRow, TenantRecord } from './store/queries';
import { isDisconnected } from './tokens';
import { whilePersonWaits, xeroCall } from './xero/calls';

/**
 * Three calls, each through the organisation's scheduler like every other Xero call, read
 * once for every concurrent ask and kept a short while (relay/xero/org-facts.ts), so a
 * burst of popups costs the organisation three calls, not three per popup.
 */
export function organisationFacts(s: RelayDeps, row: ConnectionRow, isFresh = false): Promise<Organisation> {
  if (isFresh) s.factsCache.drop(row.tenant_id, row.id);
  return s.factsCache.get(row.tenant_id, row.id, () => readFacts(s, row));
}

async function readFacts(s: RelayDeps, row: ConnectionRow): Promise<Organisation> {
  const tenant = row.tenant_id;
  // Every call settles before the answer: a failure (say Xero's 401/403 after a disconnect
  // inside Xero, which marks the connection needs_reconnect) is not answered while the
  // other calls are still on their way to Xero.
  // A person waits on this answer, as on the Books reads: bounded admission, then 429.
  const admission = whilePersonWaits();
  const settled = await Promise.allSettled([
    xeroCall(
      s,
      row,
      'organisation',
      (token, signal) => s.xero.getOrganisation(token, tenant, { signal }),
      admission,
    ),
    xeroCall(
      s,
      row,
      'organisation.actions',
      (token, signal) => s.xero.isMulticurrencyAllowed(token, tenant, { signal }),
      admission,
    ),
    xeroCall(
      s,
      row,
      'currencies',
      (token, signal) => s.xero.listCurrencies(token, tenant, { signal }),
      admission,
    ),
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

/**
 * Binds a sign-in's connection to the organisation `tenantId`, one it covered; answers the
 * connection that now posts there (another one this install held, renewed, when it already
 * had that organisation). Choosing again what is chosen is a harmless repeat.
 */
export async function chooseTenant(
  s: RelayDeps,
  row: ConnectionRow,
  tenantId: string,
): Promise<ConnectionRow> {
  if (row.status === 'disconnected') {
    // A retried choice whose first try renewed a connection already held (below).
    const renewedBy =
      row.tenant_chosen && row.tenant_id === tenantId
        ? await s.store.findOwnedConnectionForTenant(row.owner_install_id, tenantId)
        : undefined;
    if (renewedBy) return renewedBy;
    throw isDisconnected();
  }
  const alreadyChosen = (r: ConnectionRow) =>
    new DomainError(
      'tenant_already_chosen',
      `This connection already posts to ${r.organisation_name}; to post to another organisation, connect again. Nothing was changed.`,
    );
  // Choosing again what is already chosen is a harmless repeat (a retried request).
  if (row.tenant_chosen) {
    if (row.tenant_id === tenantId) return row;
    throw alreadyChosen(row);
  }
  const tenants = JSON.parse(row.tenants_json) as TenantRecord[];
  const chosen = tenants.find((t) => t.tenantId === tenantId);
  if (!chosen) {
    throw new DomainError(
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
      return renewed;
    }
  }
  const updated =
    held && held.id !== row.id ? undefined : await s.store.chooseTenant(row.id, chosen, s.now());
  if (!updated) {
    // Another request chose first.
    const current = (await s.store.findConnection(row.id)) ?? row;
    if (current.tenant_id === tenantId) return current;
    throw alreadyChosen(current);
  }
  s.log.info({ connectionId: row.id }, 'xero organisation chosen');
  return updated;
}

/**
 * Forgets the connection's tokens (at Xero too, as far as that is safe) and answers the
 * accounts that lost their access.
 */
export async function disconnect(s: RelayDeps, row: ConnectionRow): Promise<string[]> {
  if (row.status === 'disconnected') return [];
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
        { connectionId: row.id, code: e instanceof DomainError ? domainErrorCode(e) : undefined },
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
  const affectedAccountIds = await s.store.transaction((store) => store.markDisconnected(row.id, s.now()));
  s.log.info({ connectionId: row.id, affected: affectedAccountIds.length }, 'xero disconnected');
  return affectedAccountIds;
}

/** Enables `currency` in the organisation when its plan allows; answers its currencies. */
export async function enableCurrency(s: RelayDeps, row: ConnectionRow, currency: string): Promise<string[]> {
  const org = await organisationFacts(s, row);
  if (org.currencies.includes(currency)) return org.currencies;
  if (!org.multiCurrency) {
    throw new DomainError(
      'plan_lacks_multicurrency',
      `${org.name}'s Xero plan does not include multi-currency, so ${currency} cannot be added. Upgrade the plan in Xero or post in ${org.baseCurrency}.`,
    );
  }
  try {
    await xeroCall(
      s,
      row,
      'currencies.create',
      (token, signal) => s.xero.enableCurrency(token, row.tenant_id, currency, { signal }),
      whilePersonWaits(),
    );
  } finally {
    // Whatever Xero answered (a timeout may still have enabled it), read afresh next time.
    s.factsCache.forget(row.tenant_id);
    s.booksCache.forget(row.tenant_id);
  }
  return [...org.currencies, currency].sort();
}
