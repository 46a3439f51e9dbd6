import { useState } from 'preact/hooks';
import { MARKETPLACES, type MarketplaceCode } from '@/lib/marketplaces';

export interface CreateAccountFormProps {
  onCreate(values: { name: string; marketplace: MarketplaceCode }): Promise<void>;
}

export function CreateAccountForm({ onCreate }: CreateAccountFormProps) {
  const [name, setName] = useState('');
  const [marketplace, setMarketplace] = useState<MarketplaceCode>('US');
  const [error, setError] = useState<string | null>(null);
  const [isBusy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (isBusy) return;
    setBusy(true);
    setError(null);
    try {
      await onCreate({ name, marketplace });
      setName('');
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="create-account" onSubmit={submit} aria-label="Account name and marketplace">
      <label>
        Account name
        <input
          name="name"
          value={name}
          maxLength={80}
          required
          placeholder="e.g. Acme US"
          onInput={(e) => setName(e.currentTarget.value)}
        />
      </label>
      <label>
        Marketplace
        <select
          name="marketplace"
          value={marketplace}
          onChange={(e) => setMarketplace(e.currentTarget.value as MarketplaceCode)}
        >
          {MARKETPLACES.map((m) => (
            <option key={m.code} value={m.code}>
              {m.code} · {m.name} ({m.currency})
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
        {isBusy ? 'Creating…' : 'Create account'}
      </button>
    </form>
  );
}
