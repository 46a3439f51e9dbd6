// `node scripts/with-postgres.mjs <command> [args…]`: runs one command with TEST_DATABASE_URL
// set the way `npm test` sets it (the configured server, the one at the default address, or
// a throwaway one it starts), then stops the throwaway server: also on failure and Ctrl-C.
// Exits with the command's status. Example: node scripts/with-postgres.mjs npx vitest run test/relay
import { exitAfterStopping, isStopping, onStop, runChild, stopOnSignals } from './lib/children.mjs';
import { ensurePostgres } from './lib/postgres.mjs';

const [cmd, ...args] = process.argv.slice(2);
if (!cmd) {
  console.error('usage: node scripts/with-postgres.mjs <command> [args…]');
  process.exit(64);
}
stopOnSignals();
try {
  const postgres = await ensurePostgres();
  onStop(postgres.stop);
  const status = await runChild(cmd, args, { env: { ...process.env, TEST_DATABASE_URL: postgres.url } });
  // Stopped by a signal: the signal handler exits with 128 + its number.
  if (!isStopping()) await exitAfterStopping(status);
} catch (error) {
  console.error(`settlebridge: ${error instanceof Error ? error.message : error}`);
  await exitAfterStopping(1);
}
