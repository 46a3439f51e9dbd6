import { z } from 'zod';

const isLoopback = (host: string) => host === 'localhost' || host === '127.0.0.1' || host === '[::1]';

/** The relay's base URL: https anywhere, plain http only on this machine (development). */
export const RelayUrl = z
  .string()
  .trim()
  .url('The relay address must be a full URL, such as https://relay.example.com.')
  .refine((value) => {
    const url = new URL(value);
    return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(url.hostname));
  }, 'The relay address must use https (plain http is allowed only for localhost).')
  .transform((value) => value.replace(/\/+$/, ''));

/** The relay a local build talks to unless the seller chooses another. */
export const LOCAL_RELAY_URL = 'http://127.0.0.1:8787';

/**
 * RELAY_URL at build time (wxt.config.ts) names the hosted relay a store build uses; a
 * build without it falls back to the local relay and says so in the first-run UI instead
 * of quietly sending a seller's data to 127.0.0.1.
 */
const BUILD_RELAY_URL: string | undefined = import.meta.env?.RELAY_URL || undefined;

export const DEFAULT_RELAY_URL = BUILD_RELAY_URL ?? LOCAL_RELAY_URL;
export const IS_LOCAL_BUILD = BUILD_RELAY_URL === undefined;

export const Settings = z.object({
  relayUrl: RelayUrl,
});
export type Settings = z.infer<typeof Settings>;

/** What the UI is told: the settings, and whether the relay is a default nobody chose. */
export const SettingsView = Settings.extend({
  /** True until the seller saves a relay address: the UI shows which default is in use. */
  isDefault: z.boolean(),
  /** A build without RELAY_URL: the default is the local development relay. */
  isLocalBuild: z.boolean(),
});
export type SettingsView = z.infer<typeof SettingsView>;
