import type { SellerCentral } from '../../../lib/background/seller-central';

/** For tests of accounts without a Seller Central tab: no page open, and no tab to switch. */
export const noSellerCentral: Pick<SellerCentral, 'currentContext' | 'currentTab' | 'openSwitch'> = {
  currentContext: async () => null,
  currentTab: async () => undefined,
  openSwitch: async () => {
    throw new Error('This test has no Seller Central tab to switch.');
  },
};
