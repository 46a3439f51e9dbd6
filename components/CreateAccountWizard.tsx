import { useEffect, useState } from 'preact/hooks';
import type { CurrencyCheck } from '@/lib/currency-check';
import { errorMessage } from '@/lib/errors';
import { t } from '@/lib/i18n';
import { marketplaceName } from '@/lib/marketplace-name';
import { marketplaceByCode } from '@/lib/marketplaces';
import type { Account } from '@/lib/record-schemas';
import { CreateAccountForm } from './CreateAccountForm';
import { CurrencyNotice } from './CurrencyNotice';
import { type ShareCandidate, ShareXeroDialog } from './ShareXeroDialog';
import { useAction } from './use-action';

export interface CreateAccountWizardProps {
  /** Resume the setup of an account that already exists (skips step 1). */
  account?: Account;
  /** The account's Xero sign-in still waits for a choice of organisation: ask again. */
  pendingChoices?: readonly OrganisationChoice[];
  shareCandidates(accountId: string): ShareCandidate[];
  onCreate(values: Pick<Account, 'name' | 'marketplace'>): Promise<Account>;
  /** Answers the organisations to choose from when the Xero sign-in covered several. */
  onConnect(accountId: string): Promise<{ chooseFrom?: OrganisationChoice[] } | undefined>;
  onChooseOrganisation?(accountId: string, tenantId: string): Promise<{ organisationName: string }>;
  onShare(accountId: string, fromAccountId: string): Promise<void>;
  onCheckCurrency(accountId: string): Promise<CurrencyCheck>;
  onEnableCurrency(accountId: string): Promise<CurrencyCheck>;
  onOpenSellerCentral(account: Account): void;
  onBindAmazon(accountId: string): Promise<Account>;
  /** Opens Books setup for the account's organisation (settings page). */
  onOpenBooksSetup?(accountId: string): void;
  onDone(): void;
}

export interface OrganisationChoice {
  tenantId: string;
  name: string;
}

type Step = 'details' | 'xero' | 'amazon';

export function CreateAccountWizard(props: CreateAccountWizardProps) {
  const [account, setAccount] = useState<Account | undefined>(props.account);
  const [step, setStep] = useState<Step>(
    props.account ? (props.account.xeroConnectionId && !props.pendingChoices ? 'amazon' : 'xero') : 'details',
  );
  const [isSharing, setSharing] = useState(false);
  const [isConnected, setConnected] = useState(
    Boolean(props.account?.xeroConnectionId) && !props.pendingChoices,
  );
  const [currency, setCurrency] = useState<CurrencyCheck | null>(null);
  const { isBusy, error, setError, run } = useAction();
  const [choices, setChoices] = useState<readonly OrganisationChoice[] | null>(props.pendingChoices ?? null);
  const [picked, setPicked] = useState<string | null>(null);
  const [chosenName, setChosenName] = useState<string | null>(null);

  useEffect(() => {
    if (!account || !isConnected) return;
    props
      .onCheckCurrency(account.id)
      .then(setCurrency)
      .catch((e: unknown) => setError(errorMessage(e)));
  }, [account?.id, isConnected]);

  const market = account ? marketplaceByCode(account.marketplace) : undefined;

  return (
    <section class="wizard" aria-labelledby="wizard-title" data-step={step}>
      <h2 id="wizard-title">
        {account ? t('wizard.setUp', { name: account.name }) : t('popup.createAccount')}
      </h2>
      <ol class="steps" aria-label={t('wizard.steps')}>
        <li aria-current={step === 'details' ? 'step' : undefined}>{t('wizard.step1')}</li>
        <li aria-current={step === 'xero' ? 'step' : undefined}>{t('wizard.step2')}</li>
        <li aria-current={step === 'amazon' ? 'step' : undefined}>{t('wizard.step3')}</li>
      </ol>

      {step === 'details' && (
        <>
          <CreateAccountForm
            onCreate={async (values) => {
              const created = await props.onCreate(values);
              setAccount(created);
              setStep('xero');
            }}
          />
          <button type="button" class="link" onClick={props.onDone}>
            {t('common.cancel')}
          </button>
        </>
      )}

      {step === 'xero' && account && (
        <div class="step" data-testid="step-xero">
          {!isConnected && choices && (
            <form
              data-testid="choose-organisation"
              onSubmit={(e) => {
                e.preventDefault();
                if (!picked || !props.onChooseOrganisation) return;
                void run(async () => {
                  const chosen = await props.onChooseOrganisation!(account.id, picked);
                  setChosenName(chosen.organisationName);
                  setChoices(null);
                  setConnected(true);
                });
              }}
            >
              <fieldset>
                <legend>{t('wizard.chooseOrganisation', { account: account.name })}</legend>
                {choices.map((tenant) => (
                  <label key={tenant.tenantId} class="radio">
                    <input
                      type="radio"
                      name="organisation"
                      value={tenant.tenantId}
                      checked={picked === tenant.tenantId}
                      onChange={() => setPicked(tenant.tenantId)}
                    />{' '}
                    {tenant.name}
                  </label>
                ))}
              </fieldset>
              <button type="submit" class="primary" disabled={isBusy || !picked}>
                {t('wizard.useOrganisation')}
              </button>
            </form>
          )}
          {!isConnected && !choices && (
            <>
              <button
                type="button"
                class="primary"
                disabled={isBusy}
                onClick={() =>
                  run(async () => {
                    const answer = await props.onConnect(account.id);
                    if (answer?.chooseFrom && answer.chooseFrom.length > 1) {
                      setChoices(answer.chooseFrom);
                      return;
                    }
                    setConnected(true);
                  })
                }
              >
                {isBusy ? t('wizard.waitingXero') : t('wizard.connectXero')}
              </button>
              <p>
                <button type="button" class="link" onClick={() => setSharing(true)}>
                  {t('wizard.shareLink')}
                </button>
              </p>
            </>
          )}
          {isConnected && (
            <p role="status">
              {chosenName ? t('wizard.connectedTo', { organisation: chosenName }) : t('wizard.connected')}
            </p>
          )}
          {isConnected && props.onOpenBooksSetup && (
            <p>
              <button
                type="button"
                class="link"
                data-testid="open-books-setup"
                onClick={() => props.onOpenBooksSetup?.(account.id)}
              >
                {t('wizard.booksLink')}
              </button>
            </p>
          )}
          {currency && (
            <CurrencyNotice
              check={currency}
              onEnable={async () => setCurrency(await props.onEnableCurrency(account.id))}
            />
          )}
          <div class="actions">
            <button type="button" onClick={() => setStep('amazon')}>
              {isConnected ? t('wizard.next') : t('wizard.skip')}
            </button>
          </div>
          {isSharing && (
            <ShareXeroDialog
              accountName={account.name}
              candidates={props.shareCandidates(account.id)}
              onCancel={() => setSharing(false)}
              onConfirm={async (fromId) => {
                await props.onShare(account.id, fromId);
                setSharing(false);
                setConnected(true);
              }}
            />
          )}
        </div>
      )}

      {step === 'amazon' && account && (
        <div class="step" data-testid="step-amazon">
          <p>
            {t('wizard.amazonIntro', {
              name: account.name,
              marketplace: market ? marketplaceName(market) : account.marketplace,
            })}
          </p>
          <div class="actions">
            <button type="button" onClick={() => props.onOpenSellerCentral(account)}>
              {t('wizard.openSellerCentral')}
            </button>
            <button
              type="button"
              class="primary"
              disabled={isBusy}
              onClick={() =>
                run(async () => {
                  setAccount(await props.onBindAmazon(account.id));
                  props.onDone();
                })
              }
            >
              {t('wizard.useTab')}
            </button>
          </div>
          <button type="button" class="link" onClick={props.onDone}>
            {t('wizard.finishLater')}
          </button>
        </div>
      )}

      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
