import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { Popup } from '../../../entrypoints/popup/Popup';
import type { MessageOutput } from '../../../lib/messages';
import {
  POPUP_SNAPSHOT_KEY,
  type PopupSnapshot,
  readPopupSnapshot,
  writePopupSnapshot,
} from '../../../lib/popup-snapshot';
import type { Account } from '../../../lib/record-schemas';

const account = (id: string, name: string): Account => ({
  id,
  name,
  marketplace: 'US',
  currency: 'USD',
  createdAt: 0,
  updatedAt: 0,
  merchantId: `A${id.toUpperCase()}`,
});
const state = (accounts: Account[]): MessageOutput<'popup/state'> => ({
  accounts,
  connections: [],
  context: null,
  activeAccountId: null,
});

/** A Storage stand-in that records what the popup keeps for next time. */
function memoryStorage() {
  const items = new Map<string, string>();
  return {
    getItem: (k: string) => items.get(k) ?? null,
    setItem: (k: string, v: string) => void items.set(k, v),
  };
}

let root: HTMLElement;
/** popup/state answers only when the test says so; everything else answers at once. */
let answerState: (value: MessageOutput<'popup/state'>) => void;

beforeEach(() => {
  fakeBrowser.reset();
  vi.spyOn(fakeBrowser.runtime, 'sendMessage').mockImplementation((async (message: { type: string }) => {
    if (message.type === 'popup/state')
      return new Promise((resolve) => {
        answerState = (value) => resolve({ ok: true, value });
      });
    if (message.type === 'history/summary')
      return { ok: true, value: { failed: 0, needsReconnect: 0, conflict: 0, total: 0 } };
    return { ok: false, error: { code: 'unexpected', message: `unexpected ${message.type}` } };
  }) as never);
  root = document.createElement('div');
  document.body.append(root);
});
afterEach(() => {
  render(null, root);
  root.remove();
  vi.restoreAllMocks();
});

/** Lets the reply's promise chain settle and Preact render what it set. */
const settle = () => act(() => new Promise<void>((resolve) => setTimeout(resolve, 0)));
const names = () => [...root.querySelectorAll('[role="option"] .account-name')].map((e) => e.textContent);
const listbox = () => root.querySelector('[role="listbox"]');

describe('Popup with a last known list', () => {
  it('shows the snapshot marked as updating, then the fresh list unmarked, and keeps it for next time', async () => {
    const storage = memoryStorage();
    const snapshot: PopupSnapshot = {
      accounts: [account('a', 'Old name US'), account('gone', 'Deleted since US')],
      connections: [],
      activeAccountId: null,
    };
    act(() => render(<Popup snapshot={snapshot} snapshotStorage={storage} />, root));

    // Drawn at once, but never as current.
    expect(names()).toEqual(['Old name US', 'Deleted since US']);
    expect(listbox()?.getAttribute('aria-busy')).toBe('true');
    expect(root.querySelector('[data-testid="accounts"]')).toBeNull();
    expect(root.querySelector('[data-testid="accounts-updating-note"]')?.textContent).toBe('Updating…');

    answerState(state([account('a', 'New name US'), account('b', 'Added US')]));
    await settle();
    expect(names()).toEqual(['New name US', 'Added US']);
    expect(listbox()?.hasAttribute('aria-busy')).toBe(false);
    expect(root.querySelector('[data-testid="accounts"]')).toBe(listbox());
    expect(root.querySelector('[data-testid="accounts-updating-note"]')).toBeNull();

    await settle();
    expect(readPopupSnapshot(storage)?.accounts.map((a) => a.name)).toEqual(['New name US', 'Added US']);
  });

  it('stays marked as updating when the background does not answer', async () => {
    const snapshot: PopupSnapshot = {
      accounts: [account('a', 'Acme US')],
      connections: [],
      activeAccountId: null,
    };
    act(() => render(<Popup snapshot={snapshot} />, root));
    await settle();
    expect(listbox()?.getAttribute('aria-busy')).toBe('true');
    expect(root.querySelector('[data-testid="accounts"]')).toBeNull();
  });

  it('never says "No accounts yet" from a snapshot: an empty one waits for the background', async () => {
    act(() => render(<Popup snapshot={{ accounts: [], connections: [], activeAccountId: null }} />, root));
    expect(root.textContent).toContain('Loading accounts…');
    expect(root.querySelector('[data-testid="accounts-empty"]')).toBeNull();
    answerState(state([]));
    await settle();
    expect(root.querySelector('[data-testid="accounts-empty"]')).not.toBeNull();
  });

  it('draws only the rows in view of a long list, each saying its place in the whole', () => {
    const many = Array.from({ length: 2000 }, (_, i) => account(`id${i}`, `Account ${i}`));
    act(() => render(<Popup snapshot={{ accounts: many, connections: [], activeAccountId: null }} />, root));
    const options = root.querySelectorAll('[role="option"]');
    expect(options.length).toBeGreaterThan(0);
    expect(options.length).toBeLessThan(40);
    expect(options[0]?.getAttribute('aria-setsize')).toBe('2000');
    expect(options[0]?.getAttribute('aria-posinset')).toBe('1');
  });
});

describe('popup snapshot storage', () => {
  it('ignores what is not a snapshot of this version', () => {
    const storage = memoryStorage();
    expect(readPopupSnapshot(storage)).toBeNull();
    storage.setItem(POPUP_SNAPSHOT_KEY, '{not json');
    expect(readPopupSnapshot(storage)).toBeNull();
    storage.setItem(
      POPUP_SNAPSHOT_KEY,
      JSON.stringify({ version: 0, state: { accounts: [], connections: [] } }),
    );
    expect(readPopupSnapshot(storage)).toBeNull();
    storage.setItem(
      POPUP_SNAPSHOT_KEY,
      JSON.stringify({ version: 1, state: { accounts: 'x', connections: [] } }),
    );
    expect(readPopupSnapshot(storage)).toBeNull();
  });

  it('keeps accounts, connections and the active account, never the page context', () => {
    const storage = memoryStorage();
    const full = {
      ...state([account('a', 'Acme US')]),
      activeAccountId: 'a',
      context: { recognised: true, accountName: 'Acme' },
    } as MessageOutput<'popup/state'>;
    writePopupSnapshot(storage, full);
    const read = readPopupSnapshot(storage);
    expect(read).toEqual({ accounts: full.accounts, connections: [], activeAccountId: 'a' });
    expect(storage.getItem(POPUP_SNAPSHOT_KEY)).not.toContain('recognised');
  });
});

describe('Popup with an organisation still to choose', () => {
  it('marks the account and asks for the organisation again when it is chosen', async () => {
    const a = { ...account('a', 'Acme US'), xeroConnectionId: '00000000-0000-4000-8000-000000000001' };
    act(() => render(<Popup snapshot={null} snapshotStorage={memoryStorage()} />, root));
    answerState({
      ...state([a]),
      connections: [
        {
          id: '00000000-0000-4000-8000-000000000001',
          tenantId: 'tenant-1',
          organisationName: 'Kowhai',
          status: 'connected',
          chooseFrom: [
            { tenantId: 'tenant-1', name: 'Kowhai Trading' },
            { tenantId: 'tenant-2', name: 'Harbourline' },
          ],
          updatedAt: 0,
        },
      ],
    });
    await settle();
    const status = root.querySelector('[data-status]');
    expect(status?.getAttribute('data-status')).toBe('choose_organisation');
    expect(status?.textContent).toBe('Choose the Xero organisation');

    act(() => (root.querySelector('[role="option"]') as HTMLElement).click());
    await settle();
    const form = root.querySelector('[data-testid="choose-organisation"]');
    expect(form).not.toBeNull();
    expect([...form!.querySelectorAll('label')].map((l) => l.textContent?.trim())).toEqual([
      'Kowhai Trading',
      'Harbourline',
    ]);
  });
});
