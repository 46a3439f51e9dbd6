import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { Settlements } from '../../../entrypoints/settlements/Settlements';
import type { HistoryPage, HistoryRow } from '../../../lib/history';
import { readSettlementsSnapshot } from '../../../lib/settlements-snapshot';

const row = (settlementId: string, status: HistoryRow['status']): HistoryRow => ({
  settlementKey: `k-${settlementId}`,
  settlementId,
  accountId: 'a',
  accountName: 'Acme US',
  marketplace: 'US',
  periodStart: '2025-06-05',
  periodEnd: '2025-06-19',
  depositDate: '2025-06-21',
  deposit: '100.00',
  currency: 'USD',
  status,
  invoices: [],
});
const pageOf = (rows: HistoryRow[]): HistoryPage => ({
  rows,
  total: rows.length,
  counts: Object.fromEntries(rows.map((r) => [r.status, 1])),
  accounts: [{ id: 'a', name: 'Acme US', marketplace: 'US' }],
});

function memoryStorage() {
  const items = new Map<string, string>();
  return {
    getItem: (k: string) => items.get(k) ?? null,
    setItem: (k: string, v: string) => void items.set(k, v),
  };
}

let root: HTMLElement;
/** history/list answers only when the test says so. */
let answerList: (value: HistoryPage) => void;

beforeEach(() => {
  fakeBrowser.reset();
  vi.spyOn(fakeBrowser.runtime, 'sendMessage').mockImplementation((async (message: { type: string }) => {
    if (message.type === 'history/list')
      return new Promise((resolve) => {
        answerList = (value) => resolve({ ok: true, value });
      });
    if (message.type === 'history/notifications') return { ok: true, value: { enabled: true } };
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

const settle = () => act(() => new Promise<void>((resolve) => setTimeout(resolve, 0)));
const statuses = () =>
  [...root.querySelectorAll('tbody tr')].map((tr) => [
    tr.getAttribute('data-settlement-id'),
    tr.getAttribute('data-status'),
  ]);
const table = () => root.querySelector('table');

describe('Settlements page with a last known first screen', () => {
  it('shows it marked as updating with no actions, then the fresh rows, and keeps those for next time', async () => {
    const storage = memoryStorage();
    act(() =>
      render(
        <Settlements
          snapshot={pageOf([row('111', 'failed'), row('222', 'new')])}
          snapshotStorage={storage}
        />,
        root,
      ),
    );

    expect(statuses()).toEqual([
      ['111', 'failed'],
      ['222', 'new'],
    ]);
    expect(table()?.getAttribute('aria-busy')).toBe('true');
    expect(root.querySelector('[data-testid="settlements-table"]')).toBeNull();
    expect(root.querySelector('[data-testid="settlements-updating"]')?.textContent).toBe('Updating…');
    const buttons = [...root.querySelectorAll<HTMLButtonElement>('tbody button')];
    expect(buttons.length).toBeGreaterThan(0);
    expect(buttons.every((b) => b.disabled)).toBe(true);

    answerList(pageOf([row('111', 'sent'), row('333', 'new')]));
    await settle();
    expect(statuses()).toEqual([
      ['111', 'sent'],
      ['333', 'new'],
    ]);
    expect(table()?.hasAttribute('aria-busy')).toBe(false);
    expect(root.querySelector('[data-testid="settlements-table"]')).toBe(table());
    expect(root.querySelector('[data-testid="settlements-updating"]')).toBeNull();
    expect([...root.querySelectorAll<HTMLButtonElement>('tbody button')].some((b) => !b.disabled)).toBe(true);

    await settle();
    expect(readSettlementsSnapshot(storage)?.rows.map((r) => r.settlementId)).toEqual(['111', '333']);
  });

  it('never says "No settlements yet" from a snapshot: an empty one waits for the background', async () => {
    act(() => render(<Settlements snapshot={pageOf([])} />, root));
    expect(root.querySelector('[data-testid="settlements-loading"]')).not.toBeNull();
    expect(root.querySelector('[data-testid="settlements-empty"]')).toBeNull();
    answerList(pageOf([]));
    await settle();
    expect(root.querySelector('[data-testid="settlements-empty"]')).not.toBeNull();
  });
});
