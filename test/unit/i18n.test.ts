/**
 * The message catalogs (locales/*.json) against the English reference, and Intl formatting
 * of money, numbers and dates. A catalog that lacks a key, has a stray one, or drops or
 * invents a {placeholder} fails here rather than showing a key or an English fallback.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  formatAmount,
  formatDate,
  formatMoney,
  LANGUAGE_STORAGE_KEY,
  LOCALES,
  type Locale,
  matchLocale,
  setLocale,
  storedChoice,
  t,
  tp,
} from '@/lib/i18n';
import { CATALOGS } from '@/lib/i18n-catalogs';
import { storageItems } from '@/lib/storage';

const root = join(import.meta.dirname, '../..');
const en = CATALOGS.en;
const PLURAL = /_(zero|one|two|few|many|other)$/;
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
/** Intl's plural categories for a language; "many" (French millions) falls back to "other". */
const categories = (locale: Locale) =>
  new Intl.PluralRules(locale).resolvedOptions().pluralCategories.filter((c) => c !== 'many');
/** Plain spaces for comparing Intl output, which uses no-break spaces. */
const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

/** The keys `locale` must have: every plain key, and each plural in the forms it uses. */
function expectedKeys(locale: Locale): string[] {
  const keys = new Set<string>();
  for (const key of Object.keys(en)) {
    const m = PLURAL.exec(key);
    if (!m) keys.add(key);
    else for (const c of categories(locale)) keys.add(`${key.slice(0, m.index)}_${c}`);
  }
  return [...keys].sort();
}

afterEach(() => setLocale('en'));

describe('message catalogs', () => {
  it('ships one catalog per supported language and nothing else', () => {
    const files = readdirSync(join(root, 'locales')).filter((f) => f.endsWith('.json'));
    expect(files.map((f) => f.replace('.json', '')).sort()).toEqual([...LOCALES].sort());
  });

  it.each(LOCALES.filter((l) => l !== 'en'))(
    '%s has exactly the English keys (plural forms per Intl)',
    (locale) => {
      const missing = expectedKeys(locale).filter((k) => !(k in CATALOGS[locale]));
      const stray = Object.keys(CATALOGS[locale]).filter((k) => {
        const m = PLURAL.exec(k);
        return m ? !(`${k.slice(0, m.index)}_other` in en) : !(k in en);
      });
      expect(missing, `${locale}.json lacks these keys`).toEqual([]);
      expect(stray, `${locale}.json has keys English does not`).toEqual([]);
    },
  );

  it.each(LOCALES)('%s keeps every placeholder and leaves no message empty', (locale) => {
    for (const [key, text] of Object.entries(CATALOGS[locale])) {
      expect(text.trim(), `${locale}: ${key} is empty`).not.toBe('');
      const m = PLURAL.exec(key);
      const reference =
        (m ? en[`${key.slice(0, m.index)}_other` as keyof typeof en] : en[key as keyof typeof en]) ?? '';
      // A singular may spell the count out ("The settlement is…"); every other name must match.
      const want = placeholders(reference).filter((p) => !(m && p === 'count'));
      const got = placeholders(text).filter((p) => !(m && p === 'count'));
      expect(got, `${locale}: ${key}`).toEqual(want);
    }
  });

  it('every tp() key in the source has plural forms in English', () => {
    const dirs = ['components', 'entrypoints', 'lib'];
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (/\.tsx?$/.test(entry.name)) files.push(path);
      }
    };
    for (const d of dirs) walk(join(root, d));
    const bases = new Set<string>();
    for (const file of files)
      for (const m of readFileSync(file, 'utf8').matchAll(/\btp\(\s*'([\w.]+)'/g)) bases.add(m[1]!);
    expect(bases.size).toBeGreaterThan(5);
    for (const base of bases) {
      expect(en, base).toHaveProperty([`${base}_one`]);
      expect(en, base).toHaveProperty([`${base}_other`]);
    }
  });
});

describe('language choice', () => {
  it('stores the choice under the registered storage item, accepting exactly the shipped languages', () => {
    expect(LANGUAGE_STORAGE_KEY).toBe(storageItems.language.key);
    expect(storageItems.language.area).toBe('local');
    for (const l of LOCALES) expect(storageItems.language.schema.safeParse(l).success).toBe(true);
    expect(storageItems.language.schema.safeParse('pt').success).toBe(false);
  });

  it('matches browser tags to supported languages, else English', () => {
    expect(matchLocale('de-AT')).toBe('de');
    expect(matchLocale('ja')).toBe('ja');
    expect(matchLocale('pt-BR')).toBe('en');
    expect(storedChoice('fr')).toBe('fr');
    expect(storedChoice('xx')).toBeNull();
    expect(storedChoice(42)).toBeNull();
  });

  it('looks messages up in the chosen language and fills placeholders', () => {
    setLocale('de');
    expect(t('preview.titleOne', { id: '123' })).toBe('Abrechnung 123 an Xero senden');
    expect(tp('history.settlements', 1)).toBe('1 Abrechnung');
    expect(tp('history.settlements', 1234)).toBe('1.234 Abrechnungen');
    setLocale('ja');
    expect(tp('history.settlements', 1)).toBe('1 件の精算');
    setLocale('en');
    expect(t('control.send')).toBe('Send to Xero');
  });
});

describe('Intl formatting of exact amounts', () => {
  it('formats money in German as 1.234,50 €', () => {
    setLocale('de');
    expect(plain(formatMoney('1234.50', 'EUR'))).toBe('1.234,50 €');
    expect(plain(formatMoney('-3.10', 'EUR'))).toBe('-3,10 €');
    expect(plain(formatAmount('1234.50'))).toBe('1.234,50');
  });

  it('keeps the currency’s own digits and never goes through a float', () => {
    setLocale('en');
    // 2^53 + 1 and more: a Number would round these.
    expect(formatMoney('90071992547409.93', 'USD')).toBe('$90,071,992,547,409.93');
    expect(formatAmount('12345678901234567.89')).toBe('12,345,678,901,234,567.89');
    expect(formatMoney('12.345', 'KWD')).toContain('12.345');
    setLocale('ja');
    expect(formatMoney('1200', 'JPY')).toMatch(/^[￥¥]1,200$/);
    setLocale('fr');
    expect(plain(formatMoney('1234.50', 'EUR'))).toBe('1 234,50 €');
  });

  it('leaves what is not a plain decimal alone', () => {
    expect(formatMoney('n/a', 'EUR')).toBe('n/a EUR');
    expect(formatAmount('1e5')).toBe('1e5');
  });

  it('formats calendar dates without shifting them across time zones', () => {
    setLocale('de');
    expect(formatDate('2026-03-01')).toBe('01.03.2026');
    setLocale('en');
    expect(formatDate('2026-03-01')).toMatch(/Mar 1, 2026|1 Mar 2026/);
    expect(formatDate('soon')).toBe('soon');
  });
});
