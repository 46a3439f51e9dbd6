// The import rules the layers rely on, checked on the source with TypeScript's own parser:
// - components never reach a browser API or the database, not even through a module they
//   import (they get data and actions through props);
// - lib/settlement, the pure core, imports nothing but itself, the relay contract and zod;
// - the relay and the extension meet only in lib/relay-api.ts (plus the pure modules both
//   use: lib/settlement, the Books check, the extension ids), and the extension never
//   imports the relay or the simulator;
// - extension code imports no Node built-in (WXT's types declare Node's globals anyway,
//   so tsconfig.extension.json alone cannot refuse them);
// - scripts/ and dev/ (the local stack both they and the tests start) never import from
//   test/, and the relay and the simulator import none of scripts/, dev/ or test/.
// A hand-written scan rather than dependency-cruiser: six rules, one parser the project
// already has (typescript), failures that name the file and the import chain, and no second
// configuration language to learn.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');

interface Import {
  specifier: string;
  /** Repository path when the import is a file of this repository. */
  file?: string;
  /** `import type` / `export type`: erased at build, so it carries no runtime dependency. */
  typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(root, dir))) {
    const path = join(dir, name);
    if (statSync(join(root, path)).isDirectory()) out.push(...sourceFiles(path));
    else if (/\.(ts|tsx|mts)$/.test(name) && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

function resolveFile(from: string, specifier: string): string | undefined {
  let base: string;
  if (specifier.startsWith('@/') || specifier.startsWith('~/')) base = specifier.slice(2);
  else if (specifier.startsWith('.')) base = join(dirname(from), specifier);
  else return undefined;
  const stem = base.replace(/\.(ts|tsx|js|mjs)$/, '');
  for (const candidate of [base, `${stem}.ts`, `${stem}.tsx`, join(stem, 'index.ts')]) {
    if (existsSync(join(root, candidate)) && statSync(join(root, candidate)).isFile()) {
      return relative(root, join(root, candidate));
    }
  }
  return undefined;
}

const importCache = new Map<string, Import[]>();
function importsOf(file: string): Import[] {
  const cached = importCache.get(file);
  if (cached) return cached;
  const source = ts.createSourceFile(file, readFileSync(join(root, file), 'utf8'), ts.ScriptTarget.Latest);
  const found: Import[] = [];
  const add = (specifier: string, typeOnly: boolean) =>
    found.push({ specifier, file: resolveFile(file, specifier), typeOnly });
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const typeOnly =
        !!clause &&
        (clause.isTypeOnly ||
          (!clause.name &&
            !!clause.namedBindings &&
            ts.isNamedImports(clause.namedBindings) &&
            clause.namedBindings.elements.length > 0 &&
            clause.namedBindings.elements.every((e) => e.isTypeOnly)));
      add(node.moduleSpecifier.text, typeOnly);
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      add(node.moduleSpecifier.text, node.isTypeOnly);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      add(node.arguments[0].text, false);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  importCache.set(file, found);
  return found;
}

/** Every module `file` loads at run time, directly or through others, with the chain that leads there. */
function runtimeClosure(file: string): Map<string, string[]> {
  const chains = new Map<string, string[]>([[file, [file]]]);
  const queue = [file];
  while (queue.length) {
    const current = queue.shift()!;
    for (const i of importsOf(current)) {
      if (i.typeOnly) continue;
      const key = i.file ?? i.specifier;
      if (chains.has(key)) continue;
      chains.set(key, [...chains.get(current)!, key]);
      if (i.file) queue.push(i.file);
    }
  }
  return chains;
}

const isNodeBuiltin = (specifier: string) =>
  specifier.startsWith('node:') || builtinModules.includes(specifier.split('/')[0]!);

/** Modules that are browser APIs or the extension's storage. */
const isBrowserOrDb = (module: string) =>
  /^(wxt\/browser|wxt\/utils\/storage|#imports|webextension-polyfill|@wxt-dev\/|dexie)/.test(module) ||
  /^lib\/(db|install-key|message-client|storage)\.ts$/.test(module) ||
  module.startsWith('lib/background/') ||
  module.startsWith('entrypoints/');

/** What the relay may take from lib/: the contract and the pure modules both sides share. */
const isSharedWithRelay = (file: string) =>
  file === 'lib/relay-api.ts' ||
  file === 'lib/books/check.ts' ||
  file === 'lib/extension-ids.ts' ||
  file.startsWith('lib/settlement/');

function violations() {
  const found: string[] = [];
  const extension = [...sourceFiles('entrypoints'), ...sourceFiles('components'), ...sourceFiles('lib')];

  for (const file of sourceFiles('components')) {
    for (const [module, chain] of runtimeClosure(file)) {
      if (isBrowserOrDb(module))
        found.push(`component reaches a browser API or the DB: ${chain.join(' → ')}`);
    }
    const text = readFileSync(join(root, file), 'utf8');
    const global = /\b(browser|chrome)\.(runtime|storage|tabs|scripting|permissions|identity)\b/.exec(text);
    if (global) found.push(`component uses the browser API ${global[0]} directly: ${file}`);
  }

  for (const file of sourceFiles('lib/settlement')) {
    for (const [module, chain] of runtimeClosure(file)) {
      const isPure =
        module.startsWith('lib/settlement/') ||
        module === 'lib/relay-api.ts' ||
        /^zod(\/mini)?$/.test(module);
      if (!isPure) found.push(`lib/settlement imports something impure: ${chain.join(' → ')}`);
    }
  }

  for (const file of [...sourceFiles('relay'), ...sourceFiles('xero-sim')]) {
    for (const i of importsOf(file)) {
      if (i.file?.startsWith('lib/') && !isSharedWithRelay(i.file)) {
        found.push(
          `relay/sim imports extension code ${i.file} (only lib/relay-api.ts and pure shared modules): ${file}`,
        );
      }
      if (i.file && /^(entrypoints|components|scripts|dev|test)\//.test(i.file))
        found.push(`relay/sim imports ${i.file}: ${file}`);
    }
  }

  for (const file of extension) {
    for (const i of importsOf(file)) {
      if (i.file && /^(relay|xero-sim|scripts|dev|test)\//.test(i.file)) {
        found.push(`extension code imports ${i.file}: ${file}`);
      }
      if (isNodeBuiltin(i.specifier)) found.push(`extension code imports Node's ${i.specifier}: ${file}`);
    }
  }

  // Type-only imports count too: what scripts/ and dev/ need from a test helper belongs in dev/.
  for (const file of [...sourceFiles('scripts'), ...sourceFiles('dev')]) {
    for (const i of importsOf(file)) {
      if (i.file?.startsWith('test/'))
        found.push(`${file.split('/')[0]}/ imports from test/: ${file} → ${i.file}`);
    }
  }
  return found;
}

describe('import boundaries', () => {
  it('keeps every layer to what it may import', () => {
    expect(violations()).toEqual([]);
  });

  it('sees imports of every form: type-only ones are not runtime dependencies', () => {
    // Guards the scan itself: if it found nothing, the rules above would pass vacuously.
    const imports = importsOf('lib/background/settlements.ts');
    expect(imports.find((i) => i.file === 'lib/db.ts')?.typeOnly).toBe(true);
    expect(imports.some((i) => i.file === 'lib/background/outbox.ts' && !i.typeOnly)).toBe(true);
    expect(runtimeClosure('lib/settlement/index.ts').has('zod')).toBe(true);
    expect(importsOf('scripts/demo.ts').some((i) => i.file === 'dev/stack/steps.ts')).toBe(true);
    expect(importsOf('scripts/bench-sim.ts').some((i) => i.file === 'dev/stack/sim-oauth.ts')).toBe(true);
  });
});
