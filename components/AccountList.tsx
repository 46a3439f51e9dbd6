import type { Account } from '@/lib/records';

export interface AccountListProps {
  accounts: readonly Account[];
}

export function AccountList({ accounts }: AccountListProps) {
  if (accounts.length === 0) {
    return (
      <div class="empty" data-testid="accounts-empty">
        <p>
          <strong>No accounts yet.</strong>
        </p>
        <p>
          Create one account for each Amazon seller account or marketplace you sell in. Then connect the first
          one to Xero; the others can share that connection.
        </p>
      </div>
    );
  }
  return (
    <ul class="accounts" aria-label="Your Amazon accounts" data-testid="accounts">
      {accounts.map((account) => (
        <li key={account.id} class="account" data-account-id={account.id}>
          <span class="account-name">{account.name}</span>
          <span class="account-market" title={`Marketplace ${account.marketplace}`}>
            {account.marketplace}
          </span>
          <span class="account-currency">{account.currency}</span>
        </li>
      ))}
    </ul>
  );
}
