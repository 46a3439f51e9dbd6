// `npm test`: everything, in order, stopping at the first failure. Installs what is
// missing first, so it works as the very first command on a fresh clone. A throwaway
// PostgreSQL started for the relay's tests is stopped at the end, on failure and on Ctrl-C.
import { exitAfterStopping, isStopping, onStop, runChild, stopOnSignals } from './lib/children.mjs';
import { ensureBrowser, ensureNodeModules } from './lib/ensure.mjs';
import { ensurePostgres } from './lib/postgres.mjs';

stopOnSignals();
const started = Date.now();
const step = async (name, cmd, args, env) => {
  console.log(`\n▶ ${name}`);
  const t = Date.now();
  const status = await runChild(cmd, args, env ? { env: { ...process.env, ...env } } : {});
  // Stopped by a signal: the signal handler reports it and exits.
  if (isStopping()) return new Promise(() => {});
  console.log(`${status === 0 ? '✔' : '✘'} ${name} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
  if (status !== 0) {
    console.error(`\nnpm test failed at: ${name}`);
    await exitAfterStopping(status);
  }
};

try {
  ensureNodeModules();
  const postgres = await ensurePostgres();
  onStop(postgres.stop);
  const env = {
    CHROME_PATH: ensureBrowser('chromium'),
    FIREFOX_PATH: ensureBrowser('firefox'),
    XVFB_PATH: ensureBrowser('xvfb'),
    TEST_DATABASE_URL: postgres.url,
  };
  // Everything together, then each runtime on its own (extension, Node, the pure settlement core).
  await step('typecheck', 'npm', ['run', '--silent', 'typecheck']);
  await step('lint', 'npx', ['biome', 'check', '.']);
  await step('unit, sim and relay tests', 'npx', ['vitest', 'run'], env);
  await step('build extension', 'npx', ['wxt', 'build'], env);
  await step('build extension (firefox)', 'npx', ['wxt', 'build', '-b', 'firefox'], env);
  // Mozilla's add-on linter, as addons.mozilla.org runs it on upload: errors fail the run.
  await step('web-ext lint (firefox build)', 'npx', [
    'web-ext',
    'lint',
    '--source-dir',
    '.output/firefox-mv2',
  ]);
  await step(
    'end-to-end tests (Chromium, Firefox)',
    'npx',
    ['vitest', 'run', '--config', 'vitest.e2e.config.ts'],
    env,
  );
  console.log(`\nAll checks passed in ${((Date.now() - started) / 1000).toFixed(0)} s.`);
  await exitAfterStopping(0);
} catch (error) {
  console.error(`\nnpm test could not run: ${error instanceof Error ? error.message : error}`);
  await exitAfterStopping(1);
}
