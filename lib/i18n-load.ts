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

/**
 * The stored choice, copied into the extension origin's localStorage ('' for the browser's
 * language) whenever a page reads or changes it, so the popup can read it synchronously.
 * storage.local stays the truth; the copy only spares the popup's first paint a round trip.
 */
export const LANGUAGE_COPY_KEY = 'settlebridge.language';

/** `copy` is an extension page's localStorage; never a web page's (the content script's). */
function keepCopy(copy: Pick<Storage, 'setItem'> | undefined, choice: Locale | null): void {
  try {
    copy?.setItem(LANGUAGE_COPY_KEY, choice ?? '');
  } catch {
    // No copy only costs the next popup its round trip.
  }
}

/**
 * Applies the copied choice at once when there is one and its catalog is already here
 * (English, or the browser's language is English). False: call loadLocale() and wait.
 */
export function applyCopiedLocale(storage: Pick<Storage, 'getItem'> | undefined): boolean {
  let copy: string | null | undefined;
  try {
    copy = storage?.getItem(LANGUAGE_COPY_KEY);
  } catch {
    return false;
  }
  if (copy === null || copy === undefined) return false;
  const choice = storedChoice(copy);
  if (copy !== '' && !choice) return false;
  if (!hasCatalog(localeFor(choice))) return false;
  let ui: string | undefined;
  try {
    ui = browser.i18n?.getUILanguage?.();
  } catch {
    // Not an extension context: navigator's languages decide.
  }
  setLocale(choice, ui);
  return true;
}

/** Switches to `choice` (null: the browser's language) once its catalog is here. */
export async function applyLocale(choice: Locale | null, copy?: Pick<Storage, 'setItem'>): Promise<Locale> {
  await loadCatalog(localeFor(choice));
  setLocale(choice);
  keepCopy(copy, choice);
  return getLocale();
}

/** Never throws: without storage, the browser's language. */
export async function loadLocale(copy?: Pick<Storage, 'setItem'>): Promise<Locale> {
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
  keepCopy(copy, choice);
  await loadCatalog(getLocale());
  return getLocale();
}
