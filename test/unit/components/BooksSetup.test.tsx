import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BooksSetup } from '../../../components/BooksSetup';
import { missingGroups, planAmazonAccounts, suggestSetup } from '../../../lib/books/setup';
import { setLocale } from '../../../lib/i18n';
// Every language's catalog, for the tests in other languages.
import '../../../lib/i18n-catalogs';
import type { Account } from '../../../lib/record-schemas';
import type { BooksLoadResult } from '../../../lib/views';
import { UK_TENANT_ID } from '../../../xero-sim/seed';
import { booksOf, withPlanCreated } from '../books/seed-books';

const account: Account = {
  id: crypto.randomUUID(),
  name: 'Acme UK',
  marketplace: 'UK',
  currency: 'GBP',
  xeroConnectionId: 'c1',
  createdAt: 0,
  updatedAt: 0,
} as Account;

function loadResult(books = booksOf(UK_TENANT_ID)): BooksLoadResult {
  const choices = suggestSetup(books);
  return {
    organisationName: 'Harbourline Trading Ltd',
    tenantId: UK_TENANT_ID,
    books,
    choices,
    isSaved: false,
    missing: missingGroups(choices),
    plan: planAmazonAccounts(books),
  };
}

let root: HTMLElement;
const flush = () => act(async () => new Promise((r) => setTimeout(r, 0)));

afterEach(() => {
  setLocale('en');
  render(null, root);
  root.remove();
});

describe('BooksSetup', () => {
  it('shows accounts as “code · name”, previews the Amazon accounts, creates them on confirm, then saves', async () => {
    const load = vi.fn(async () => loadResult());
    const createAccounts = vi.fn(async () => ({
      ...loadResult(withPlanCreated(booksOf(UK_TENANT_ID))),
      failed: [],
    }));
    const save = vi.fn(async () => ({ organisationName: 'Harbourline Trading Ltd' }));
    root = document.createElement('div');
    document.body.append(root);
    act(() =>
      render(
        <BooksSetup accounts={[account]} load={load} createAccounts={createAccounts} save={save} />,
        root,
      ),
    );
    await flush();
    expect(load).toHaveBeenCalledWith(account.id, false);
    const sales = root.querySelector<HTMLInputElement>('input[name="account-sales"]');
    expect(sales?.value).toBe('200 · Sales');
    const offered = [...root.querySelectorAll('#books-accounts-sales option')].map((o) =>
      o.getAttribute('value'),
    );
    expect(offered).toContain('260 · Other Revenue');
    expect(offered.some((v) => v?.startsWith('825 ') || v?.startsWith('820 '))).toBe(false);
    const saveButton = root.querySelector<HTMLButtonElement>('[data-testid="books-save"]');
    expect(saveButton?.disabled).toBe(true);
    expect(root.textContent).toContain('Still to choose:');

    act(() => root.querySelector<HTMLButtonElement>('[data-testid="books-plan"]')?.click());
    expect(createAccounts).not.toHaveBeenCalled();
    expect(root.querySelector('[data-testid="books-plan-preview"]')?.textContent).toMatch(
      /Amazon Sales Tax Collected/,
    );
    act(() => root.querySelector<HTMLButtonElement>('[data-testid="books-create"]')?.click());
    await flush();
    expect(createAccounts).toHaveBeenCalledTimes(1);
    expect(root.querySelector<HTMLButtonElement>('[data-testid="books-save"]')?.disabled).toBe(false);
    act(() => root.querySelector<HTMLButtonElement>('[data-testid="books-save"]')?.click());
    await flush();
    expect(save).toHaveBeenCalledTimes(1);
    expect(root.textContent).toContain('Books setup saved for Harbourline Trading Ltd.');
  });

  it('speaks the chosen language, with the organisation in bold wherever the sentence puts it', async () => {
    const props = {
      accounts: [account],
      load: vi.fn(async () => loadResult()),
      createAccounts: vi.fn(),
      save: vi.fn(),
    };
    root = document.createElement('div');
    document.body.append(root);
    act(() => render(<BooksSetup {...props} />, root));
    await flush();
    // English stays word for word what it was before the catalogs (the browser tests select by it).
    expect(root.textContent).toContain(
      'Posting to Harbourline Trading Ltd (GB, GBP). Accounts sharing this organisation share this setup. Refresh from Xero',
    );
    expect(root.querySelector('input[name="account-sales"]')?.getAttribute('aria-label')).toBe(
      'Sales account',
    );

    setLocale('de');
    render(null, root);
    act(() => render(<BooksSetup {...props} />, root));
    await flush();
    expect(root.querySelector('strong')?.textContent).toBe('Harbourline Trading Ltd');
    expect(root.textContent).toContain('Buchung in Harbourline Trading Ltd (GB, GBP).');
    expect(root.querySelector('input[name="account-sales"]')?.getAttribute('aria-label')).toBe(
      'Konto für Umsätze',
    );
    expect(root.querySelector('select[name="tax-sales"]')?.getAttribute('aria-label')).toBe(
      'Steuersatz für Umsätze',
    );
    expect(root.querySelector('[data-testid="books-save"]')?.textContent).toBe(
      'Buchhaltungseinrichtung speichern',
    );
  });
});
