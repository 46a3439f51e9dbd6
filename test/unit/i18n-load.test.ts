/**
 * Pages bundle only English and load the one other catalog they show (lib/i18n-load.ts).
 * This file must not import lib/i18n-catalogs.ts, which adds every catalog.
 */

import { afterEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { hasCatalog, LANGUAGE_STORAGE_KEY, setLocale, t } from '@/lib/i18n';
import { applyLocale, loadLocale } from '@/lib/i18n-load';

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
});
