// The extension-origin confirmation for sends started on a Seller Central page: the page
// only asked for this window (settlement/confirm); what is sent, and any account mapping
// change, is decided here, where the page's scripts cannot reach (lib/messages.ts header).
import { useEffect, useRef, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { SettlementPreview } from '@/components/in-page/SettlementPreview';
import { IN_PAGE_CSS } from '@/components/in-page/styles';
import { errorMessage } from '@/lib/errors';
import { t, tp } from '@/lib/i18n';
import { sendMessage } from '@/lib/message-client';
import { sendToBackground as send } from '@/lib/send-to-background';
import type { BooksCheckResult, SettlementView } from '@/lib/views';

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
  const [checks, setChecks] = useState<BooksCheckResult[] | null>(null);

  const pending = useRef<Promise<BooksCheckResult[] | undefined>>(Promise.resolve(undefined));
  const runChecks = () => {
    pending.current = Promise.all(
      settlementKeys.map((settlementKey) => sendMessage(send, 'books/check', { settlementKey })),
    )
      .then((result) => {
        setChecks(result);
        return result;
      })
      .catch((e: unknown) => {
        setMessage({ text: errorMessage(e), isError: true });
        return undefined;
      });
    return pending.current;
  };

  useEffect(() => {
    Promise.all(
      settlementKeys.map((settlementKey) => sendMessage(send, 'settlement/preview', { settlementKey })),
    )
      .then(setViews)
      .then(runChecks)
      .catch((e: unknown) => setMessage({ text: errorMessage(e), isError: true }));
  }, []);
  const problems = checks?.flatMap((c) => c.problems.map((p) => ({ ...p, check: c }))) ?? [];

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
      {checks && <BooksCheck checks={checks} />}
      {problems.length > 0 && (
        <div class="error" role="alert" data-testid="books-refused">
          <p>{t('confirm.refused')}</p>
          <ul>
            {problems.map((p) => (
              <li key={`${p.invoiceNumber}-${p.message}`}>{p.message}</li>
            ))}
          </ul>
          <a
            data-testid="open-books-setup"
            href={browser.runtime.getURL(
              `/options.html#books=${encodeURIComponent(problems[0]!.check.accountId)}`,
            )}
            target="_blank"
            rel="noopener"
          >
            {t('confirm.openBooks')}
          </a>
        </div>
      )}
      {views && (
        <SettlementPreview
          views={views}
          onCancel={() => window.close()}
          onSend={async () => {
            // The relay refuses these too; stopping here says why before anything is queued.
            const checked = await pending.current;
            if (checked?.some((c) => c.problems.length > 0)) {
              setMessage({
                text: t('confirm.fixFirst'),
                isError: true,
              });
              return;
            }
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
            await runChecks();
          }}
        />
      )}
    </main>
  );
}

/** Each line with the organisation's own account name beside its code, as it will post. */
function BooksCheck({ checks }: { checks: BooksCheckResult[] }) {
  return (
    <>
      {checks.map((c) => (
        <table key={c.accountId + c.organisationName} class="books-check" data-testid="books-check">
          <caption>{t('confirm.postsTo', { org: c.organisationName })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('preview.invoice')}</th>
              <th scope="col">{t('preview.line')}</th>
              <th scope="col">{t('preview.account')}</th>
              <th scope="col">{t('preview.tax')}</th>
              <th scope="col" class="num">
                {t('confirm.amount')}
              </th>
            </tr>
          </thead>
          <tbody>
            {c.lines.map((l, i) => (
              <tr key={`${l.invoiceNumber}-${i}`}>
                <td>{l.invoiceNumber}</td>
                <td>{l.description}</td>
                <td data-testid="books-check-account">
                  {l.accountName
                    ? `${l.accountCode} · ${l.accountName}`
                    : t('confirm.notInXero', { code: l.accountCode })}
                </td>
                <td>{l.taxType}</td>
                <td class="num">{l.amount}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ))}
    </>
  );
}
