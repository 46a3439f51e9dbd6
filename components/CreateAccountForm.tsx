import { useState } from 'preact/hooks';
import { useAction } from '@/components/use-action';
import { t } from '@/lib/i18n';
import { marketplaceName } from '@/lib/marketplace-name';
import { MARKETPLACES, type MarketplaceCode } from '@/lib/marketplaces';

export interface CreateAccountFormProps {
  onCreate(values: { name: string; marketplace: MarketplaceCode }): Promise<void>;
}

export function CreateAccountForm({ onCreate }: CreateAccountFormProps) {
  const [name, setName] = useState('');
  const [marketplace, setMarketplace] = useState<MarketplaceCode>('US');
  const { isBusy, error, run } = useAction();

  const submit = async (event: Event) => {
    event.preventDefault();
    if (isBusy) return;
    await run(async () => {
      await onCreate({ name, marketplace });
      setName('');
    });
  };

  return (
    <form class="create-account" onSubmit={submit} aria-label={t('accountForm.label')}>
      <label>
        {t('accountForm.name')}
        <input
          name="name"
          value={name}
          maxLength={80}
          required
          placeholder={t('accountForm.namePlaceholder')}
          onInput={(e) => setName(e.currentTarget.value)}
        />
      </label>
      <label>
        {t('accountForm.marketplace')}
        <select
          name="marketplace"
          value={marketplace}
          onChange={(e) => setMarketplace(e.currentTarget.value as MarketplaceCode)}
        >
          {MARKETPLACES.map((m) => (
            <option key={m.code} value={m.code}>
              {m.code} · {marketplaceName(m)} ({m.currency})
            </option>
          ))}
        </select>
      </label>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" disabled={isBusy}>
        {isBusy ? t('accountForm.creating') : t('accountForm.create')}
      </button>
    </form>
  );
}
