import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SettlementImport } from '../../../components/SettlementImport';
import type { Account } from '../../../lib/records';
import type { SettlementView } from '../../../lib/views';

const fixture = (name: string) =>
  new Uint8Array(readFileSync(join(import.meta.dirname, '../../fixtures/settlements', name)));
const account: Account = {
  id: 'acc-1',
  name: 'Acme US',
  marketplace: 'US',
  currency: 'USD',
  createdAt: 0,
  updatedAt: 0,
};

let root: HTMLElement;
afterEach(() => {
  if (!root) return;
  render(null, root);
  root.remove();
});

/** Chooses `bytes` as a file in the import's file input and waits for it to be read. */
type OnImport = (accountId: string, text: string) => Promise<SettlementView>;

async function choose(bytes: Uint8Array<ArrayBuffer>, onImport: ReturnType<typeof vi.fn<OnImport>>) {
  root = document.createElement('div');
  document.body.append(root);
  act(() =>
    render(
      <SettlementImport accounts={[account]} onImport={onImport} onSend={vi.fn()} onMapAccount={vi.fn()} />,
      root,
    ),
  );
  const input = root.querySelector<HTMLInputElement>('input[type=file]')!;
  Object.defineProperty(input, 'files', { value: [new File([bytes], 'settlement.txt')] });
  await act(async () => {
    input.dispatchEvent(new Event('change', { bubbles: true }));
  });
  await vi.waitFor(() => expect(onImport).toHaveBeenCalled());
  return onImport.mock.calls[0]![1];
}

describe('SettlementImport', () => {
  it('reads Excel’s "Unicode Text" (UTF-16LE) as text, not as bytes taken for UTF-8', async () => {
    const onImport = vi.fn<OnImport>(() => new Promise(() => {}));
    const text = await choose(fixture('us-unicode-text.txt'), onImport);
    expect(onImport.mock.calls[0]![0]).toBe('acc-1');
    expect(text.startsWith('settlement-id\t')).toBe(true);
    expect(text).not.toContain('\u0000');
  });

  it('reads a Windows-1252 file with its umlauts intact', async () => {
    const onImport = vi.fn<OnImport>(() => new Promise(() => {}));
    const text = await choose(fixture('de-windows-1252.tsv'), onImport);
    expect(text).toContain('Gebühr');
    expect(text).not.toContain('\uFFFD');
  });
});
