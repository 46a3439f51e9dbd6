// `npm run relay:migrate` (`node dist/relay/migrate.js` from the build): bring the store's
// schema up to date as a deploy step, before new relays start. Idempotent; on PostgreSQL
// several runs at once are serialised by an advisory lock and only the first applies.
import { ConfigError, parseMigrateEnv } from './env';
import { openDb } from './store/db';

export async function migrateStore(
  config: ReturnType<typeof parseMigrateEnv>,
): Promise<{ applied: string[] }> {
  const storeDb = await openDb({
    databaseUrl: config.DATABASE_URL,
    schema: config.DATABASE_SCHEMA,
    dataDir: config.RELAY_DATA_DIR,
    poolSize: 1,
    migrations: 'apply',
  });
  await storeDb.close();
  return { applied: storeDb.applied };
}

const isMain = process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'));
if (isMain) {
  try {
    const { applied } = await migrateStore(parseMigrateEnv(process.env));
    process.stdout.write(
      applied.length
        ? `Applied ${applied.length} migration(s): ${applied.join(', ')}.\n`
        : 'The store schema is already up to date.\n',
    );
  } catch (e) {
    process.stderr.write(
      `${e instanceof ConfigError ? e.message : `Migration failed: ${(e as Error).message}`}\n`,
    );
    process.exit(1);
  }
}
