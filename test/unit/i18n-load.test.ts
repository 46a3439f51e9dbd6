/**
 * Pages bundle only English and load the one other catalog they show (lib/i18n-load.ts).
 * This file must not import lib/i18n-catalogs.ts, which adds every catalog.
 */

import { afterEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { hasCatalog, LANGUAGE_STORAGE_KEY, setLocale, t } from '@/lib/i18n';
import { applyCopiedLocale, applyLocale, LANGUAGE_COPY_KEY, loadLocale } from '@/lib/i18n-load';

afterEach(() => {
  setLocale('en');
  fakeBrowser.reset();
});

describe('loading a language', () => {
  it('starts with English only, and loads the stored language before a page renders', async () => {
    expect(hasCatalog('en')).toBe(true);
    expect(hasCatalog('de')).toBe(false);
    await fakeBrowser.storage.local.set({ [LANGUAGE_STORAGE_KEY]: 'de' });
    expect(await loadLocale()).toBe('de');
    expect(t('popup.createAccount')).toBe('Neues Konto anlegen');
    expect(hasCatalog('fr')).toBe(false);
  });

  it('switches to a chosen language with its catalog, not English text under another lang', async () => {
    expect(await applyLocale('ja')).toBe('ja');
    expect(hasCatalog('ja')).toBe(true);
    expect(t('popup.createAccount')).not.toBe('Create new account');
  });

  it('keeps a copy of the choice that the popup applies synchronously, only with its catalog here', async () => {
    const copy = new Map<string, string>();
    const storage = {
      getItem: (k: string) => copy.get(k) ?? null,
      setItem: (k: string, v: string) => void copy.set(k, v),
    };
    expect(applyCopiedLocale(storage)).toBe(false); // no copy yet: wait for storage
    await fakeBrowser.storage.local.set({ [LANGUAGE_STORAGE_KEY]: 'en' });
    await loadLocale(storage);
    expect(copy.get(LANGUAGE_COPY_KEY)).toBe('en');
    setLocale('fr');
    expect(applyCopiedLocale(storage)).toBe(true);
    expect(t('popup.createAccount')).toBe('Create new account');
    // A language whose catalog this page has not loaded is not applied synchronously.
    await applyLocale('es', storage);
    expect(copy.get(LANGUAGE_COPY_KEY)).toBe('es');
    copy.set(LANGUAGE_COPY_KEY, 'it');
    expect(applyCopiedLocale(storage)).toBe(false);
  });
});
