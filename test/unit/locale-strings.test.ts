/**
 * Strings that used to stay English whatever the language: JSX text and labels written in
 * components, the schemas' validation messages, marketplace names, the CSV export's column
 * names and counts shown without plural forms. Each check fails on a string left behind.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { afterEach, describe, expect, it } from 'vitest';
import { describeZodError } from '@/lib/errors';
import { CSV_COLUMNS, historyCsv } from '@/lib/history-csv';
import { type MessageKey, setLocale, t, tp } from '@/lib/i18n';
import { CATALOGS } from '@/lib/i18n-catalogs';
import { marketplaceName } from '@/lib/marketplace-name';
import { marketplaceByCode } from '@/lib/marketplaces';
import { AccountName } from '@/lib/record-schemas';

const root = join(import.meta.dirname, '../..');

afterEach(() => setLocale('en'));

function files(dir: string, pattern: RegExp): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(root, dir))) {
    const path = join(dir, name);
    if (statSync(join(root, path)).isDirectory()) out.push(...files(path, pattern));
    else if (pattern.test(name)) out.push(path);
  }
  return out;
}

const parse = (file: string) =>
  ts.createSourceFile(
    file,
    readFileSync(join(root, file), 'utf8'),
    ts.ScriptTarget.Latest,
    true,
    file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS,
  );

/** Product names are the same in every language. */
const NAMES = /^(Settlebridge|Xero|Amazon|Seller Central)\s*[·:]?$/;
/** Attributes a person reads or a screen reader speaks. */
const SPOKEN = /^(aria-label|aria-description|aria-placeholder|title|placeholder|alt|label)$/;

describe('no English written into the UI', () => {
  it('components and pages take every visible text and label from the catalogs', () => {
    const found: string[] = [];
    for (const file of [...files('components', /\.tsx$/), ...files('entrypoints', /\.tsx$/)]) {
      const source = parse(file);
      const at = (node: ts.Node) =>
        `${file}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
      const visit = (node: ts.Node) => {
        if (ts.isJsxText(node)) {
          const text = node.text.trim();
          if (/\p{L}{2,}/u.test(text) && !NAMES.test(text)) found.push(`${at(node)} text "${text}"`);
        } else if (
          ts.isJsxAttribute(node) &&
          SPOKEN.test(node.name.getText()) &&
          node.initializer &&
          ts.isStringLiteral(node.initializer) &&
          /\p{L}{2,}/u.test(node.initializer.text)
        ) {
          found.push(`${at(node)} ${node.name.getText()}="${node.initializer.text}"`);
        } else if (
          ts.isJsxExpression(node) &&
          node.expression &&
          (ts.isStringLiteral(node.expression) || ts.isNoSubstitutionTemplateLiteral(node.expression)) &&
          /\p{L}{2,}/u.test(node.expression.text) &&
          !NAMES.test(node.expression.text.trim())
        ) {
          found.push(`${at(node)} {"${node.expression.text}"}`);
        }
        ts.forEachChild(node, visit);
      };
      visit(source);
    }
    expect(found).toEqual([]);
  });

  it('has a catalog entry for every validation message the schemas write', () => {
    const english = new Set(
      Object.entries(CATALOGS.en)
        .filter(([key]) => key.startsWith('validation.'))
        .map(([, text]) => text),
    );
    const missing: string[] = [];
    for (const file of ['lib/record-schemas.ts', 'lib/settings.ts', 'lib/messages.ts', 'lib/history.ts']) {
      const visit = (node: ts.Node) => {
        // .min(1, '…'), .regex(/…/, '…'), .refine(fn, '…') and { error: '…' }.
        const isMessageArg =
          ts.isStringLiteral(node) &&
          ((ts.isCallExpression(node.parent) &&
            ts.isPropertyAccessExpression(node.parent.expression) &&
            /^(min|max|length|url|regex|refine|email|uuid)$/.test(node.parent.expression.name.text) &&
            node.parent.arguments.indexOf(node) > 0) ||
            (ts.isCallExpression(node.parent) &&
              ts.isPropertyAccessExpression(node.parent.expression) &&
              node.parent.expression.name.text === 'url') ||
            (ts.isPropertyAssignment(node.parent) && node.parent.name.getText() === 'error'));
        if (isMessageArg && !english.has(node.text)) missing.push(`${file}: "${node.text}"`);
        ts.forEachChild(node, visit);
      };
      visit(parse(file));
    }
    expect(missing).toEqual([]);
    expect(english.size).toBeGreaterThan(8);
  });

  it('shows a schema refusal in the seller’s language', () => {
    const refused = AccountName.safeParse('  ');
    if (refused.success) throw new Error('expected a refusal');
    expect(describeZodError(refused.error)).toBe('Give the account a name.');
    setLocale('de');
    expect(describeZodError(refused.error)).toBe('Geben Sie dem Konto einen Namen.');
  });
});

describe('names, CSV columns and counts in the seller’s language', () => {
  it('names marketplaces in the seller’s language (the UK marketplace is the region GB)', () => {
    const uk = marketplaceByCode('UK')!;
    const de = marketplaceByCode('DE')!;
    expect(marketplaceName(uk)).toBe('United Kingdom');
    setLocale('de');
    expect(marketplaceName(uk)).toBe('Vereinigtes Königreich');
    expect(marketplaceName(de)).toBe('Deutschland');
    setLocale('ja');
    expect(marketplaceName(de)).toBe('ドイツ');
    setLocale('fr');
    expect(marketplaceName(marketplaceByCode('ES')!)).toBe('Espagne');
  });

  it('writes the CSV export’s header in the seller’s language, English by default', () => {
    expect(historyCsv([], String)).toBe(`${CSV_COLUMNS.join(',')}\r\n`);
    setLocale('de');
    const keys = Object.keys(CATALOGS.en).filter((k) => k.startsWith('csv.'));
    expect(keys).toHaveLength(CSV_COLUMNS.length);
    const headers = keys.map((k) => t(k as MessageKey));
    expect(historyCsv([], String, headers)).toMatch(/^Konto,Marktplatz,Abrechnungs-ID,/);
    setLocale('en');
    expect(keys.map((k) => t(k as MessageKey))).toEqual([...CSV_COLUMNS]);
  });

  it('counts with plural forms: one account is not “these 1 accounts”', () => {
    expect(tp('books.createThese', 1)).toBe('Create this account');
    expect(tp('books.createThese', 3)).toBe('Create these 3 accounts');
    expect(tp('switcher.filterPlaceholder', 1)).toBe('Filter 1 account');
    setLocale('fr');
    expect(tp('books.createThese', 1)).toBe('Créer ce compte');
    setLocale('de');
    expect(
      t('options.imported', {
        accounts: tp('options.importedAccounts', 1),
        connections: tp('options.importedConnections', 2),
        mappings: tp('options.importedMappings', 0),
      }),
    ).toBe('Importiert: 1 Konto, 2 Verbindungen, 0 Zuordnungen.');
  });

  it('shows no count through a plain message that lacks plural forms', () => {
    // A {count} placeholder belongs in a plural message (key_one / key_other) used with tp().
    const plain = Object.entries(CATALOGS.en).filter(
      ([key, text]) => text.includes('{count}') && !/_(one|other)$/.test(key),
    );
    expect(plain.map(([key]) => key)).toEqual(['bar.sendAll', 'preview.sendAll']);
  });
});
