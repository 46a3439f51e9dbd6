// Who may use a connection, checked once for every route on it: the owner install, and for
// using it a granted account on a connection that still works. Reads what authentication
// already read for the request (`currentConnection`), so a check costs no extra store trip.
import type { Context } from 'hono';
import type { AppEnv, RelayDeps } from '../deps';
import { DomainError } from '../errors';
import type { ConnectionRow } from '../store/queries';
import { isDisconnected, needsReconnect, tenantNotChosen } from '../tokens';
import { currentConnection, isGranted } from './middleware';

const notGrantedToAccount = () =>
  new DomainError(
    'not_granted',
    'This Amazon account has not been given access to the Xero connection; use “Share Xero Access” first.',
  );

/**
 * How `usable` refuses an install that does not own the connection: `'install'` says so;
 * `'account'` gives the answer of an account without a grant (what submitting invoices has
 * always answered), so that route does not tell a stranger the connection is someone else's.
 */
export type StrangerRefusal = 'install' | 'account';

export function connectionAccess(s: Pick<RelayDeps, 'store'>) {
  /** The connection, when the calling install owns it. */
  async function owned(c: Context<AppEnv>, connectionId: string, stranger: StrangerRefusal = 'install') {
    const conn = await currentConnection(c, s, connectionId);
    if (!conn) throw new DomainError('not_found', 'That connection was not found.');
    if (conn.row.owner_install_id !== c.get('installId')) {
      throw stranger === 'account'
        ? notGrantedToAccount()
        : new DomainError('not_granted', 'This install has no access to that Xero connection.');
    }
    return conn;
  }

  /** Owner install and a granted account, on a connection that still works. */
  async function usable(
    c: Context<AppEnv>,
    connectionId: string,
    accountId: string,
    stranger: StrangerRefusal = 'install',
  ): Promise<ConnectionRow> {
    const conn = await owned(c, connectionId, stranger);
    const { row } = conn;
    if (!(await isGranted(s, conn, accountId))) throw notGrantedToAccount();
    if (row.status === 'needs_reconnect') throw needsReconnect();
    if (row.status === 'disconnected') throw isDisconnected();
    if (!row.tenant_chosen) throw tenantNotChosen();
    return row;
  }

  return { owned, usable };
}
