import { useEffect, useMemo, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { BooksSetup } from '@/components/BooksSetup';
import { ConnectionList } from '@/components/ConnectionList';
import { RelayDefaultNotice } from '@/components/RelayDefaultNotice';
import { SettlementImport } from '@/components/SettlementImport';
import { errorMessage } from '@/lib/errors';
import { LANGUAGE_STORAGE_KEY, LOCALE_NAMES, LOCALES, type Locale, storedChoice, t, tp } from '@/lib/i18n';
import { applyLocale } from '@/lib/i18n-load';
import { sendMessage } from '@/lib/message-client';
import type { MessageOutput } from '@/lib/messages';
import type { Account } from '@/lib/record-schemas';
import { sendToBackground as send } from '@/lib/send-to-background';
import type { SettingsView } from '@/lib/settings';

type NoticeArea = 'connections' | 'settings' | 'language' | 'backup';

export function Options() {
  const [accounts, setAccounts] = useState<Account[]>([]);
  const [connections, setConnections] = useState<MessageOutput<'connection/list'> | null>(null);
  const [relayUrl, setRelayUrl] = useState('');
  const [settings, setSettings] = useState<SettingsView | null>(null);
  // One line per section: a message in one section never replaces another section's.
  const [notices, setNotices] = useState<Partial<Record<NoticeArea, { text: string; isError: boolean }>>>({});
  const [language, setLanguage] = useState<Locale | ''>('');
  const say = (area: NoticeArea, text: string, isError = false) =>
    setNotices((all) => ({ ...all, [area]: { text, isError } }));

  const load = async (check = false) => {
    const [a, c] = await Promise.all([
      sendMessage(send, 'account/list', {}),
      sendMessage(send, 'connection/list', { check }),
    ]);
    setAccounts(a);
    setConnections(c);
  };

  useEffect(() => {
    browser.storage.local
      .get(LANGUAGE_STORAGE_KEY)
      .then((got) => setLanguage(storedChoice(got[LANGUAGE_STORAGE_KEY]) ?? ''))
      .catch(() => {});
    load(true).catch((e: unknown) => say('connections', errorMessage(e), true));
    sendMessage(send, 'settings/get', {})
      // Never overwrite what the user started typing before the stored value arrived.
      .then((s) => {
        setSettings(s);
        setRelayUrl((typed) => typed || s.relayUrl);
      })
      .catch(() => {});
  }, []);

  const byId = useMemo(() => new Map(accounts.map((a) => [a.id, a])), [accounts]);
  const noticeFor = (area: NoticeArea) => {
    const notice = notices[area];
    return (
      notice && (
        <p class={notice.isError ? 'error' : 'status'} role={notice.isError ? 'alert' : 'status'}>
          {notice.text}
        </p>
      )
    );
  };

  return (
    <main class="options">
      <h1>{t('options.title')}</h1>
      <p>
        <a href={browser.runtime.getURL('/settlements.html')}>{t('options.settlementsLink')}</a>
      </p>

      <section aria-labelledby="connections-title">
        <h2 id="connections-title">{t('options.connections')}</h2>
        {connections?.stale && <p class="notice notice--warning">{connections.stale}</p>}
        {noticeFor('connections')}
        {connections ? (
          <ConnectionList
            connections={connections.connections}
            accounts={byId}
            onReconnect={async (connectionId) => {
              await sendMessage(send, 'connection/reconnect', { connectionId });
              await load();
              say('connections', t('options.reconnected'));
            }}
            onDisconnect={async (connectionId) => {
              const { affectedAccountIds } = await sendMessage(send, 'connection/disconnect', {
                connectionId,
              });
              await load();
              say('connections', tp('options.disconnected', affectedAccountIds.length));
            }}
          />
        ) : (
          <p aria-busy="true">{t('options.checking')}</p>
        )}
      </section>

      <section aria-labelledby="books-title" id="books">
        <h2 id="books-title">{t('options.books')}</h2>
        <p>{t('options.booksBody')}</p>
        <BooksSetup
          accounts={accounts.filter((a) => a.xeroConnectionId)}
          initialAccountId={new URLSearchParams(location.hash.slice(1)).get('books') ?? undefined}
          load={(accountId, refresh) => sendMessage(send, 'books/load', { accountId, refresh })}
          createAccounts={(accountId, list) =>
            sendMessage(send, 'books/create-accounts', { accountId, accounts: list })
          }
          save={(accountId, groups, tracking) =>
            sendMessage(send, 'books/save', { accountId, groups: groups as Record<string, never>, tracking })
          }
        />
      </section>

      <section aria-labelledby="settings-title">
        <h2 id="settings-title">{t('options.relay')}</h2>
        <form
          onSubmit={async (e) => {
            e.preventDefault();
            try {
              const saved = await sendMessage(send, 'settings/set', { relayUrl });
              setRelayUrl(saved.relayUrl);
              setSettings(saved);
              say('settings', t('options.saved'));
            } catch (error) {
              say('settings', errorMessage(error), true);
              return;
            }
            // The address is saved whatever the new relay answers: a failed check belongs to
            // the connections it checked, not to the save.
            await load(true).catch((e: unknown) => say('connections', errorMessage(e), true));
          }}
        >
          <label>
            {t('options.relayAddress')}
            <input
              name="relayUrl"
              type="url"
              value={relayUrl}
              required
              onInput={(e) => setRelayUrl(e.currentTarget.value)}
            />
          </label>
          <button type="submit">{t('common.save')}</button>
          <RelayDefaultNotice settings={settings} />
          {noticeFor('settings')}
        </form>
      </section>

      <section aria-labelledby="language-title">
        <h2 id="language-title">{t('options.language')}</h2>
        <label>
          {t('options.languageLabel')}{' '}
          <select
            name="language"
            value={language}
            onChange={async (e) => {
              const choice = storedChoice(e.currentTarget.value);
              try {
                if (choice) await browser.storage.local.set({ [LANGUAGE_STORAGE_KEY]: choice });
                else await browser.storage.local.remove(LANGUAGE_STORAGE_KEY);
                await applyLocale(choice, localStorage);
                setLanguage(choice ?? '');
                say('language', t('options.languageSaved'));
              } catch (error) {
                say('language', errorMessage(error), true);
              }
            }}
          >
            <option value="">{t('options.languageBrowser')}</option>
            {LOCALES.map((code) => (
              <option key={code} value={code} lang={code}>
                {LOCALE_NAMES[code]}
              </option>
            ))}
          </select>
        </label>
        {noticeFor('language')}
      </section>

      <section aria-labelledby="import-title">
        <h2 id="import-title">{t('options.import')}</h2>
        <SettlementImport
          accounts={accounts}
          onImport={(accountId, text) => sendMessage(send, 'settlement/import', { accountId, text })}
          onSend={(settlementKey) => sendMessage(send, 'settlement/send', { settlementKey })}
          onMapAccount={(settlementKey, key, accountCode) =>
            sendMessage(send, 'mapping/set-account', { settlementKey, key, accountCode })
          }
        />
      </section>

      <section aria-labelledby="backup-title">
        <h2 id="backup-title">{t('options.backup')}</h2>
        <p>{t('options.backupBody')}</p>
        <div class="actions">
          <button
            type="button"
            onClick={async () => {
              const doc = await sendMessage(send, 'backup/export', {});
              const blob = new Blob([JSON.stringify(doc, null, 2)], { type: 'application/json' });
              const a = document.createElement('a');
              a.href = URL.createObjectURL(blob);
              a.download = `settlebridge-backup-${new Date().toISOString().slice(0, 10)}.json`;
              a.click();
              URL.revokeObjectURL(a.href);
            }}
          >
            {t('options.exportBackup')}
          </button>
          <label class="file-button">
            {t('options.importBackup')}
            <input
              type="file"
              accept="application/json,.json"
              data-testid="backup-import"
              onChange={async (e) => {
                const file = e.currentTarget.files?.[0];
                e.currentTarget.value = '';
                if (!file) return;
                let document: unknown;
                try {
                  document = JSON.parse(await file.text());
                } catch {
                  say('backup', t('options.notJson', { name: file.name }), true);
                  return;
                }
                try {
                  const counts = await sendMessage(send, 'backup/import', { document });
                  await load();
                  say(
                    'backup',
                    t('options.imported', {
                      accounts: tp('options.importedAccounts', counts.accounts),
                      connections: tp('options.importedConnections', counts.connections),
                      mappings: tp('options.importedMappings', counts.mappings),
                    }),
                  );
                } catch (error) {
                  say('backup', errorMessage(error), true);
                }
              }}
            />
          </label>
        </div>
        {noticeFor('backup')}
      </section>
      <p class="muted">Settlebridge {browser.runtime.getManifest().version}</p>
    </main>
  );
}
