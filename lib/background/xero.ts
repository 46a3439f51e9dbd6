/**
 * Xero connection flows, from the background. The relay does every Xero call and owns the
 * tokens; this module only keeps metadata (which connection an account uses, its status)
 * and drives the browser's web-auth window.
 */
import { type CurrencyCheck, checkCurrency } from '../currency-check';
import type { SettlebridgeDb } from '../db';
import { AppError } from '../errors';
import { type Params, t } from '../i18n';
import type { Handlers } from '../messages';
import type { Account, XeroConnection } from '../record-schemas';
import type { Connection } from '../relay-api';
import { type RelayStep, relayStepFailed } from '../relay-error-text';
import type { Clock } from './clock';
import type { RelayPort, WebAuthFlow } from './relay-port';

export interface XeroDeps {
  db: SettlebridgeDb;
  relay: () => Promise<RelayPort>;
  webAuthFlow: WebAuthFlow;
  /** Where the relay sends the browser back to (identity.getRedirectURL()). */
  returnUrl: () => string;
  clock: Clock;
  /** Called once a connection is usable again, so parked sends can resume. */
  onReconnected?: (connectionId: string) => Promise<void>;
}

type XeroHandlers = Pick<
  Handlers,
  'xero/connect' | 'xero/choose-tenant' | 'xero/share' | 'xero/currency' | 'xero/enable-currency'
>;

const relayErrorCode = (e: unknown): string | undefined =>
  typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? e.code : undefined;

/**
 * What the `xero/*` and `connection/*` handlers share: relay calls with errors a seller can
 * act on, the local connection records kept in line with the relay's, and the sign-in window.
 */
export function createXeroLink(deps: XeroDeps) {
  const { db } = deps;
  const now = () => deps.clock.now();

  const getAccount = async (accountId: string): Promise<Account> => {
    const account = await db.accounts.get(accountId);
    if (!account) throw new AppError('not_found', t('errors.accountGone'));
    return account;
  };

  /** Calls the relay, turning its errors into messages a seller can act on. */
  async function withRelay<T>(
    step: RelayStep,
    fn: (relay: RelayPort) => Promise<T>,
    connectionId?: string,
    params?: Params,
  ) {
    let relay: RelayPort;
    try {
      relay = await deps.relay();
      return await fn(relay);
    } catch (error) {
      if (error instanceof AppError) throw error;
      const code = relayErrorCode(error) ?? 'relay_error';
      if (code === 'needs_reconnect' && connectionId) {
        await db.xeroConnections.update(connectionId, { status: 'needs_reconnect', updatedAt: now() });
      }
      const advice =
        code === 'network_error'
          ? ` ${t('relay.advice.network')}`
          : code === 'needs_reconnect'
            ? ` ${t('relay.advice.reconnect')}`
            : '';
      throw new AppError(code, `${relayStepFailed(step, error, params)}${advice}`);
    }
  }

  const toLocal = (c: Connection, previous?: XeroConnection): XeroConnection => ({
    id: c.id,
    tenantId: c.tenantId,
    organisationName: c.organisationName,
    status: c.status,
    ...(previous?.baseCurrency ? { baseCurrency: previous.baseCurrency } : {}),
    ...(c.chooseFrom ? { chooseFrom: c.chooseFrom } : {}),
    updatedAt: now(),
  });

  /** Brings local connection records in line with the relay's view. */
  async function syncConnections(relayConnections: Connection[]) {
    await db.transaction('rw', db.xeroConnections, async () => {
      for (const c of relayConnections) {
        await db.xeroConnections.put(toLocal(c, await db.xeroConnections.get(c.id)));
      }
    });
  }

  /** Runs the relay's OAuth round trip in the browser's auth window; returns the relay code. */
  async function authorise(accountId: string, connectionId?: string): Promise<string> {
    const { authorizeUrl, launchUrl } = await withRelay('startConnect', (r) =>
      r.startConnect({ accountId, returnUrl: deps.returnUrl(), ...(connectionId ? { connectionId } : {}) }),
    );
    let finalUrl: string;
    try {
      // The relay's launch URL, in every browser: Firefox's launchWebAuthFlow rejects Xero's
      // own URL outright, because its redirect_uri (the relay's callback) is not the
      // extension's redirect URL (docs/firefox.md).
      finalUrl = await deps.webAuthFlow(launchUrl ?? authorizeUrl);
    } catch {
      throw new AppError('cancelled', t('errors.xeroWindowClosed'));
    }
    const params = new URL(finalUrl).searchParams;
    const error = params.get('error');
    if (error) {
      const why =
        error === 'access_denied' ? t('errors.accessNotAllowed') : (params.get('error_description') ?? error);
      throw new AppError('consent_cancelled', t('errors.consentCancelled', { why }));
    }
    const relayCode = params.get('relay_code');
    if (!relayCode) throw new AppError('relay_error', t('errors.relayNoConnection'));
    return relayCode;
  }

  return { getAccount, withRelay, syncConnections, authorise, now };
}

export function createXeroHandlers(deps: XeroDeps): XeroHandlers {
  const { db } = deps;
  const { getAccount, withRelay, syncConnections, authorise, now } = createXeroLink(deps);

  return {
    'xero/connect': async ({ accountId }) => {
      await getAccount(accountId);
      const relayCode = await authorise(accountId);
      const redeemed = await withRelay('finishConnect', (r) => r.redeem({ relayCode }));
      const connections = await withRelay('readConnection', (r) => r.listConnections());
      await syncConnections(connections);
      await db.accounts.update(accountId, {
        xeroConnectionId: redeemed.connectionId,
        sharedFromAccountId: undefined,
        updatedAt: now(),
      });
      const connection = await db.xeroConnections.get(redeemed.connectionId);
      return {
        connectionId: redeemed.connectionId,
        organisationName: connection?.organisationName ?? redeemed.tenants[0]?.name ?? 'Xero',
        ...(redeemed.tenantChosen ? {} : { chooseFrom: redeemed.tenants }),
      };
    },

    'xero/choose-tenant': async ({ accountId, tenantId }) => {
      const account = await getAccount(accountId);
      const connectionId = account.xeroConnectionId;
      if (!connectionId)
        throw new AppError('not_connected', t('errors.notConnectedYet', { name: account.name }));
      const chosen = await withRelay(
        'chooseOrganisation',
        (r) => r.chooseTenant({ connectionId, tenantId }),
        connectionId,
      );
      await syncConnections(await withRelay('readConnection', (r) => r.listConnections()));
      // Choosing an organisation this browser already had connected renews that connection:
      // the account follows it.
      if (chosen.connectionId !== connectionId) {
        await db.accounts.update(account.id, { xeroConnectionId: chosen.connectionId, updatedAt: now() });
      }
      return { connectionId: chosen.connectionId, organisationName: chosen.organisationName };
    },

    'xero/share': async ({ accountId, fromAccountId }) => {
      if (accountId === fromAccountId) {
        throw new AppError('invalid_input', t('errors.chooseOtherAccount'));
      }
      const [account, from] = await Promise.all([getAccount(accountId), getAccount(fromAccountId)]);
      const connection = from.xeroConnectionId
        ? await db.xeroConnections.get(from.xeroConnectionId)
        : undefined;
      if (!connection || connection.status === 'disconnected') {
        throw new AppError('not_connected', t('errors.nothingToShare', { name: from.name }));
      }
      if (connection.status === 'needs_reconnect') {
        throw new AppError('needs_reconnect', t('errors.shareNeedsReconnect', { name: from.name }));
      }
      await withRelay(
        'share',
        (r) => r.grant({ connectionId: connection.id, accountIds: [account.id] }),
        connection.id,
      );
      await db.accounts.update(account.id, {
        xeroConnectionId: connection.id,
        sharedFromAccountId: from.id,
        updatedAt: now(),
      });
      return { connectionId: connection.id, organisationName: connection.organisationName };
    },

    'xero/currency': async ({ accountId }) => {
      const account = await getAccount(accountId);
      const connectionId = account.xeroConnectionId;
      if (!connectionId)
        throw new AppError('not_connected', t('errors.notConnectedYet', { name: account.name }));
      const org = await withRelay(
        'readOrganisation',
        (r) => r.organisation({ connectionId, accountId }),
        connectionId,
      );
      await db.xeroConnections.update(connectionId, { baseCurrency: org.baseCurrency, updatedAt: now() });
      return checkCurrency(account.currency, org) satisfies CurrencyCheck;
    },

    'xero/enable-currency': async ({ accountId }) => {
      const account = await getAccount(accountId);
      const connectionId = account.xeroConnectionId;
      if (!connectionId)
        throw new AppError('not_connected', t('errors.notConnectedYet', { name: account.name }));
      await withRelay(
        'enableCurrency',
        (r) => r.enableCurrency({ connectionId, accountId, currency: account.currency }),
        connectionId,
        { currency: account.currency },
      );
      const org = await withRelay(
        'readOrganisation',
        (r) => r.organisation({ connectionId, accountId }),
        connectionId,
      );
      return checkCurrency(account.currency, org);
    },
  };
}
