// `npm run relay:rekey`: re-encrypt every stored token under the current key (the first
// in TOKEN_KEYS). Run it after putting a new key first; once it reports 0 remaining, the
// old key can be dropped from TOKEN_KEYS. Safe to run twice. On PostgreSQL it runs beside
// serving relays: each row is resealed under its refresh lock (SELECT … FOR UPDATE), so a
// concurrent refresh either commits first (and is resealed) or waits. A PGlite folder has
// one writer (store/folder-lock.ts): rekey refuses while a relay holds it.
import { ConfigError, parseStoreEnv, type StoreConfig } from './env';
import { openDb } from './store/db';
import { Store } from './store/queries';
import { Vault } from './vault';

export async function rekey(
  config: StoreConfig,
): Promise<{ rewritten: number; total: number; keyId: string }> {
  const storeDb = await openDb({
    databaseUrl: config.DATABASE_URL,
    schema: config.DATABASE_SCHEMA,
    dataDir: config.RELAY_DATA_DIR,
  });
  const vault = new Vault(config.TOKEN_KEYS);
  try {
    const store = new Store(storeDb.db, storeDb.dialect);
    let rewritten = 0;
    const rows = await store.allSealedTokens();
    for (const { id } of rows) {
      // Under the refresh lock, so a concurrent refresh never loses its new pair to us.
      const changed = await store.withRefreshLock(id, async (s, row) => {
        if (!row) return false;
        const access = row.access_token_enc ? vault.reseal(row.access_token_enc, id) : undefined;
        const refresh = row.refresh_token_enc ? vault.reseal(row.refresh_token_enc, id) : undefined;
        if (access === undefined && refresh === undefined) return false;
        await s.updateSealedTokens(id, access ?? row.access_token_enc, refresh ?? row.refresh_token_enc);
        return true;
      });
      if (changed) rewritten++;
    }
    // Sign-ins waiting for redemption hold a parked pair too (sealed with the connection id
    // they will become).
    await store.transaction(async (trx) => {
      const parked = await trx.db
        .selectFrom('relay_codes')
        .select(['code_hash', 'connection_id', 'access_token_enc', 'refresh_token_enc'])
        .where('refresh_token_enc', 'is not', null)
        .execute();
      for (const p of parked) {
        const access = p.access_token_enc ? vault.reseal(p.access_token_enc, p.connection_id) : undefined;
        const refresh = p.refresh_token_enc ? vault.reseal(p.refresh_token_enc, p.connection_id) : undefined;
        if (access === undefined && refresh === undefined) continue;
        await trx.db
          .updateTable('relay_codes')
          .set({
            access_token_enc: access ?? p.access_token_enc,
            refresh_token_enc: refresh ?? p.refresh_token_enc,
          })
          .where('code_hash', '=', p.code_hash)
          .where('refresh_token_enc', '=', p.refresh_token_enc)
          .execute();
      }
    });
    return { rewritten, total: rows.length, keyId: vault.currentKeyId };
  } finally {
    await storeDb.close();
  }
}

const isMain = process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'));
if (isMain) {
  try {
    const result = await rekey(parseStoreEnv(process.env));
    process.stdout.write(
      `Re-encrypted ${result.rewritten} of ${result.total} connections under key "${result.keyId}".\n`,
    );
  } catch (e) {
    process.stderr.write(
      `${e instanceof ConfigError ? e.message : `Rekey failed: ${(e as Error).message}`}\n`,
    );
    process.exit(1);
  }
}
