/**
 * The Xero connections list, disconnect and reconnect, from the background. Shares the relay
 * calls and the sign-in window with the `xero/*` handlers (./xero.ts).
 */
import { AppError } from '../errors';
import { t } from '../i18n';
import type { Handlers } from '../messages';
import { relayErrorOf } from '../relay-error-text';
import { createXeroLink, type XeroDeps } from './xero';

type ConnectionHandlers = Pick<
  Handlers,
  'connection/list' | 'connection/disconnect' | 'connection/reconnect'
>;

export function createConnectionHandlers(deps: XeroDeps): ConnectionHandlers {
  const { db } = deps;
  const { withRelay, syncConnections, authorise, now } = createXeroLink(deps);

  return {
    'connection/list': async ({ check }) => {
      let stale: string | undefined;
      try {
        const relay = await deps.relay();
        if (check) {
          // Asking Xero for the organisation is how a disconnect made inside Xero shows up:
          // the relay answers needs_reconnect and marks the connection for every account.
          const accounts = await db.accounts.toArray();
          const local = await db.xeroConnections.toArray();
          await Promise.all(
            local
              .filter((c) => c.status === 'connected')
              .map(async (c) => {
                const user = accounts.find((a) => a.xeroConnectionId === c.id);
                if (!user) return;
                await relay
                  .organisation({ connectionId: c.id, accountId: user.id, refresh: true })
                  .catch(() => undefined);
              }),
          );
        }
        await syncConnections(await relay.listConnections());
      } catch (error) {
        stale = t('connections.stale', { detail: relayErrorOf(error) });
      }
      const [connections, accounts] = await Promise.all([
        db.xeroConnections.toArray(),
        db.accounts.toArray(),
      ]);
      return {
        connections: connections.map((c) => ({
          ...c,
          accountIds: accounts.filter((a) => a.xeroConnectionId === c.id).map((a) => a.id),
        })),
        ...(stale ? { stale } : {}),
      };
    },

    'connection/disconnect': async ({ connectionId }) => {
      const result = await withRelay('disconnect', (r) => r.disconnect({ connectionId }), connectionId);
      const affected = await db.transaction('rw', db.accounts, db.xeroConnections, async () => {
        const users = await db.accounts.where('xeroConnectionId').equals(connectionId).toArray();
        for (const a of users) {
          await db.accounts.update(a.id, {
            xeroConnectionId: undefined,
            sharedFromAccountId: undefined,
            updatedAt: now(),
          });
        }
        await db.xeroConnections.delete(connectionId);
        return users.map((a) => a.id);
      });
      return { affectedAccountIds: [...new Set([...affected, ...result.affectedAccountIds])] };
    },

    'connection/reconnect': async ({ connectionId }) => {
      const user = await db.accounts.where('xeroConnectionId').equals(connectionId).first();
      if (!user) throw new AppError('not_found', t('errors.connectionUnused'));
      const relayCode = await authorise(user.id, connectionId);
      const redeemed = await withRelay('finishReconnect', (r) => r.redeem({ relayCode }));
      if (redeemed.connectionId !== connectionId) {
        throw new AppError('relay_error', t('errors.relayNewConnection'));
      }
      await syncConnections(await withRelay('readConnection', (r) => r.listConnections()));
      const connection = await db.xeroConnections.get(connectionId);
      if (connection?.status === 'connected') await deps.onReconnected?.(connectionId);
      return { status: connection?.status ?? 'disconnected' };
    },
  };
}
