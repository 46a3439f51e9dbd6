import type { Handlers } from '../messages';
import { DEFAULT_RELAY_URL, IS_LOCAL_BUILD, Settings, type SettingsView } from '../settings';

export interface SettingsStore {
  get(): Promise<unknown>;
  set(value: Settings): Promise<void>;
}

export interface SettingsDeps {
  /** The stored settings item (lib/storage.ts). */
  store: SettingsStore;
}

export function createSettingsHandlers({ store }: SettingsDeps): Pick<
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
  const view = async (): Promise<SettingsView> => {
    const parsed = Settings.safeParse(await store.get());
    return parsed.success
      ? { ...parsed.data, isDefault: false, isLocalBuild: IS_LOCAL_BUILD }
      : { relayUrl: DEFAULT_RELAY_URL, isDefault: true, isLocalBuild: IS_LOCAL_BUILD };
  };
  return {
    read,
    'settings/get': view,
    'settings/set': async (settings) => {
      await store.set(settings);
      return { ...settings, isDefault: false, isLocalBuild: IS_LOCAL_BUILD };
    },
  };
}
