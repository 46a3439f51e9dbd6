import { render } from 'preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RelayDefaultNotice } from '../../../components/RelayDefaultNotice';
import { createSettingsHandlers } from '../../../lib/background/settings';

const memoryStore = () => {
  let value: unknown = null;
  return {
    get: async () => value,
    set: async (v: unknown) => {
      value = v;
    },
  };
};

afterEach(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
});

describe('relay address defaults', () => {
  it('tells the UI the local relay is a default nobody chose, until one is saved', async () => {
    const h = createSettingsHandlers({ store: memoryStore() });
    expect(await h['settings/get']({}, {} as never)).toEqual({
      relayUrl: 'http://127.0.0.1:8787',
      isDefault: true,
      isLocalBuild: true,
    });
    await h['settings/set']({ relayUrl: 'https://relay.example.com' }, {} as never);
    expect(await h['settings/get']({}, {} as never)).toEqual({
      relayUrl: 'https://relay.example.com',
      isDefault: false,
      isLocalBuild: true,
    });
  });

  it('uses the relay named at build time (RELAY_URL) instead of the local one', async () => {
    vi.stubEnv('RELAY_URL', 'https://relay.settlebridge.app');
    vi.resetModules();
    const settings = await import('../../../lib/settings');
    expect(settings.DEFAULT_RELAY_URL).toBe('https://relay.settlebridge.app');
    expect(settings.IS_LOCAL_BUILD).toBe(false);
  });

  it('shows which relay is in use on first run, and nothing once one is chosen', () => {
    const root = document.createElement('div');
    render(
      <RelayDefaultNotice
        settings={{ relayUrl: 'http://127.0.0.1:8787', isDefault: true, isLocalBuild: true }}
      />,
      root,
    );
    expect(root.textContent).toMatch(/development build.*http:\/\/127\.0\.0\.1:8787/);
    render(
      <RelayDefaultNotice
        settings={{ relayUrl: 'https://relay.example.com', isDefault: false, isLocalBuild: true }}
      />,
      root,
    );
    expect(root.textContent).toBe('');
  });
});
