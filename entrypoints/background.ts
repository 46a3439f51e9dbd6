import { browser } from 'wxt/browser';
import { storage } from 'wxt/utils/storage';
import { createAccountHandlers } from '@/lib/background/accounts';
import { createBackupHandlers } from '@/lib/background/backup';
import { createOutbox } from '@/lib/background/outbox';
import { createRelayPort } from '@/lib/background/relay';
import { createSellerCentralHandlers } from '@/lib/background/seller-central';
import { createSettingsHandlers } from '@/lib/background/settings';
import { createSettlementHandlers } from '@/lib/background/settlements';
import { createXeroHandlers } from '@/lib/background/xero';
import { getDb } from '@/lib/db';
import { matchAccount } from '@/lib/match-account';
import { dispatch, type Sender } from '@/lib/messages';
import type { Settings } from '@/lib/settings';

const OUTBOX_ALARM = 'settlebridge-outbox';

// No fallback: an unset value is how the UI knows the relay is a default nobody chose.
const settingsItem = storage.defineItem<Settings>('local:settings', {
  version: 1,
});

export default defineBackground(() => {
  const db = getDb();
  const settings = createSettingsHandlers({
    get: () => settingsItem.getValue(),
    set: (v) => settingsItem.setValue(v),
  });
  const sellerCentral = createSellerCentralHandlers(db, browser.storage.session, {
    activeTabId: async () => (await browser.tabs.query({ active: true, lastFocusedWindow: true }))[0]?.id,
    update: async (tabId, url) => void (await browser.tabs.update(tabId, { url, active: true })),
    create: async (url) => (await browser.tabs.create({ url })).id ?? -1,
    // Firefox's MV2 build has browserAction where Chrome's MV3 has action.
    setBadge: (tabId, text) => (browser.action ?? browser.browserAction).setBadgeText({ tabId, text }),
  });
  const relay = createRelayPort(async () => (await settings.read()).relayUrl);

  // The outbox wakes on start, on new work, on its own timer while the worker lives, and
  // on an alarm that restarts a stopped worker.
  let wakeTimer: ReturnType<typeof setTimeout> | undefined;
  const outbox = createOutbox({
    db,
    relay,
    wakeAt: (at) => {
      clearTimeout(wakeTimer);
      wakeTimer = setTimeout(() => void outbox.drain(), Math.max(0, at - Date.now()));
    },
  });
  void browser.alarms.create(OUTBOX_ALARM, { periodInMinutes: 1 });
  browser.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === OUTBOX_ALARM) void outbox.drain();
  });

  const handlers = {
    ...createAccountHandlers(db, Date, sellerCentral.currentContext),
    ...sellerCentral,
    ...settings,
    ...createBackupHandlers(db),
    ...createSettlementHandlers({
      db,
      outbox,
      accountForTab: async (tabId) => {
        if (tabId === undefined) return undefined;
        return matchAccount(await db.accounts.toArray(), await sellerCentral.contextForTab(tabId));
      },
      estimateSeconds: async () => outbox.estimateSeconds(),
      // The send is confirmed in an extension-origin window the page cannot script.
      openConfirm: async (settlementKeys) => {
        const url = `${browser.runtime.getURL('/confirm.html')}#${encodeURIComponent(JSON.stringify(settlementKeys))}`;
        await browser.windows.create({ url, type: 'popup', width: 760, height: 820 });
      },
    }),
    ...createXeroHandlers({
      db,
      relay,
      returnUrl: () => browser.identity.getRedirectURL('xero'),
      webAuthFlow: async (url) => {
        const finalUrl = await browser.identity.launchWebAuthFlow({ url, interactive: true });
        if (!finalUrl) throw new Error('The Xero window closed without an answer.');
        return finalUrl;
      },
      onReconnected: async (connectionId) => {
        await outbox.resume(connectionId);
        void outbox.drain();
      },
    }),
  };
  const self = { id: browser.runtime.id, origin: browser.runtime.getURL('/') };

  browser.runtime.onMessage.addListener((message: unknown, sender: Sender) =>
    dispatch(handlers, message, sender, self),
  );
  browser.tabs.onRemoved.addListener((tabId) => void sellerCentral.forgetTab(tabId));
  void outbox.drain();
});
