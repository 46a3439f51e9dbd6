/**
 * The extension's languages: message catalogs in locales/<code>.json (English is the
 * reference; test/unit/i18n.test.ts fails when another catalog lacks a key or a
 * placeholder), `t()` to look a message up, and Intl formatting of dates, numbers and money
 * in the user's locale.
 *
 * The language follows the browser's UI language unless the seller picked one on the
 * options page; that choice is stored in storage.local under LANGUAGE_STORAGE_KEY
 * (storageItems.language in lib/storage.ts, like the other settings) and read by every page and the content script before they render.
 * browser.i18n (and @wxt-dev/i18n, which wraps it) cannot switch language at run time,
 * which is why the catalogs are bundled and looked up here.
 *
 * Money is formatted only: amounts arrive as exact decimal strings (formatMinor), and
 * Intl.NumberFormat formats a decimal string exactly (ECMA-402 "Intl.NumberFormat v3"),
 * so no amount ever passes through a float.
 */

import en from '../locales/en.json';

export const LOCALES = ['en', 'de', 'fr', 'it', 'es', 'ja'] as const;
export type Locale = (typeof LOCALES)[number];
export type MessageKey = keyof typeof en;
export type Catalog = Record<string, string>;

/** Each language's name in itself, for the language picker. */
export const LOCALE_NAMES: Record<Locale, string> = {
  en: 'English',
  de: 'Deutsch',
  fr: 'Français',
  it: 'Italiano',
  es: 'Español',
  ja: '日本語',
};

/** English, the reference: always here, and the fallback for a key another catalog lacks. */
export const ENGLISH: Readonly<Catalog> = en;

/**
 * The catalogs this page has. Only English is bundled with every page: the others are a
 * sixth of the whole each, and a page parses what it bundles before it can paint, so
 * lib/i18n-load.ts adds the one language a page needs before its first render, and
 * lib/i18n-catalogs.ts adds them all where everything is wanted at once (background,
 * content script, tests, the build).
 */
const catalogs: Partial<Record<Locale, Catalog>> = { en };

export function addCatalog(locale: Locale, catalog: Catalog): void {
  catalogs[locale] = catalog;
}

export function hasCatalog(locale: Locale): boolean {
  return catalogs[locale] !== undefined;
}

/** The storage.local key of the seller's language choice ('' or missing: the browser's). */
export const LANGUAGE_STORAGE_KEY = 'language';

const isLocale = (value: unknown): value is Locale =>
  typeof value === 'string' && (LOCALES as readonly string[]).includes(value);

/**
 * The browser's language as a BCP 47 tag, e.g. "de-DE": the first of the user's preferred
 * languages (the browser's language settings, navigator.languages) that Settlebridge
 * speaks, else the browser's UI language. The preferred languages come first because they
 * are what the user set for reading, and because headless Chromium (the tests) reports
 * en-US as its UI language whatever --lang says.
 */
function browserLanguage(): string {
  const preferred = globalThis.navigator?.languages ?? [];
  const spoken = preferred.find((tag) => isLocale(tag.toLowerCase().split(/[-_]/)[0]));
  if (spoken) return spoken;
  return uiLanguage ?? globalThis.navigator?.language ?? 'en';
}

/** The browser's UI language (browser.i18n), handed in by lib/i18n-load.ts. */
let uiLanguage: string | undefined;

/** The supported language a BCP 47 tag asks for, or English. */
export function matchLocale(tag: string): Locale {
  const base = tag.toLowerCase().split(/[-_]/)[0] ?? '';
  return isLocale(base) ? base : 'en';
}

let current: Locale = matchLocale(browserLanguage());
/** The tag Intl formats with: the browser's own (de-AT) when it is the chosen language. */
let intlTag = intlTagFor(current);

function intlTagFor(locale: Locale): string {
  const tag = browserLanguage();
  return matchLocale(tag) === locale ? tag : locale;
}

export function getLocale(): Locale {
  return current;
}

/**
 * Switches the language for this page; `null` goes back to the browser's. `browserUiLanguage`
 * is the extension API's UI language when the caller has it (lib/i18n-load.ts): this module
 * stays free of browser APIs so components can use it.
 */
export function setLocale(choice: Locale | null, browserUiLanguage?: string): void {
  if (browserUiLanguage) uiLanguage = browserUiLanguage;
  current = localeFor(choice);
  intlTag = intlTagFor(current);
  if (globalThis.document?.documentElement) document.documentElement.lang = intlTag;
}

/** The language `choice` means: itself, or for `null` the browser's. */
export function localeFor(choice: Locale | null): Locale {
  return choice ?? matchLocale(browserLanguage());
}

/** The stored choice from a storage.local answer, or null when none (or not a language). */
export function storedChoice(value: unknown): Locale | null {
  return isLocale(value) ? value : null;
}

export type Params = Record<string, string | number>;

function fill(template: string, params: Params | undefined): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.hasOwn(params, name) ? String(params[name]) : whole,
  );
}

function lookup(key: string, locale: Locale): string {
  return catalogs[locale]?.[key] ?? (en as Catalog)[key] ?? key;
}

/** The message `key` in the current language, with `{name}` placeholders filled from `params`. */
export function t(key: MessageKey, params?: Params): string {
  return fill(lookup(key, current), params);
}

/** Plural-aware lookup: `key_one`, `key_other`… chosen by Intl.PluralRules for `count`. */
export function tp(key: string, count: number, params?: Params): string {
  const category = new Intl.PluralRules(intlTag).select(count);
  const catalog = catalogs[current] ?? (en as Catalog);
  const template =
    catalog[`${key}_${category}`] ??
    catalog[`${key}_other`] ??
    (en as Catalog)[`${key}_${count === 1 ? 'one' : 'other'}`] ??
    key;
  return fill(template, { count: formatInteger(count), ...params });
}

/** A country's or region's name (ISO 3166 code) in the user's language, or undefined. */
export function formatRegion(isoCode: string): string | undefined {
  try {
    const name = new Intl.DisplayNames(intlTag, { type: 'region', fallback: 'none' }).of(isoCode);
    return name || undefined;
  } catch {
    return undefined;
  }
}

/** A whole number (a count) in the user's locale. */
export function formatInteger(n: number): string {
  return new Intl.NumberFormat(intlTag).format(n);
}

const DECIMAL = /^-?\d+(\.\d+)?$/;

/**
 * An exact decimal string ("1234.50", "-3.10", "1200") as money in the user's locale:
 * "1.234,50 €" in German, "€1,234.50" in English. The decimal places are the string's own
 * (the currency's minor digits, as formatMinor wrote them), so nothing is rounded.
 * Anything that is not a plain decimal is returned unchanged with its currency.
 */
export function formatMoney(decimal: string, currency: string): string {
  if (!DECIMAL.test(decimal)) return `${decimal} ${currency}`;
  const digits = decimal.split('.')[1]?.length ?? 0;
  try {
    return new Intl.NumberFormat(intlTag, {
      style: 'currency',
      currency,
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    }).format(decimal as Intl.StringNumericLiteral);
  } catch {
    return `${formatAmount(decimal)} ${currency}`;
  }
}

/** An exact decimal string as a plain number in the user's locale ("1.234,50"), digits kept. */
export function formatAmount(decimal: string): string {
  if (!DECIMAL.test(decimal)) return decimal;
  const digits = decimal.split('.')[1]?.length ?? 0;
  return new Intl.NumberFormat(intlTag, {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(decimal as Intl.StringNumericLiteral);
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A calendar date ("2026-03-14") in the user's locale; other text is returned unchanged. */
export function formatDate(isoDate: string): string {
  const m = ISO_DATE.exec(isoDate);
  if (!m) return isoDate;
  const utc = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return new Intl.DateTimeFormat(intlTag, { dateStyle: 'medium', timeZone: 'UTC' }).format(utc);
}

/** A moment (epoch ms) as date and time in the user's locale and time zone. */
export function formatDateTime(ms: number): string {
  return new Intl.DateTimeFormat(intlTag, { dateStyle: 'medium', timeStyle: 'short' }).format(ms);
}

/** A duration in seconds, rounded for a progress estimate ("3 min", "45 s"). */
export function formatDuration(seconds: number): string {
  const [value, unit] =
    seconds < 60 ? [Math.max(1, Math.round(seconds)), 'second'] : [Math.round(seconds / 60), 'minute'];
  return new Intl.NumberFormat(intlTag, { style: 'unit', unit, unitDisplay: 'short' }).format(value);
}
