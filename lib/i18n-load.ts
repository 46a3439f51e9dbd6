/**
 * Applies the seller's stored language choice (Settings → Language) and the browser's UI
 * language to lib/i18n.ts. Pages and the content script call this before their first render;
 * the background again when the choice changes. Kept apart from lib/i18n.ts, which
 * components import and which therefore touches no browser API.
 */
import { browser } from 'wxt/browser';
import {
  addCatalog,
  type Catalog,
  getLocale,
  hasCatalog,
  LANGUAGE_STORAGE_KEY,
  type Locale,
  localeFor,
  setLocale,
  storedChoice,
} from './i18n';

/** Each language's catalog as its own chunk, fetched only by a page that shows it. */
const CATALOG_CHUNKS: Record<Exclude<Locale, 'en'>, () => Promise<{ default: Catalog }>> = {
  de: () => import('../locales/de.json'),
  fr: () => import('../locales/fr.json'),
  it: () => import('../locales/it.json'),
  es: () => import('../locales/es.json'),
  ja: () => import('../locales/ja.json'),
};

/** Makes `locale`'s catalog available to t(). Never throws: without it, English stands in. */
export async function loadCatalog(locale: Locale): Promise<void> {
  if (locale === 'en' || hasCatalog(locale)) return;
  try {
    addCatalog(locale, (await CATALOG_CHUNKS[locale]()).default);
  } catch {
    // A chunk that cannot load leaves the English text, not a page that never renders.
  }
}

/** Switches to `choice` (null: the browser's language) once its catalog is here. */
export async function applyLocale(choice: Locale | null): Promise<Locale> {
  await loadCatalog(localeFor(choice));
  setLocale(choice);
  return getLocale();
}

/** Never throws: without storage, the browser's language. */
export async function loadLocale(): Promise<Locale> {
  let ui: string | undefined;
  let choice: Locale | null = null;
  try {
    ui = browser.i18n?.getUILanguage?.();
  } catch {
    // Not an extension context: navigator's languages decide.
  }
  try {
    const got = await browser.storage.local.get(LANGUAGE_STORAGE_KEY);
    choice = storedChoice(got?.[LANGUAGE_STORAGE_KEY]);
  } catch {
    // Without storage, the browser's language.
  }
  setLocale(choice, ui);
  await loadCatalog(getLocale());
  return getLocale();
}
