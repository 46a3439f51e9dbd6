import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SettlementImport } from '../../../components/SettlementImport';
import type { Account } from '../../../lib/record-schemas';
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

async function mountWith(bytes: Uint8Array<ArrayBuffer>, onImport: ReturnType<typeof vi.fn<OnImport>>) {
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
}

async function choose(bytes: Uint8Array<ArrayBuffer>, onImport: ReturnType<typeof vi.fn<OnImport>>) {
  await mountWith(bytes, onImport);
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

  it('refuses a file mixing UTF-8 and Windows-1252, saying where, instead of importing garbled text', async () => {
    // de-windows-1252.tsv with a UTF-8 "ü" (C3 BC) after line 3's "Principal", before the
    // file's Windows-1252 "ü" (FC) on line 16.
    const latin = fixture('de-windows-1252.tsv');
    const at = Buffer.from(latin).indexOf('\tPrincipal\t') + '\tPrincipal'.length;
    const bytes = new Uint8Array(latin.length + 2);
    bytes.set(latin.subarray(0, at));
    bytes.set([0xc3, 0xbc], at);
    bytes.set(latin.subarray(at), at + 2);
    const onImport = vi.fn<OnImport>(() => new Promise(() => {}));
    await mountWith(bytes, onImport);
    await vi.waitFor(() => expect(root.querySelector('[role=alert]')).not.toBeNull());
    expect(root.querySelector('[role=alert]')!.textContent).toMatch(
      /^line 16, column 14 .*mixes two encodings/,
    );
    expect(onImport).not.toHaveBeenCalled();
  });
});
