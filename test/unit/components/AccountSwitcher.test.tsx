import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AccountSwitcher, type SwitcherItem } from '../../../components/AccountSwitcher';
import type { Account } from '../../../lib/record-schemas';

const item = (name: string, marketplace: Account['marketplace'], isActive = false): SwitcherItem => ({
  account: { id: crypto.randomUUID(), name, marketplace, currency: 'USD', createdAt: 0, updatedAt: 0 },
  status: { kind: 'not_connected' },
  isActive,
});

let root: HTMLElement;
const mount = (items: SwitcherItem[], onChoose = vi.fn(), onEscape = vi.fn()) => {
  root = document.createElement('div');
  document.body.append(root);
  act(() => render(<AccountSwitcher items={items} onChoose={onChoose} onEscape={onEscape} />, root));
  return { onChoose, onEscape };
};
const key = (target: Element, k: string) =>
  act(() => {
    target.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true }));
  });
const names = () => [...root.querySelectorAll('[role="option"] .account-name')].map((e) => e.textContent);
const highlighted = () => root.querySelector('[aria-selected="true"] .account-name')?.textContent;

afterEach(() => {
  render(null, root);
  root.remove();
});

describe('AccountSwitcher', () => {
  it('starts on the account active in Seller Central and marks it', () => {
    mount([item('A', 'US'), item('B', 'UK', true), item('C', 'DE')]);
    expect(highlighted()).toBe('B');
    expect(root.querySelectorAll('[data-testid="active-marker"]')).toHaveLength(1);
  });

  it('moves with the arrows, wraps around, and chooses with Enter', () => {
    const { onChoose } = mount([item('A', 'US'), item('B', 'UK'), item('C', 'DE')]);
    const list = root.querySelector('[role="listbox"]')!;
    key(list, 'ArrowDown');
    key(list, 'ArrowDown');
    expect(highlighted()).toBe('C');
    key(list, 'ArrowDown');
    expect(highlighted()).toBe('A');
    key(list, 'ArrowUp');
    key(list, 'Enter');
    expect(onChoose).toHaveBeenCalledWith(expect.objectContaining({ name: 'C' }));
  });

  it('shows a filter only for more than five accounts, and filters as you type', () => {
    mount([item('A', 'US'), item('B', 'UK')]);
    expect(root.querySelector('input[type="search"]')).toBeNull();
    render(null, root);
    mount(['Alpha', 'Beta', 'Gamma', 'Delta', 'Epsilon', 'Zeta'].map((n, i) => item(n, i % 2 ? 'UK' : 'US')));
    const filter = root.querySelector<HTMLInputElement>('input[type="search"]')!;
    act(() => {
      filter.value = 'uk';
      filter.dispatchEvent(new Event('input', { bubbles: true }));
    });
    expect(names()).toEqual(['Beta', 'Delta', 'Zeta']);
    expect(highlighted()).toBe('Beta');
  });

  it('clears the filter on the first Escape and asks to close on the second', () => {
    const { onEscape } = mount(['A1', 'B2', 'C3', 'D4', 'E5', 'F6'].map((n) => item(n, 'US')));
    const filter = root.querySelector<HTMLInputElement>('input[type="search"]')!;
    act(() => {
      filter.value = 'B';
      filter.dispatchEvent(new Event('input', { bubbles: true }));
    });
    key(filter, 'Escape');
    expect(names()).toHaveLength(6);
    expect(onEscape).not.toHaveBeenCalled();
    key(filter, 'Escape');
    expect(onEscape).toHaveBeenCalledOnce();
  });
});
