import { useEffect, useMemo, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { AccountSwitcher, type SwitcherItem } from '@/components/AccountSwitcher';
import { CreateAccountWizard, type OrganisationChoice } from '@/components/CreateAccountWizard';
import { PageStatus } from '@/components/PageStatus';
import { ProblemLine } from '@/components/ProblemLine';
import { RelayDefaultNotice } from '@/components/RelayDefaultNotice';
import { accountXeroStatus } from '@/lib/account-status';
import { errorMessage } from '@/lib/errors';
import { t } from '@/lib/i18n';
import { marketplaceByCode } from '@/lib/marketplaces';
import { sendMessage } from '@/lib/message-client';
import type { MessageOutput } from '@/lib/messages';
import { type PopupSnapshot, writePopupSnapshot } from '@/lib/popup-snapshot';
import type { Account } from '@/lib/record-schemas';
import { sendToBackground as send } from '@/lib/send-to-background';
import type { SettingsView } from '@/lib/settings';

type State = MessageOutput<'popup/state'>;
type View =
  | { kind: 'switcher' }
  | { kind: 'wizard'; account?: Account; pendingChoices?: readonly OrganisationChoice[] };

/** True when this page is the toolbar popup rather than the same page opened in a tab. */
const isToolbarPopup = () => browser.extension.getViews({ type: 'popup' }).includes(window);

export interface PopupProps {
  /** The last known list (lib/popup-snapshot.ts), drawn as updating until `popup/state` answers. */
  snapshot?: PopupSnapshot | null;
  /** Where the fresh list is kept for the next popup; none in tests that do not need it. */
  snapshotStorage?: Pick<Storage, 'setItem'>;
}

export function Popup({ snapshot = null, snapshotStorage }: PopupProps = {}) {
  const [state, setState] = useState<State | null>(null);
  const [view, setView] = useState<View>({ kind: 'switcher' });
  const [message, setMessage] = useState<{ text: string; isError: boolean } | null>(null);
  const [problems, setProblems] = useState<MessageOutput<'history/summary'> | null>(null);
  const [settings, setSettings] = useState<SettingsView | null>(null);

  const refresh = async () => {
    try {
      const fresh = await sendMessage(send, 'popup/state', {});
      setState(fresh);
      // After this render is painted: serialising a long list is not the user's wait.
      setTimeout(() => writePopupSnapshot(snapshotStorage, fresh), 0);
    } catch (e) {
      setMessage({ text: errorMessage(e), isError: true });
    }
  };

  useEffect(() => {
    void refresh();
    sendMessage(send, 'history/summary', {}).then(setProblems);
    sendMessage(send, 'settings/get', {})
      .then(setSettings)
      .catch(() => {});
  }, []);

  const openSettlements = async () => {
    await browser.tabs.create({ url: browser.runtime.getURL('/settlements.html') });
    if (isToolbarPopup()) window.close();
  };

  // Until the background answers, the snapshot's list stands in, marked as updating. An
  // empty snapshot is not shown: "No accounts yet" must only ever come from fresh state.
  const isUpdating = !state && snapshot !== null && snapshot.accounts.length > 0;
  const shown = state ?? (isUpdating ? snapshot : null);
  const items = useMemo<SwitcherItem[]>(() => {
    if (!shown) return [];
    const accounts = new Map(shown.accounts.map((a) => [a.id, a]));
    const connections = new Map(shown.connections.map((c) => [c.id, c]));
    return shown.accounts.map((account) => ({
      account,
      status: accountXeroStatus(account, connections, accounts),
      isActive: account.id === shown.activeAccountId,
    }));
  }, [shown]);

  const choose = async (account: Account) => {
    const status = items.find((i) => i.account.id === account.id)?.status;
    if (status?.kind === 'choose_organisation') {
      setView({ kind: 'wizard', account, pendingChoices: status.choices });
      return;
    }
    if (!account.merchantId) {
      setView({ kind: 'wizard', account });
      return;
    }
    try {
      await sendMessage(send, 'account/switch', { accountId: account.id });
      setMessage({ text: t('popup.switching', { name: account.name }), isError: false });
      if (isToolbarPopup()) window.close();
    } catch (e) {
      setMessage({ text: errorMessage(e), isError: true });
    }
  };

  return (
    <main class="popup">
      <h1>Settlebridge</h1>
      <PageStatus context={state?.context ?? null} />
      <ProblemLine
        summary={problems}
        href={browser.runtime.getURL('/settlements.html')}
        onOpen={() => void openSettlements()}
      />
      <RelayDefaultNotice settings={settings} />
      {message && (
        <p class={message.isError ? 'error' : 'status'} role={message.isError ? 'alert' : 'status'}>
          {message.text}
        </p>
      )}
      {view.kind === 'switcher' && (
        <>
          {!shown && <p aria-busy="true">{t('popup.loading')}</p>}
          {state && state.accounts.length === 0 && (
            <div class="empty" data-testid="accounts-empty">
              <p>
                <strong>{t('popup.emptyTitle')}</strong>
              </p>
              <p>{t('popup.emptyBody')}</p>
            </div>
          )}
          {shown && shown.accounts.length > 0 && (
            <AccountSwitcher
              items={items}
              isUpdating={isUpdating}
              onChoose={choose}
              onEscape={() => isToolbarPopup() && window.close()}
            />
          )}
          <div class="actions">
            <button type="button" class="primary" onClick={() => setView({ kind: 'wizard' })}>
              {t('popup.createAccount')}
            </button>
            <button type="button" onClick={() => browser.runtime.openOptionsPage()}>
              {t('popup.openSettings')}
            </button>
          </div>
        </>
      )}
      {view.kind === 'wizard' && (
        <CreateAccountWizard
          {...(view.account ? { account: view.account } : {})}
          {...(view.pendingChoices ? { pendingChoices: view.pendingChoices } : {})}
          shareCandidates={(accountId) =>
            items
              .filter(
                (i) =>
                  i.account.id !== accountId && (i.status.kind === 'connected' || i.status.kind === 'shared'),
              )
              .map((i) => ({
                account: i.account,
                organisationName: 'organisationName' in i.status ? i.status.organisationName : '',
              }))
          }
          onOpenBooksSetup={(accountId) =>
            void browser.tabs.create({ url: browser.runtime.getURL(`/options.html#books=${accountId}`) })
          }
          onCreate={async (values) => {
            const account = await sendMessage(send, 'account/create', values);
            await refresh();
            return account;
          }}
          onConnect={async (accountId) => {
            const answer = await sendMessage(send, 'xero/connect', { accountId });
            await refresh();
            return answer;
          }}
          onChooseOrganisation={async (accountId, tenantId) => {
            const chosen = await sendMessage(send, 'xero/choose-tenant', { accountId, tenantId });
            await refresh();
            return chosen;
          }}
          onShare={async (accountId, fromAccountId) => {
            await sendMessage(send, 'xero/share', { accountId, fromAccountId });
            await refresh();
          }}
          onCheckCurrency={(accountId) => sendMessage(send, 'xero/currency', { accountId })}
          onEnableCurrency={(accountId) => sendMessage(send, 'xero/enable-currency', { accountId })}
          onOpenSellerCentral={(account) => {
            const market = marketplaceByCode(account.marketplace);
            if (market) void browser.tabs.create({ url: `https://${market.host}/home` });
          }}
          onBindAmazon={async (accountId) => {
            const account = await sendMessage(send, 'account/bind-amazon', { accountId });
            await refresh();
            return account;
          }}
          onDone={() => {
            setView({ kind: 'switcher' });
            void refresh();
          }}
        />
      )}
    </main>
  );
}
