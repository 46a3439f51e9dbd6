import { useState } from 'preact/hooks';
import { errorMessage } from '@/lib/errors';
import { t } from '@/lib/i18n';
import type { Account } from '@/lib/record-schemas';
import { decodeSettlementBytes } from '@/lib/settlement/parse';
import type { SettlementView } from '@/lib/views';
import { SettlementPreview } from './in-page/SettlementPreview';
import { IN_PAGE_CSS } from './in-page/styles';

export interface SettlementImportProps {
  accounts: readonly Account[];
  onImport(accountId: string, text: string): Promise<SettlementView>;
  onSend(settlementKey: string): Promise<SettlementView>;
  onMapAccount(settlementKey: string, key: string, accountCode: string): Promise<SettlementView>;
}

const MAX_BYTES = 48 * 1024 * 1024;

/** "Import settlement file": a V2 flat file downloaded by hand, previewed, then sent. */
export function SettlementImport({ accounts, onImport, onSend, onMapAccount }: SettlementImportProps) {
  const [chosenId, setAccountId] = useState('');
  // Accounts arrive after the first render: until one is chosen, the first one is meant.
  const accountId = chosenId || accounts[0]?.id || '';
  const [view, setView] = useState<SettlementView | null>(null);
  const [message, setMessage] = useState<{ text: string; isError: boolean } | null>(null);
  const [isOver, setOver] = useState(false);

  const read = async (file: File | undefined) => {
    if (!file) return;
    setMessage(null);
    if (file.size > MAX_BYTES) {
      setMessage({ text: t('import.tooLarge', { name: file.name }), isError: true });
      return;
    }
    try {
      // Bytes, not file.text(): Excel's "Unicode Text" is UTF-16 and older saves are Windows-1252.
      const decoded = decodeSettlementBytes(new Uint8Array(await file.arrayBuffer()));
      if (!decoded.ok) {
        setMessage({ text: decoded.error.message, isError: true });
        return;
      }
      setView(await onImport(accountId, decoded.value));
    } catch (e) {
      setMessage({ text: errorMessage(e), isError: true });
    }
  };

  if (accounts.length === 0) return <p class="empty">{t('import.noAccounts')}</p>;
  return (
    <div>
      <label>
        {t('history.col.account')}{' '}
        <select value={accountId} onChange={(e) => setAccountId(e.currentTarget.value)} name="import-account">
          {accounts.map((a) => (
            <option key={a.id} value={a.id}>
              {a.name} ({a.marketplace}, {a.currency})
            </option>
          ))}
        </select>
      </label>
      <label
        class={`dropzone${isOver ? ' is-over' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => {
          e.preventDefault();
          setOver(false);
          void read(e.dataTransfer?.files[0]);
        }}
      >
        {t('import.drop')}
        <input
          type="file"
          accept=".txt,.tsv,.csv,text/plain,text/tab-separated-values"
          data-testid="settlement-import"
          onChange={(e) => {
            const file = e.currentTarget.files?.[0];
            e.currentTarget.value = '';
            void read(file);
          }}
        />
      </label>
      {message && (
        <p class={message.isError ? 'error' : 'status'} role={message.isError ? 'alert' : 'status'}>
          {message.text}
        </p>
      )}
      {view && (
        <>
          <style>{IN_PAGE_CSS}</style>
          <SettlementPreview
            views={[view]}
            onCancel={() => setView(null)}
            onSend={async () => {
              const sent = await onSend(view.settlementKey);
              setView(null);
              setMessage({ text: t('history.onItsWay', { id: sent.settlementId }), isError: false });
            }}
            onMapAccount={async (settlementKey, key, code) =>
              setView(await onMapAccount(settlementKey, key, code))
            }
          />
        </>
      )}
    </div>
  );
}
