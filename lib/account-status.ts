import { t } from './i18n';
import type { Account, XeroConnection } from './record-schemas';

export type AccountXeroStatus =
  | { kind: 'not_connected' }
  | { kind: 'connected'; organisationName: string }
  | { kind: 'shared'; organisationName: string; fromAccountName: string }
  | { kind: 'needs_reconnect'; organisationName: string }
  | { kind: 'choose_organisation'; choices: readonly { tenantId: string; name: string }[] };

/** How an account stands with Xero, as the switcher and the options page show it. */
export function accountXeroStatus(
  account: Account,
  connections: ReadonlyMap<string, XeroConnection>,
  accounts: ReadonlyMap<string, Account>,
): AccountXeroStatus {
  const connection = account.xeroConnectionId ? connections.get(account.xeroConnectionId) : undefined;
  if (!connection || connection.status === 'disconnected') return { kind: 'not_connected' };
  const organisationName = connection.organisationName;
  if (connection.status === 'needs_reconnect') return { kind: 'needs_reconnect', organisationName };
  if (connection.chooseFrom) return { kind: 'choose_organisation', choices: connection.chooseFrom };
  const from = account.sharedFromAccountId ? accounts.get(account.sharedFromAccountId) : undefined;
  return from
    ? { kind: 'shared', organisationName, fromAccountName: from.name }
    : { kind: 'connected', organisationName };
}

export function describeXeroStatus(status: AccountXeroStatus): string {
  switch (status.kind) {
    case 'not_connected':
      return t('xeroStatus.notConnected');
    case 'connected':
      return t('xeroStatus.connected', { org: status.organisationName });
    case 'shared':
      return t('xeroStatus.shared', { org: status.organisationName, from: status.fromAccountName });
    case 'needs_reconnect':
      return t('xeroStatus.needsReconnect', { org: status.organisationName });
    case 'choose_organisation':
      return t('xeroStatus.chooseOrganisation');
  }
}
