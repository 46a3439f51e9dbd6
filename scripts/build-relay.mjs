// `npm run build:relay`: bundle the relay and its two operator commands into plain
// JavaScript under dist/relay/ (server.js, migrate.js, rekey.js). Packages stay external,
// so the bundle runs on `npm ci --omit=dev` with nothing compiled at start.
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist');

export async function buildRelay() {
  rmSync(join(outdir, 'relay'), { recursive: true, force: true });
  await build({
    absWorkingDir: root,
    entryPoints: ['relay/server.ts', 'relay/migrate.ts', 'relay/rekey.ts'],
    outbase: '.',
    outdir,
    bundle: true,
    splitting: true,
    chunkNames: 'relay/chunks/[name]-[hash]',
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  return outdir;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildRelay();
  console.log('Built dist/relay/server.js, dist/relay/migrate.js and dist/relay/rekey.js.');
}
