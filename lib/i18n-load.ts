/**
 * Applies the seller's stored language choice (Settings → Language) and the browser's UI
 * language to lib/i18n.ts. Pages and the content script call this before their first render;
 * the background again when the choice changes. Kept apart from lib/i18n.ts, which
 * components import and which therefore touches no browser API.
 */
import { browser } from 'wxt/browser';
import { getLocale, LANGUAGE_STORAGE_KEY, type Locale, setLocale, storedChoice } from './i18n';

/** Never throws: without storage, the browser's language. */
export async function loadLocale(): Promise<Locale> {
  let ui: string | undefined;
  try {
    ui = browser.i18n?.getUILanguage?.();
  } catch {
    // Not an extension context: navigator's languages decide.
  }
  try {
    const got = await browser.storage.local.get(LANGUAGE_STORAGE_KEY);
    setLocale(storedChoice(got?.[LANGUAGE_STORAGE_KEY]), ui);
  } catch {
    setLocale(null, ui);
  }
  return getLocale();
}
