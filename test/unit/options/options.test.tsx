// The options page keeps one message line per section: a connection check that fails after
// the relay address was saved must not replace "Saved." (nor be reported as the save failing).
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { Options } from '../../../entrypoints/options/Options';

let root: HTMLElement;
let connectionChecks = 0;

beforeEach(() => {
  fakeBrowser.reset();
  connectionChecks = 0;
  vi.spyOn(fakeBrowser.runtime, 'sendMessage').mockImplementation((async (message: {
    type: string;
    input: { relayUrl?: string };
  }) => {
    switch (message.type) {
      case 'account/list':
        return { ok: true, value: [] };
      case 'connection/list':
        connectionChecks += 1;
        // The first check (on opening) answers; the one after saving finds the relay down.
        return connectionChecks === 1
          ? { ok: true, value: { connections: [] } }
          : { ok: false, error: { code: 'relay_unreachable', message: 'The relay did not answer.' } };
      case 'settings/get':
        return {
          ok: true,
          value: { relayUrl: 'http://127.0.0.1:8787', isDefault: true, isLocalBuild: true },
        };
      case 'settings/set':
        return {
          ok: true,
          value: { relayUrl: message.input.relayUrl, isDefault: false, isLocalBuild: true },
        };
      default:
        return { ok: false, error: { code: 'unexpected', message: `unexpected ${message.type}` } };
    }
  }) as never);
  vi.spyOn(fakeBrowser.runtime, 'getManifest').mockReturnValue({
    manifest_version: 3,
    name: 'Settlebridge',
    version: '0.1.0',
  });
  root = document.createElement('div');
  document.body.append(root);
});
afterEach(() => {
  render(null, root);
  root.remove();
  vi.restoreAllMocks();
});

const settle = () => act(() => new Promise<void>((resolve) => setTimeout(resolve, 0)));
const textOf = (sectionTitleId: string) =>
  root.querySelector(`section[aria-labelledby="${sectionTitleId}"]`)?.textContent ?? '';

describe('Options page messages', () => {
  it('keeps "Saved." under the relay address when the connection check after it fails, and shows that failure under Connections', async () => {
    await act(() => render(<Options />, root));
    await settle();
    const form = root.querySelector('section[aria-labelledby="settings-title"] form') as HTMLFormElement;
    const input = form.querySelector('input[name="relayUrl"]') as HTMLInputElement;
    input.value = 'https://relay.example.com';
    await act(() => {
      input.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await act(() => {
      form.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    });
    await settle();
    await settle();

    expect(connectionChecks).toBe(2);
    expect(textOf('settings-title')).toContain('Saved.');
    expect(textOf('settings-title')).not.toContain('The relay did not answer.');
    expect(textOf('connections-title')).toContain('The relay did not answer.');
  });
});
