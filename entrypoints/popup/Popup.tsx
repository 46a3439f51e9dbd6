import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { AccountList } from '@/components/AccountList';
import { CreateAccountForm } from '@/components/CreateAccountForm';
import { PageStatus } from '@/components/PageStatus';
import { sendMessage } from '@/lib/message-client';
import type { PageContext } from '@/lib/page-context';
import type { Account } from '@/lib/records';

const send = (m: unknown) => browser.runtime.sendMessage(m);

export function Popup() {
  const [accounts, setAccounts] = useState<Account[] | null>(null);
  const [context, setContext] = useState<PageContext | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);

  const refresh = async () => {
    try {
      setAccounts(await sendMessage(send, 'account/list', {}));
      setLoadError(null);
    } catch (e) {
      setLoadError(e instanceof Error ? e.message : String(e));
    }
  };

  useEffect(() => {
    void refresh();
    void sendMessage(send, 'page/current', {})
      .then((r) => setContext(r.context))
      .catch(() => setContext(null));
  }, []);

  return (
    <main class="popup">
      <h1>Settlebridge</h1>
      <PageStatus context={context} />
      {loadError && (
        <p class="error" role="alert">
          {loadError}
        </p>
      )}
      {accounts ? <AccountList accounts={accounts} /> : <p aria-busy="true">Loading accounts…</p>}
      <CreateAccountForm
        onCreate={async (values) => {
          await sendMessage(send, 'account/create', values);
          await refresh();
        }}
      />
    </main>
  );
}
