import type { Handlers } from '../messages';
import { DEFAULT_RELAY_URL, Settings } from '../settings';

export interface SettingsStore {
  get(): Promise<unknown>;
  set(value: Settings): Promise<void>;
}

export function createSettingsHandlers(store: SettingsStore): Pick<
  Handlers,
  'settings/get' | 'settings/set'
> & {
  read(): Promise<Settings>;
} {
  // A stored value that no longer passes the schema falls back to the defaults rather than
  // leaving the extension unusable.
  const read = async (): Promise<Settings> => {
    const parsed = Settings.safeParse(await store.get());
    return parsed.success ? parsed.data : { relayUrl: DEFAULT_RELAY_URL };
  };
  return {
    read,
    'settings/get': read,
    'settings/set': async (settings) => {
      await store.set(settings);
      return settings;
    },
  };
}
