import { browser } from 'wxt/browser';
import { createAccountHandlers } from '@/lib/background/accounts';
import { createPageContextHandlers } from '@/lib/background/page-contexts';
import { getDb } from '@/lib/db';
import { dispatch, type Sender } from '@/lib/messages';

export default defineBackground(() => {
  const pages = createPageContextHandlers(
    browser.storage.session,
    async () => (await browser.tabs.query({ active: true, lastFocusedWindow: true }))[0]?.id,
  );
  const handlers = { ...createAccountHandlers(getDb()), ...pages };
  const self = { id: browser.runtime.id, origin: browser.runtime.getURL('/') };

  browser.runtime.onMessage.addListener((message: unknown, sender: Sender) =>
    dispatch(handlers, message, sender, self),
  );
  browser.tabs.onRemoved.addListener((tabId) => void pages.forgetTab(tabId));
});
