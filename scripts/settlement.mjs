// `npm run settlement`: the settlement command line (scripts/settlement.ts) run as bundled
// plain JavaScript, so a one-off command pays no TypeScript compilation. The bundle lives in
// dist/cli/ (ignored) and is rebuilt here, with esbuild, only when it is stale: the build
// writes the size and mtime of every source file it read (esbuild's metafile) beside the
// bundle, and any difference, or a missing bundle, triggers a rebuild before running.
//
// SETTLEBRIDGE_CLI_DIR moves the bundle to another folder (tests use a temp one); with
// SETTLEBRIDGE_CLI_VERBOSE set, a rebuild is announced on stderr.
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = resolve(process.env.SETTLEBRIDGE_CLI_DIR ?? join(root, 'dist/cli'));
const bundle = join(outdir, 'settlement.mjs');
const stamp = join(outdir, 'settlement.inputs.json');
// The build recipe is an input too: editing this file rebuilds.
const SELF = fileURLToPath(import.meta.url);

/** [path, size, mtimeMs] for each file, or null for one that is gone. */
function fingerprint(paths) {
  return paths.map((p) => {
    try {
      const s = statSync(p);
      return [p, s.size, s.mtimeMs];
    } catch {
      return [p, null, null];
    }
  });
}

function isFresh() {
  let recorded;
  try {
    recorded = JSON.parse(readFileSync(stamp, 'utf8'));
    statSync(bundle);
  } catch {
    return false;
  }
  if (!Array.isArray(recorded) || recorded.length === 0) return false;
  const now = fingerprint(recorded.map(([p]) => p));
  return now.every(
    ([, size, mtime], i) => size !== null && size === recorded[i][1] && mtime === recorded[i][2],
  );
}

async function rebuild() {
  const { build } = await import('esbuild');
  const result = await build({
    absWorkingDir: root,
    entryPoints: { settlement: 'scripts/settlement.ts' },
    outdir,
    outExtension: { '.js': '.mjs' },
    // zod (mapping validation) goes to a chunk that only `--mapping` loads: summarising with
    // the default mapping parses and runs none of it.
    splitting: true,
    chunkNames: 'chunk-[hash]',
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // Self-contained and minified: zod bundled in starts about 60 ms of CPU sooner than
    // zod's many modules resolved from node_modules (measured with /usr/bin/time on a small
    // file), which matters for a one-off command. The source map is for --enable-source-maps.
    minify: true,
    sourcemap: true,
    metafile: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  // The outputs are fingerprinted too, so a chunk that went missing or changed rebuilds.
  const inputs = [
    SELF,
    ...Object.keys(result.metafile.inputs).map((p) => resolve(root, p)),
    ...Object.keys(result.metafile.outputs)
      .filter((p) => !p.endsWith('.map'))
      .map((p) => resolve(root, p)),
  ];
  writeFileSync(stamp, `${JSON.stringify(fingerprint(inputs))}\n`);
  // Chunks of earlier builds (their names carry a content hash) are no longer referenced.
  const current = new Set(Object.keys(result.metafile.outputs).map((p) => resolve(root, p)));
  for (const name of readdirSync(outdir)) {
    if (name.startsWith('chunk-') && !current.has(join(outdir, name))) rmSync(join(outdir, name));
  }
  if (process.env.SETTLEBRIDGE_CLI_VERBOSE) process.stderr.write(`rebuilt ${bundle}\n`);
}

if (!isFresh()) await rebuild();
await import(pathToFileURL(bundle).href);
