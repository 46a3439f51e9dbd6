/**
 * Every language's catalog, added to lib/i18n.ts on import. For code that wants them all at
 * once and has no first paint to wait for: the background and the content script (which
 * speak whatever language the seller picks next, without loading anything), the build's
 * manifest locales, and tests. Extension pages do not import this: lib/i18n-load.ts loads
 * the one language they show.
 */
import de from '../locales/de.json';
import en from '../locales/en.json';
import es from '../locales/es.json';
import fr from '../locales/fr.json';
import it from '../locales/it.json';
import ja from '../locales/ja.json';
import { addCatalog, type Catalog, LOCALES, type Locale } from './i18n';

export const CATALOGS: Record<Locale, Catalog> = { en, de, fr, it, es, ja };

for (const locale of LOCALES) addCatalog(locale, CATALOGS[locale]);
