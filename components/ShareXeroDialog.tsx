import { useEffect, useRef, useState } from 'preact/hooks';
import { useAction } from '@/components/use-action';
import { t } from '@/lib/i18n';
import type { Account } from '@/lib/record-schemas';

export interface ShareCandidate {
  account: Account;
  organisationName: string;
}

export interface ShareXeroDialogProps {
  accountName: string;
  candidates: readonly ShareCandidate[];
  onConfirm(fromAccountId: string): Promise<void>;
  onCancel(): void;
}

/**
 * "Share Xero Access": the new account uses a connection another account already has,
 * so no Xero window opens and the first account's connection is left intact.
 */
export function ShareXeroDialog({ accountName, candidates, onConfirm, onCancel }: ShareXeroDialogProps) {
  const [chosen, setChosen] = useState(candidates[0]?.account.id ?? '');
  // Success closes the dialog: the button stays disabled until it goes.
  const { isBusy, error, run } = useAction({ staysBusyOnSuccess: true });
  const dialogRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    dialogRef.current?.querySelector<HTMLElement>('input, button')?.focus();
  }, []);

  const confirm = () => run(() => onConfirm(chosen));

  return (
    <div
      class="dialog"
      role="dialog"
      aria-modal="true"
      aria-labelledby="share-title"
      ref={dialogRef}
      data-testid="share-dialog"
      onKeyDown={(e) => e.key === 'Escape' && onCancel()}
    >
      <h2 id="share-title">{t('share.title')}</h2>
      {candidates.length === 0 ? (
        <p>{t('share.none')}</p>
      ) : (
        <fieldset>
          <legend>{t('share.legend', { name: accountName })}</legend>
          {candidates.map(({ account, organisationName }) => (
            <label key={account.id} class="radio">
              <input
                type="radio"
                name="share-from"
                value={account.id}
                checked={chosen === account.id}
                onChange={() => setChosen(account.id)}
              />
              {account.name} ({account.marketplace}) → {organisationName}
            </label>
          ))}
        </fieldset>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <div class="actions">
        <button type="button" onClick={onCancel}>
          {t('common.cancel')}
        </button>
        <button type="button" class="primary" disabled={!chosen || isBusy} onClick={confirm}>
          {isBusy ? t('share.sharing') : t('share.confirm')}
        </button>
      </div>
    </div>
  );
}
