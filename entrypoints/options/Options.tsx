import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { AccountList } from '@/components/AccountList';
import { sendMessage } from '@/lib/message-client';
import type { Account } from '@/lib/records';

const send = (m: unknown) => browser.runtime.sendMessage(m);

export function Options() {
  const [accounts, setAccounts] = useState<Account[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    sendMessage(send, 'account/list', {})
      .then(setAccounts)
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  }, []);

  return (
    <main>
      <h1>Settlebridge settings</h1>
      <section aria-labelledby="accounts-title">
        <h2 id="accounts-title">Accounts</h2>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        {accounts ? <AccountList accounts={accounts} /> : <p aria-busy="true">Loading…</p>}
      </section>
      <p class="muted">Settlebridge {browser.runtime.getManifest().version}</p>
    </main>
  );
}
