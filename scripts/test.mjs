// `npm test`: everything, in order, stopping at the first failure. Installs what is
// missing first, so it works as the very first command on a fresh clone.
import { ensureBrowser, ensureNodeModules, ensurePostgres, run } from './lib/ensure.mjs';

const started = Date.now();
const step = (name, cmd, args, env) => {
  console.log(`\n▶ ${name}`);
  const t = Date.now();
  const status = run(cmd, args, env ? { env: { ...process.env, ...env } } : {});
  console.log(`${status === 0 ? '✔' : '✘'} ${name} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
  if (status !== 0) {
    console.error(`\nnpm test failed at: ${name}`);
    process.exit(status);
  }
};

try {
  ensureNodeModules();
  const env = {
    CHROME_PATH: ensureBrowser('chromium'),
    FIREFOX_PATH: ensureBrowser('firefox'),
    TEST_DATABASE_URL: await ensurePostgres(),
  };
  step('typecheck', 'npx', ['tsc', '--noEmit']);
  step('lint', 'npx', ['biome', 'check', '.']);
  step('unit, sim and relay tests', 'npx', ['vitest', 'run'], env);
  step('build extension', 'npx', ['wxt', 'build'], env);
  step('build extension (firefox)', 'npx', ['wxt', 'build', '-b', 'firefox'], env);
  step(
    'end-to-end tests (Chromium, Firefox)',
    'npx',
    ['vitest', 'run', '--config', 'vitest.e2e.config.ts'],
    env,
  );
  console.log(`\nAll checks passed in ${((Date.now() - started) / 1000).toFixed(0)} s.`);
} catch (error) {
  console.error(`\nnpm test could not run: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
}
