import { useEffect, useState } from 'preact/hooks';
import type { CurrencyCheck } from '@/lib/currency-check';
import { marketplaceByCode } from '@/lib/marketplaces';
import type { Account } from '@/lib/records';
import { CreateAccountForm } from './CreateAccountForm';
import { CurrencyNotice } from './CurrencyNotice';
import { type ShareCandidate, ShareXeroDialog } from './ShareXeroDialog';

export interface CreateAccountWizardProps {
  /** Resume the setup of an account that already exists (skips step 1). */
  account?: Account;
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

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

export function CreateAccountWizard(props: CreateAccountWizardProps) {
  const [account, setAccount] = useState<Account | undefined>(props.account);
  const [step, setStep] = useState<Step>(
    props.account ? (props.account.xeroConnectionId ? 'amazon' : 'xero') : 'details',
  );
  const [isSharing, setSharing] = useState(false);
  const [isConnected, setConnected] = useState(Boolean(props.account?.xeroConnectionId));
  const [currency, setCurrency] = useState<CurrencyCheck | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [isBusy, setBusy] = useState(false);
  const [choices, setChoices] = useState<OrganisationChoice[] | null>(null);
  const [picked, setPicked] = useState<string | null>(null);
  const [chosenName, setChosenName] = useState<string | null>(null);

  useEffect(() => {
    if (!account || !isConnected) return;
    props
      .onCheckCurrency(account.id)
      .then(setCurrency)
      .catch((e: unknown) => setError(errorText(e)));
  }, [account?.id, isConnected]);

  const run = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const market = account ? marketplaceByCode(account.marketplace) : undefined;

  return (
    <section class="wizard" aria-labelledby="wizard-title" data-step={step}>
      <h2 id="wizard-title">{account ? `Set up ${account.name}` : 'Create new account'}</h2>
      <ol class="steps" aria-label="Steps">
        <li aria-current={step === 'details' ? 'step' : undefined}>1. Name and marketplace</li>
        <li aria-current={step === 'xero' ? 'step' : undefined}>2. Connect to Xero</li>
        <li aria-current={step === 'amazon' ? 'step' : undefined}>3. Connect to Amazon</li>
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
            Cancel
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
                <legend>
                  Your Xero sign-in covered several organisations. Which one should {account.name} post to?
                </legend>
                {choices.map((t) => (
                  <label key={t.tenantId} class="radio">
                    <input
                      type="radio"
                      name="organisation"
                      value={t.tenantId}
                      checked={picked === t.tenantId}
                      onChange={() => setPicked(t.tenantId)}
                    />{' '}
                    {t.name}
                  </label>
                ))}
              </fieldset>
              <button type="submit" class="primary" disabled={isBusy || !picked}>
                Use this organisation
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
                {isBusy ? 'Waiting for Xero…' : 'Connect to Xero'}
              </button>
              <p>
                <button type="button" class="link" onClick={() => setSharing(true)}>
                  If you would like this account to access the same Xero organisation as another of your
                  accounts, click here
                </button>
              </p>
            </>
          )}
          {isConnected && (
            <p role="status">{chosenName ? `Connected to Xero: ${chosenName}.` : 'Connected to Xero.'}</p>
          )}
          {isConnected && props.onOpenBooksSetup && (
            <p>
              <button
                type="button"
                class="link"
                data-testid="open-books-setup"
                onClick={() => props.onOpenBooksSetup?.(account.id)}
              >
                Set up books: choose the organisation’s accounts and tax rates (needed before sending)
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
              {isConnected ? 'Next' : 'Skip for now'}
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
            Open Seller Central signed in to the Amazon account for {account.name} in {market?.name}, then let
            Settlebridge read which account it is.
          </p>
          <div class="actions">
            <button type="button" onClick={() => props.onOpenSellerCentral(account)}>
              Open Seller Central
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
              Use the current Seller Central tab
            </button>
          </div>
          <button type="button" class="link" onClick={props.onDone}>
            Finish later
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
