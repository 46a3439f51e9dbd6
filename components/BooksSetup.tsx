import { useEffect, useState } from 'preact/hooks';
import { useAction } from '@/components/use-action';
import { accountLabel } from '@/lib/books/check';
import { accountsFor, type GroupChoice, LINE_GROUPS, type LineGroup, taxRatesFor } from '@/lib/books/setup';
import { type MessageKey, t, tp } from '@/lib/i18n';
import type { Account } from '@/lib/record-schemas';
import type { NewAccount } from '@/lib/relay-api';
import type { BooksLoadResult } from '@/lib/views';

export interface BooksSetupProps {
  /** Accounts that post to a Xero organisation. */
  accounts: Account[];
  initialAccountId?: string;
  load: (accountId: string, refresh: boolean) => Promise<BooksLoadResult>;
  createAccounts: (
    accountId: string,
    accounts: NewAccount[],
  ) => Promise<BooksLoadResult & { failed: { code: string; name: string; message: string }[] }>;
  save: (
    accountId: string,
    groups: Partial<Record<LineGroup, GroupChoice>>,
    tracking?: { category: string; option: string },
  ) => Promise<{ organisationName: string }>;
}

const GROUP_KEYS: Record<LineGroup, MessageKey> = {
  sales: 'books.group.sales',
  refunds: 'books.group.refunds',
  shipping: 'books.group.shipping',
  promotions: 'books.group.promotions',
  salesTax: 'books.group.salesTax',
  facilitatorTax: 'books.group.facilitatorTax',
  commissions: 'books.group.commissions',
  fbaFees: 'books.group.fbaFees',
  storageFees: 'books.group.storageFees',
  advertising: 'books.group.advertising',
  subscription: 'books.group.subscription',
  reimbursements: 'books.group.reimbursements',
  reserves: 'books.group.reserves',
  otherFees: 'books.group.otherFees',
  unmapped: 'books.group.unmapped',
  clearing: 'books.group.clearing',
  discrepancy: 'books.group.discrepancy',
};

/** A line group's name in the current language (GROUP_SPECS holds the English one). */
const groupLabel = (group: LineGroup): string => t(GROUP_KEYS[group]);

/** Books setup for one Xero organisation: each line group to one of its own accounts and a rate valid there. */
export function BooksSetup(props: BooksSetupProps) {
  const [accountId, setAccountId] = useState(props.initialAccountId ?? props.accounts[0]?.id ?? '');
  const [loaded, setLoaded] = useState<BooksLoadResult | null>(null);
  const [choices, setChoices] = useState<Partial<Record<LineGroup, GroupChoice>>>({});
  const [tracking, setTracking] = useState<{ category: string; option: string } | undefined>();
  const [isPlanShown, setPlanShown] = useState(false);
  /** What the last action reported besides a failure (saved, created, refused accounts). */
  const [notice, setNotice] = useState<{ text: string; isError: boolean } | null>(null);
  const action = useAction();
  const isBusy = action.isBusy;
  const message = action.error !== null ? { text: action.error, isError: true } : notice;

  const apply = (result: BooksLoadResult) => {
    setLoaded(result);
    setChoices(result.choices);
    setTracking(result.tracking);
  };

  const run = (fn: () => Promise<void>) => {
    setNotice(null);
    return action.run(fn);
  };

  // Accounts arrive after the first render.
  useEffect(() => {
    if (!accountId && props.accounts[0]) setAccountId(props.initialAccountId ?? props.accounts[0].id);
  }, [props.accounts]);

  useEffect(() => {
    if (!accountId) return;
    setLoaded(null);
    void run(async () => apply(await props.load(accountId, false)));
  }, [accountId]);

  if (props.accounts.length === 0) {
    return <p>{t('books.connectFirst')}</p>;
  }
  const books = loaded?.books;
  const missing = LINE_GROUPS.filter((g) => !choices[g]?.accountCode || !choices[g]?.taxType);
  // The organisation's name is bold inside the sentence, wherever the language puts it.
  const [postingBefore, postingAfter] = books
    ? t('books.postingTo', {
        country: books.organisation.countryCode,
        currency: books.organisation.baseCurrency,
      }).split('{org}')
    : [];

  return (
    <div class="books-setup" data-testid="books-setup">
      <label>
        {t('books.amazonAccount')}
        <select name="books-account" value={accountId} onChange={(e) => setAccountId(e.currentTarget.value)}>
          {props.accounts.map((a) => (
            <option key={a.id} value={a.id}>
              {a.name}
            </option>
          ))}
        </select>
      </label>
      {!loaded && isBusy && <p aria-busy="true">{t('books.reading')}</p>}
      {loaded && books && (
        <>
          <p>
            {postingBefore}
            <strong>{loaded.organisationName}</strong>
            {postingAfter}{' '}
            <button
              type="button"
              disabled={isBusy}
              onClick={() => run(async () => apply(await props.load(accountId, true)))}
            >
              {t('books.refresh')}
            </button>
          </p>
          {loaded.plan.length > 0 && !isPlanShown && (
            <button
              type="button"
              data-testid="books-plan"
              disabled={isBusy}
              onClick={() => setPlanShown(true)}
            >
              {t('books.createForMe')}
            </button>
          )}
          {isPlanShown && (
            <div class="notice" data-testid="books-plan-preview">
              <p>{t('books.planIntro', { org: loaded.organisationName })}</p>
              <ul>
                {loaded.plan.map((p) => (
                  <li key={p.code}>
                    {accountLabel(p)} ({p.type}
                    {p.taxType
                      ? `, ${books.taxRates.find((t) => t.taxType === p.taxType)?.name ?? p.taxType}`
                      : ''}
                    )
                  </li>
                ))}
              </ul>
              <button
                type="button"
                data-testid="books-create"
                disabled={isBusy}
                onClick={() =>
                  run(async () => {
                    const result = await props.createAccounts(
                      accountId,
                      loaded.plan.map(({ group: _group, ...a }) => a),
                    );
                    apply(result);
                    setPlanShown(false);
                    setNotice(
                      result.failed.length
                        ? {
                            text: t('books.refused', {
                              accounts: result.failed
                                .map((f) => `${f.code} · ${f.name} (${f.message})`)
                                .join('; '),
                            }),
                            isError: true,
                          }
                        : {
                            text: t('books.created'),
                            isError: false,
                          },
                    );
                  })
                }
              >
                {tp('books.createThese', loaded.plan.length)}
              </button>
              <button type="button" onClick={() => setPlanShown(false)}>
                {t('common.cancel')}
              </button>
            </div>
          )}
          <table class="books-groups">
            <thead>
              <tr>
                <th>{t('books.col.lines')}</th>
                <th>{t('books.col.account')}</th>
                <th>{t('books.col.taxRate')}</th>
              </tr>
            </thead>
            <tbody>
              {LINE_GROUPS.map((group) => {
                const choice = choices[group];
                const options = accountsFor(books, group);
                const account = options.find((a) => a.code === choice?.accountCode);
                const rates = account ? taxRatesFor(books, account) : [];
                return (
                  <tr key={group} data-group={group}>
                    <td>{groupLabel(group)}</td>
                    <td>
                      <input
                        list={`books-accounts-${group}`}
                        name={`account-${group}`}
                        aria-label={t('books.accountLabel', { group: groupLabel(group) })}
                        placeholder={t('books.search')}
                        value={account ? accountLabel(account) : (choice?.accountCode ?? '')}
                        onChange={(e) => {
                          const typed = e.currentTarget.value;
                          const hit = options.find((a) => accountLabel(a) === typed || a.code === typed);
                          const taxType = hit
                            ? (taxRatesFor(books, hit).find((t) => t.taxType === hit.taxType)?.taxType ??
                              taxRatesFor(books, hit)[0]?.taxType ??
                              '')
                            : '';
                          setChoices({ ...choices, [group]: { accountCode: hit?.code ?? '', taxType } });
                        }}
                      />
                      <datalist id={`books-accounts-${group}`}>
                        {options.map((a) => (
                          <option key={a.code} value={accountLabel(a)} />
                        ))}
                      </datalist>
                    </td>
                    <td>
                      <select
                        name={`tax-${group}`}
                        aria-label={t('books.taxRateLabel', { group: groupLabel(group) })}
                        value={choice?.taxType ?? ''}
                        disabled={!account}
                        onChange={(e) =>
                          setChoices({
                            ...choices,
                            [group]: {
                              accountCode: choice?.accountCode ?? '',
                              taxType: e.currentTarget.value,
                            },
                          })
                        }
                      >
                        <option value="">{t('books.choose')}</option>
                        {rates.map((t) => (
                          <option key={t.taxType} value={t.taxType}>
                            {t.name}
                          </option>
                        ))}
                      </select>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {books.trackingCategories.length > 0 && (
            <label>
              {t('books.tracking')}
              <select
                name="books-tracking"
                value={tracking ? `${tracking.category}\u0000${tracking.option}` : ''}
                onChange={(e) => {
                  const [category, option] = e.currentTarget.value.split('\u0000');
                  setTracking(category && option ? { category, option } : undefined);
                }}
              >
                <option value="">{t('books.trackingNone')}</option>
                {books.trackingCategories.flatMap((c) =>
                  c.options.map((o) => (
                    <option key={`${c.id}-${o.id}`} value={`${c.name}\u0000${o.name}`}>
                      {c.name} → {o.name}
                    </option>
                  )),
                )}
              </select>
            </label>
          )}
          {missing.length > 0 && (
            <p class="notice notice--warning">
              {t('books.stillToChoose', { groups: missing.map(groupLabel).join(t('list.separator')) })}
            </p>
          )}
          <button
            type="button"
            data-testid="books-save"
            disabled={isBusy || missing.length > 0}
            onClick={() =>
              run(async () => {
                const saved = await props.save(accountId, choices, tracking);
                setLoaded({ ...loaded, isSaved: true });
                setNotice({ text: t('books.saved', { org: saved.organisationName }), isError: false });
              })
            }
          >
            {t('books.save')}
          </button>
        </>
      )}
      {message && (
        <p class={message.isError ? 'error' : 'status'} role={message.isError ? 'alert' : 'status'}>
          {message.text}
        </p>
      )}
    </div>
  );
}
