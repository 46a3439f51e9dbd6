import preact from '@preact/preset-vite';
import { defineConfig } from 'wxt';

// Host match patterns for every Seller Central host Settlebridge supports. The list is
// kept in lib/marketplaces.ts; wxt.config.ts only reads it so the manifest and the
// runtime code can never disagree.
import { sellerCentralMatchPatterns } from './lib/marketplaces';

export default defineConfig({
  modules: ['@wxt-dev/webextension-polyfill'],
  vite: () => ({ plugins: [preact()] }),
  manifest: ({ browser }) => ({
    name: 'Settlebridge',
    description:
      'Switch between your Amazon seller accounts and send their settlements to one Xero organisation.',
    permissions: ['storage', 'alarms'],
    host_permissions: sellerCentralMatchPatterns(),
    ...(browser === 'firefox'
      ? {
          browser_specific_settings: {
            gecko: {
              id: 'settlebridge@settlebridge.app',
              strict_min_version: '128.0',
              data_collection_permissions: { required: ['none'] },
            },
          },
        }
      : {}),
  }),
});
