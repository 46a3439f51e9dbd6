import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NZ_TENANT_ID, UK_TENANT_ID } from '../../xero-sim/seed';
import type { RunningSim } from '../../xero-sim/start';
import {
  connectAccount,
  createPgSchema,
  freePort,
  newInstall,
  STORE_KINDS,
  type StoreKind,
  startRelay,
  startTestSim,
  tempDir,
} from './harness';

describe.each(STORE_KINDS)('a relay restart (%s store)', (storeKind: StoreKind) => {
  let sim: RunningSim;
  let dir: ReturnType<typeof tempDir>;
  let schema: Awaited<ReturnType<typeof createPgSchema>> | undefined;

  beforeAll(async () => {
    sim = await startTestSim();
    dir = tempDir();
    schema = storeKind === 'postgres' ? await createPgSchema() : undefined;
  });
  afterAll(async () => {
    await sim?.stop();
    dir?.remove();
    await schema?.drop();
  });

  it('keeps every connection usable: tokens persisted, decrypted, and refreshed after restart', async () => {
    const port = await freePort();
    const opts = { sim, store: storeKind, dataDir: dir.path, schema: schema?.schema, port };
    const first = await startRelay(opts);
    const ext = await newInstall(first.url);
    const nz = await connectAccount(ext, 'nz', [NZ_TENANT_ID]);
    const uk = await connectAccount(ext, 'uk', [UK_TENANT_ID]);
    await first.stop();

    const second = await startRelay(opts);
    try {
      expect((await ext.client.listConnections()).map((c) => c.status)).toEqual(['connected', 'connected']);
      expect(
        (await ext.client.organisation({ connectionId: nz.connectionId, accountId: 'nz' })).name,
      ).toBeTruthy();
      // And the stored refresh token still works: force a refresh.
      await sim.controls.expireAccessTokens();
      await second.relay.store.db.updateTable('connections').set({ access_expires_at: 0 }).execute();
      expect(
        (await ext.client.organisation({ connectionId: uk.connectionId, accountId: 'uk' })).name,
      ).toBeTruthy();
    } finally {
      await second.stop();
    }
  });
});
