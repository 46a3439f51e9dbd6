import { browser } from 'wxt/browser';
import { storage } from 'wxt/utils/storage';
import { createAccountHandlers } from '@/lib/background/accounts';
import { createBackupHandlers } from '@/lib/background/backup';
import { createBooksHandlers } from '@/lib/background/books';
import { systemClock } from '@/lib/background/clock';
import { createConnectionHandlers } from '@/lib/background/connections';
import { createHistoryHandlers, createProblemWatch } from '@/lib/background/history';
import { createMappingHandlers } from '@/lib/background/mapping';
import { createOutbox } from '@/lib/background/outbox';
import { createPopupHandlers } from '@/lib/background/popup';
import { createRelayPort } from '@/lib/background/relay';
import { createSellerCentralHandlers } from '@/lib/background/seller-central';
import { createSettingsHandlers } from '@/lib/background/settings';
import { createSettlementHandlers } from '@/lib/background/settlements';
import { createXeroHandlers, type XeroDeps } from '@/lib/background/xero';
import { getDb } from '@/lib/db';
import { LANGUAGE_STORAGE_KEY } from '@/lib/i18n';
// Notifications and errors may need any language, whenever the seller switches: all here.
import '@/lib/i18n-catalogs';
import { loadLocale } from '@/lib/i18n-load';
import { loadOrCreateInstallKey } from '@/lib/install-key';
import { matchAccount } from '@/lib/match-account';
import { dispatch, Envelope, type Sender } from '@/lib/messages';
import { storageItems, storedItem } from '@/lib/storage';

const OUTBOX_ALARM = 'settlebridge-outbox';

// Every stored item is declared in lib/storage.ts and checked against its schema on read.
const settingsItem = storedItem(storage, storageItems.settings);
const notifyProblemsItem = storedItem(storage, storageItems.notifyProblems);
const announcedProblemsItem = storedItem(storage, storageItems.announcedProblems);

export default defineBackground(() => {
  // Notifications and errors speak the seller's language: the stored choice, kept current.
  void loadLocale();
  browser.storage.onChanged.addListener((changes, area) => {
    if (area === 'local' && LANGUAGE_STORAGE_KEY in changes) void loadLocale();
  });
  const db = getDb();
  // One clock for every background module.
  const clock = systemClock;
  const settings = createSettingsHandlers({
    store: { get: settingsItem.get, set: settingsItem.set },
  });
  const sellerCentral = createSellerCentralHandlers({
    session: browser.storage.session,
    tabs: {
      activeTabId: async () => (await browser.tabs.query({ active: true, lastFocusedWindow: true }))[0]?.id,
      update: async (tabId, url) => void (await browser.tabs.update(tabId, { url, active: true })),
      create: async (url) => (await browser.tabs.create({ url })).id ?? -1,
      // Firefox's MV2 build has browserAction where Chrome's MV3 has action.
      setBadge: (tabId, text) => (browser.action ?? browser.browserAction).setBadgeText({ tabId, text }),
    },
    clock,
  });
  const relay = createRelayPort({
    relayUrl: async () => (await settings.read()).relayUrl,
    loadKey: loadOrCreateInstallKey,
  });

  // Firefox's MV2 build has browserAction where Chrome's MV3 has action.
  const toolbar = browser.action ?? browser.browserAction;
  const problems = createProblemWatch({
    db,
    setBadge: async (text) => {
      await toolbar.setBadgeBackgroundColor({ color: '#b3261e' });
      await toolbar.setBadgeText({ text });
    },
    notify: async ({ key, title, message }) => {
      // A fresh id each time: a repeat would show up as a second notification, not replace one.
      await browser.notifications.create(`${key}#${Date.now()}`, {
        type: 'basic',
        iconUrl: browser.runtime.getURL('/notification-icon.png'),
        title,
        message,
      });
    },
    notificationsEnabled: notifyProblemsItem,
    announced: announcedProblemsItem,
  });
  const openSettlementsPage = () => browser.tabs.create({ url: browser.runtime.getURL('/settlements.html') });
  browser.notifications.onClicked.addListener(() => void openSettlementsPage());

  // The outbox wakes on start, on new work, on its own timer while the worker lives, and
  // on an alarm that restarts a stopped worker.
  let wakeTimer: ReturnType<typeof setTimeout> | undefined;
  const outbox = createOutbox({
    db,
    relay,
    clock,
    onSettlementsChanged: () => void problems.refresh(),
    wakeAt: (at) => {
      clearTimeout(wakeTimer);
      wakeTimer = setTimeout(() => void outbox.drain(), Math.max(0, at - Date.now()));
    },
  });
  void browser.alarms.create(OUTBOX_ALARM, { periodInMinutes: 1 });
  browser.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === OUTBOX_ALARM) void outbox.drain().then(problems.refresh);
  });

  const accountForTab = async (tabId: number | undefined) => {
    if (tabId === undefined) return undefined;
    return matchAccount(await db.accounts.toArray(), await sellerCentral.contextForTab(tabId));
  };
  const settlementHandlers = createSettlementHandlers({
    db,
    clock,
    outbox,
    accountForTab,
    estimateSeconds: async () => outbox.estimateSeconds(),
    // The send is confirmed in an extension-origin window the page cannot script.
    openConfirm: async (settlementKeys) => {
      const url = `${browser.runtime.getURL('/confirm.html')}#${encodeURIComponent(JSON.stringify(settlementKeys))}`;
      await browser.windows.create({ url, type: 'popup', width: 760, height: 820 });
    },
  });
  // The Settlements page is an extension page: no tab, so no "which account does this tab
  // show" check applies to it.
  const pageContext = { sender: {} };
  const xeroDeps: XeroDeps = {
    db,
    clock,
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
  };

  const handlers = {
    ...createAccountHandlers({ db, clock, sellerCentral }),
    ...createPopupHandlers({ db, sellerCentral }),
    ...sellerCentral,
    ...settings,
    ...createBackupHandlers({ db, clock }),
    ...createBooksHandlers({ db, clock, relay }),
    ...settlementHandlers,
    ...createMappingHandlers({ db, clock, accountForTab }),
    ...createHistoryHandlers({
      db,
      clock,
      outbox,
      send: (settlementKey) => settlementHandlers['settlement/send']({ settlementKey }, pageContext),
      preview: (settlementKey) => settlementHandlers['settlement/preview']({ settlementKey }, pageContext),
      notificationsEnabled: notifyProblemsItem,
      onChanged: () => void problems.refresh(),
    }),
    ...createXeroHandlers(xeroDeps),
    ...createConnectionHandlers(xeroDeps),
  };
  const self = { id: browser.runtime.id, origin: browser.runtime.getURL('/') };

  browser.runtime.onMessage.addListener(async (message: unknown, sender: Sender) => {
    const reply = await dispatch(handlers, message, sender, self);
    // Connection checks and reconnects change what needs the user: the badge follows.
    const type = Envelope.safeParse(message).data?.type ?? '';
    if (reply?.ok && /^(connection|xero)\//.test(type)) void problems.refresh();
    return reply;
  });
  browser.tabs.onRemoved.addListener((tabId) => void sellerCentral.forgetTab(tabId));
  void outbox.drain();
  void problems.refresh();
});
