// The extension-origin confirmation for sends started on a Seller Central page: the page
// only asked for this window (settlement/confirm); what is sent, and any account mapping
// change, is decided here, where the page's scripts cannot reach (lib/messages.ts header).
import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { SettlementPreview } from '@/components/in-page/SettlementPreview';
import { IN_PAGE_CSS } from '@/components/in-page/styles';
import type { SettlementView } from '@/lib/background/settlements';
import { t, tp } from '@/lib/i18n';
import { sendMessage } from '@/lib/message-client';

const send = (m: unknown) => browser.runtime.sendMessage(m);

export function keysFromHash(hash: string): string[] {
  try {
    const parsed: unknown = JSON.parse(decodeURIComponent(hash.replace(/^#/, '')));
    return Array.isArray(parsed) ? parsed.filter((k): k is string => typeof k === 'string').slice(0, 50) : [];
  } catch {
    return [];
  }
}

export function Confirm({ settlementKeys }: { settlementKeys: string[] }) {
  const [views, setViews] = useState<SettlementView[] | null>(null);
  const [message, setMessage] = useState<{ text: string; isError: boolean } | null>(null);

  useEffect(() => {
    Promise.all(
      settlementKeys.map((settlementKey) => sendMessage(send, 'settlement/preview', { settlementKey })),
    )
      .then(setViews)
      .catch((e: unknown) => setMessage({ text: e instanceof Error ? e.message : String(e), isError: true }));
  }, []);

  if (settlementKeys.length === 0) {
    return (
      <main>
        <p class="error" role="alert">
          {t('confirm.none')}
        </p>
      </main>
    );
  }
  return (
    <main data-testid="sb-confirm">
      <style>{IN_PAGE_CSS}</style>
      {message && (
        <p class={message.isError ? 'error' : 'status'} role={message.isError ? 'alert' : 'status'}>
          {message.text}
        </p>
      )}
      {!views && !message && <p aria-busy="true">{t('confirm.preparing')}</p>}
      {views && (
        <SettlementPreview
          views={views}
          onCancel={() => window.close()}
          onSend={async () => {
            for (const v of views)
              await sendMessage(send, 'settlement/send', { settlementKey: v.settlementKey });
            setViews(null);
            setMessage({
              text: tp('confirm.onTheWay', views.length),
              isError: false,
            });
            setTimeout(() => window.close(), 1500);
          }}
          onMapAccount={async (settlementKey, key, accountCode) => {
            const updated = await sendMessage(send, 'mapping/set-account', {
              settlementKey,
              key,
              accountCode,
            });
            setViews((vs) => vs?.map((v) => (v.settlementKey === settlementKey ? updated : v)) ?? vs);
          }}
        />
      )}
    </main>
  );
}
