// The shape of the background, checked on the source:
// - each message's handler is written in the one file its prefix names (lib/background/);
// - lib/messages.ts holds every message schema: it imports nothing from the background, and
//   no background file hands a schema of lib/messages.ts on (so nobody imports one from there);
// - an answer's schema says what it is: no z.any or z.custom, and z.unknown only where listed;
// - the background reads the time only through the Clock its factory is given, so one clock
//   (entrypoints/background.ts) serves every module and tests can fix it.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { protocol } from '../../lib/messages';

const root = join(import.meta.dirname, '../..');
const background = 'lib/background';

/** Message prefix → the background file that answers it. */
const HOME: Record<string, string> = {
  account: 'accounts.ts',
  popup: 'popup.ts',
  xero: 'xero.ts',
  connection: 'connections.ts',
  settings: 'settings.ts',
  backup: 'backup.ts',
  settlement: 'settlements.ts',
  mapping: 'mapping.ts',
  books: 'books.ts',
  // What a Seller Central page reports about itself; the file keeps those tabs' record.
  page: 'seller-central.ts',
  history: 'history.ts',
};

function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(file, readFileSync(join(root, file), 'utf8'), ts.ScriptTarget.Latest, true);
}

const backgroundFiles = readdirSync(join(root, background))
  .filter((name) => name.endsWith('.ts'))
  .map((name) => `${background}/${name}`);

/** Message types written as a property of an object literal (a handler) in each file. */
function handlersIn(file: string): string[] {
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (
      (ts.isPropertyAssignment(node) || ts.isMethodDeclaration(node)) &&
      ts.isStringLiteral(node.name) &&
      node.name.text in protocol
    ) {
      found.push(node.name.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(parse(file));
  return found;
}

describe('message homes', () => {
  it('names a home for every message prefix', () => {
    const prefixes = new Set(Object.keys(protocol).map((type) => type.split('/')[0] ?? ''));
    expect([...prefixes].filter((p) => !(p in HOME))).toEqual([]);
  });

  it("defines each message's handler once, in the file its prefix names", () => {
    const where = new Map<string, string[]>();
    for (const file of backgroundFiles) {
      for (const type of handlersIn(file)) where.set(type, [...(where.get(type) ?? []), file]);
    }
    const misplaced = Object.keys(protocol).flatMap((type) => {
      const expected = `${background}/${HOME[type.split('/')[0] ?? '']}`;
      const files = where.get(type) ?? [];
      return files.length === 1 && files[0] === expected ? [] : [`${type}: ${files.join(', ') || 'nowhere'}`];
    });
    expect(misplaced).toEqual([]);
  });

  it('keeps every message schema in lib/messages.ts', () => {
    const fromBackground = parse('lib/messages.ts')
      .statements.filter(ts.isImportDeclaration)
      .map((d) => (d.moduleSpecifier as ts.StringLiteral).text)
      .filter((s) => s.includes('background'));
    expect(fromBackground).toEqual([]);
    const passedOn = backgroundFiles.filter((file) =>
      parse(file).statements.some(
        (s) =>
          ts.isExportDeclaration(s) &&
          s.moduleSpecifier !== undefined &&
          /\/messages$/.test((s.moduleSpecifier as ts.StringLiteral).text),
      ),
    );
    expect(passedOn).toEqual([]);
  });

  it('reads the time only through the Clock each factory is given', () => {
    const own = backgroundFiles.filter(
      (file) =>
        file !== `${background}/clock.ts` &&
        /\bsystemClock\b|\bDate\.now\(|new Date\(\)/.test(readFileSync(join(root, file), 'utf8')),
    );
    expect(own).toEqual([]);
  });

  it('describes every answer with a real schema', () => {
    // A stored mapping document is either a settlement mapping or a Books setup; each is
    // checked where it is read (parseMapping, the Books setup code), not in the backup.
    const allowedUnknown = new Set(['backup/export.mappings[].document']);
    const vague: string[] = [];
    const seen = new Set<unknown>();
    const walk = (schema: unknown, path: string) => {
      if (!schema || typeof schema !== 'object' || seen.has(schema) || !('_zod' in schema)) return;
      seen.add(schema);
      const def = (schema as { _zod: { def: Record<string, unknown> & { type: string } } })._zod.def;
      if (['any', 'custom'].includes(def.type) || (def.type === 'unknown' && !allowedUnknown.has(path))) {
        vague.push(`${path}: z.${def.type}`);
      }
      for (const [key, value] of Object.entries(def)) {
        if (key === 'checks') continue; // refinements check a value; they do not describe it
        if (key === 'shape' && value && typeof value === 'object') {
          for (const [field, s] of Object.entries(value)) walk(s, `${path}.${field}`);
        } else if (Array.isArray(value)) {
          for (const s of value) walk(s, path);
        } else {
          walk(value, key === 'element' ? `${path}[]` : path);
        }
      }
    };
    for (const [type, spec] of Object.entries(protocol)) walk(spec.output, type);
    expect(vague).toEqual([]);
  });
});
