import preact from '@preact/preset-vite';
import { defineConfig } from 'wxt';

// Host match patterns for every Seller Central host Settlebridge supports. The list is
// kept in lib/marketplaces.ts; wxt.config.ts only reads it so the manifest and the
// runtime code can never disagree.
import { DEV_CHROME_KEY, GECKO_ID } from './lib/extension-ids';
import { LOCALES } from './lib/i18n';
import { CATALOGS } from './lib/i18n-catalogs';
import { sellerCentralMatchPatterns } from './lib/marketplaces';
import { RelayUrl } from './lib/settings';

function buildRelayUrl(): string {
  const raw = process.env.RELAY_URL;
  if (!raw) return '';
  const parsed = RelayUrl.safeParse(raw);
  if (!parsed.success)
    throw new Error(`RELAY_URL: ${parsed.error.issues[0]?.message ?? 'not a relay address'}`);
  return parsed.data;
}

/**
 * The manifest's name, description and shortcut label in every language, for the store
 * listing and the browser's extensions page: _locales/<lang>/messages.json (the browsers'
 * own i18n, read through __MSG_…__ in the manifest), generated from the catalogs'
 * `manifest.*` entries so locales/*.json stays the one place translations live.
 */
const MANIFEST_MESSAGES = {
  name: 'manifest.name',
  description: 'manifest.description',
  openSwitcher: 'manifest.openSwitcher',
} as const;

function manifestLocales() {
  return LOCALES.map((locale) => ({
    relativeDest: `_locales/${locale}/messages.json`,
    contents: `${JSON.stringify(
      Object.fromEntries(
        Object.entries(MANIFEST_MESSAGES).map(([name, key]) => [
          name,
          { message: CATALOGS[locale][key] ?? CATALOGS.en[key] },
        ]),
      ),
      null,
      2,
    )}\n`,
  }));
}

/** Entrypoints that exist only for the benchmarks (bench:popup, bench:settlements-page); never shipped. */
const BENCH_ONLY_ENTRYPOINTS = new Set(['bench-blank']);

export default defineConfig({
  modules: ['@wxt-dev/webextension-polyfill'],
  vite: () => ({
    plugins: [preact()],
    // The hosted relay a store build talks to (lib/settings.ts); checked like a typed one.
    define: { 'import.meta.env.RELAY_URL': JSON.stringify(buildRelayUrl()) },
  }),
  hooks: {
    'build:publicAssets': (_wxt, files) => {
      files.push(...manifestLocales());
    },
    // The benchmark's empty baseline page lives in entrypoints/ so WXT builds it like any
    // other extension page, but it is dropped here unless the benchmark asks for it.
    // Dropped at discovery rather than marked skipped, so normal builds print no warning.
    'entrypoints:found': (_wxt, infos) => {
      if (process.env.SETTLEBRIDGE_BENCH === '1') return;
      for (let i = infos.length - 1; i >= 0; i--) {
        if (BENCH_ONLY_ENTRYPOINTS.has(infos[i]!.name)) infos.splice(i, 1);
      }
    },
  },
  manifest: ({ browser }) => ({
    name: '__MSG_name__',
    description: '__MSG_description__',
    default_locale: 'en',
    // storage: account metadata and settings; alarms: draining the send outbox;
    // identity: the Xero consent window (launchWebAuthFlow), which shows no install warning;
    // notifications: telling the user once when a background send fails or a Xero
    // connection needs reconnecting (the Settlements page has a switch to turn them off).
    permissions: ['storage', 'alarms', 'identity', 'notifications'],
    host_permissions: sellerCentralMatchPatterns(),
    commands: {
      // Firefox builds MV2, where the toolbar button is the browser_action.
      [browser === 'firefox' ? '_execute_browser_action' : '_execute_action']: {
        suggested_key: { default: 'Alt+Shift+S' },
        description: '__MSG_openSwitcher__',
      },
    },
    ...(browser === 'firefox'
      ? {
          browser_specific_settings: {
            gecko: {
              id: GECKO_ID,
              strict_min_version: '128.0',
              data_collection_permissions: { required: ['none'] },
            },
          },
        }
      : // A local Chrome build gets a fixed id (lib/extension-ids.ts) so the relay's default
        // ALLOWED_EXTENSION_IDS accepts its sign-in; a store build (RELAY_URL set) gets the
        // store's own id.
        process.env.RELAY_URL
        ? {}
        : { key: DEV_CHROME_KEY }),
  }),
});
