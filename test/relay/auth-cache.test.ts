// On PGlite, authentication answers from memory what it read before (relay/store/
// auth-cache.ts). These tests warm that memory and then change the store every way the
// relay (or an operator, or a test) can: each next authentication must see the change.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AuthCache, writesAuthTables } from '../../relay/store/auth-cache';
import { openDb, type StoreDb } from '../../relay/store/db';
import { Store } from '../../relay/store/queries';
import { NZ_TENANT_ID } from '../../xero-sim/seed';
import type { RunningSim } from '../../xero-sim/start';
import { connectAccount, newInstall, type RelayUnderTest, startRelay, startTestSim } from './harness';

const T0 = 1_700_000_000_000;
/** A proof made a second before T0, checked at T0 and remembered as the middleware would. */
const AT_T0 = { iat: T0 / 1000 - 1, nowMs: T0, expiresAt: T0 + 120_000 };
let jtis = 0;

describe('the PGlite store answers authentication from memory, never stale', () => {
  let storeDb: StoreDb;
  let store: Store;

  beforeAll(async () => {
    storeDb = await openDb({ dataDir: 'memory://' });
    store = new Store(storeDb.db, storeDb.dialect, storeDb.authCache);
  });
  afterAll(async () => {
    await storeDb?.close();
  });

  let n = 0;
  let install: string;
  let conn: string;
  beforeEach(async () => {
    n++;
    install = `install-${n}`;
    conn = `conn-${n}`;
    await store.registerInstall(install, '{}', T0);
    await store.insertConnection({
      id: conn,
      owner_install_id: install,
      tenant_id: 'tenant-1',
      organisation_name: 'Org',
      xero_connection_id: 'xc-1',
      tenants_json: '[]',
      status: 'connected',
      access_token_enc: 'v1.a.x.y',
      refresh_token_enc: 'v1.a.x.z',
      access_expires_at: T0 + 1800_000,
      created_at: T0,
      updated_at: T0,
    });
    await store.addGrants(conn, ['acct-a'], T0);
    // Warm: the second authentication is answered from memory.
    await auth();
    expect(storeDb.authCache?.isInstall(install)).toBe(true);
    expect(storeDb.authCache?.connection(conn)?.accountIds).toEqual(['acct-a']);
  });

  const auth = (connectionId: string | undefined = conn) =>
    store.authenticate({ installId: install, jti: `jti-${++jtis}`, ...AT_T0, connectionId });

  it('is the PGlite store, with a cache', () => {
    expect(storeDb.dialect).toBe('pglite');
    expect(storeDb.authCache).toBeInstanceOf(AuthCache);
  });

  it('still refuses a proof used twice (the jti is remembered)', async () => {
    const q = { installId: install, jti: 'used-once', ...AT_T0, connectionId: conn };
    expect((await store.authenticate(q)).isFresh).toBe(true);
    expect((await store.authenticate(q)).isFresh).toBe(false);
  });

  it('sees a disconnect (grants gone, status disconnected)', async () => {
    await store.transaction((s) => s.markDisconnected(conn, T0 + 5));
    const a = await auth();
    expect(a.connection?.row.status).toBe('disconnected');
    expect(a.connection?.accountIds).toEqual([]);
  });

  it('sees a grant added', async () => {
    await store.addGrants(conn, ['acct-b'], T0 + 5);
    expect((await auth()).connection?.accountIds).toEqual(['acct-a', 'acct-b']);
  });

  it('sees a status change and a reconnect-needed mark', async () => {
    await store.markNeedsReconnect(conn, T0 + 5);
    expect((await auth()).connection?.row.status).toBe('needs_reconnect');
    await store.setStatus(conn, 'connected', T0 + 6);
    expect((await auth()).connection?.row.status).toBe('connected');
  });

  it('sees new tokens, inside the refresh lock too', async () => {
    await store.withRefreshLock(conn, (s) =>
      s.replaceTokens(
        conn,
        { accessTokenEnc: 'new-a', refreshTokenEnc: 'new-r', accessExpiresAt: T0 + 9 },
        T0,
      ),
    );
    const a = await auth();
    expect(a.connection?.row).toMatchObject({ access_token_enc: 'new-a', token_version: 2 });
    await store.updateSealedTokens(conn, 'rekeyed-a', 'rekeyed-r');
    expect((await auth()).connection?.row.access_token_enc).toBe('rekeyed-a');
  });

  it('sees writes made straight to the tables, not through the Store', async () => {
    await storeDb.db.deleteFrom('grants').where('connection_id', '=', conn).execute();
    expect((await auth()).connection?.accountIds).toEqual([]);
    await storeDb.db.updateTable('connections').set({ organisation_name: 'Renamed' }).execute();
    expect((await auth()).connection?.row.organisation_name).toBe('Renamed');
  });

  it('sees a removed install', async () => {
    const other = `lone-${n}`;
    await store.registerInstall(other, '{}', T0);
    const q = () => store.authenticate({ installId: other, jti: `jti-${++jtis}`, ...AT_T0 });
    expect((await q()).isInstall).toBe(true);
    expect(storeDb.authCache?.isInstall(other)).toBe(true);
    // Retention removes installs that hold nothing.
    await store.prune({ now: T0, jobsBefore: 0, signInBefore: 0, installsBefore: T0 + 1 });
    expect(await q()).toMatchObject({ isInstall: false, isFresh: false });
  });

  it('does not keep a read that a write overtook', () => {
    const cache = new AuthCache();
    const before = cache.snapshot;
    cache.invalidate();
    cache.remember(before, { installId: 'i' });
    expect(cache.isInstall('i')).toBe(false);
    cache.remember(cache.snapshot, { installId: 'i' });
    expect(cache.isInstall('i')).toBe(true);
  });
});

describe('which statements count as writes to installs, connections or grants', () => {
  it.each([
    'insert into "installs" ("id") values ($1)',
    'update "connections" set "status" = $1 where "id" = $2',
    'delete from "grants" where "connection_id" = $1',
    'DELETE FROM grants',
    'with x as (delete from "grants" returning 1) select 1',
    'truncate table "connections" cascade',
    'alter table "connections" add column "x" text',
    'drop table if exists "installs"',
    'update public.connections set status = $1',
  ])('%s: yes', (statement) => {
    expect(writesAuthTables(statement)).toBe(true);
  });
  it.each([
    'select * from "connections" where "id" = $1',
    'insert into "dpop_proofs" ("install_id", "jti", "expires_at") values ($1, $2, $3)',
    'update "invoice_items" set "state" = $1 where "connection_id" in (select "id" from "connections")',
    'select * from "connections" where "id" = $1 for update',
    'insert into "connections_audit" ("id") values ($1)',
    'begin',
  ])('%s: no', (statement) => {
    expect(writesAuthTables(statement)).toBe(false);
  });
});

describe('one relay on PGlite, warm', () => {
  let sim: RunningSim;
  let relay: RelayUnderTest;
  beforeAll(async () => {
    sim = await startTestSim();
    relay = await startRelay({ sim, store: 'pglite' });
  });
  afterAll(async () => {
    await relay?.stop();
    await sim?.stop();
  });

  it('refuses a connection at once after it is disconnected', async () => {
    const ext = await newInstall(relay.url);
    const { connectionId } = await connectAccount(ext, 'nz', [NZ_TENANT_ID]);
    for (let i = 0; i < 3; i++) {
      expect((await ext.client.organisation({ connectionId, accountId: 'nz' })).name).toBeTruthy();
    }
    expect(await ext.client.disconnect({ connectionId })).toEqual({ affectedAccountIds: ['nz'] });
    const err = await ext.client.organisation({ connectionId, accountId: 'nz' }).catch((e) => e);
    expect(err).toMatchObject({ status: 403, code: 'not_granted' });
  });

  it('refuses an install at once after it is removed', async () => {
    const ext = await newInstall(relay.url);
    expect(await ext.client.listConnections()).toEqual([]);
    const db = relay.relay.store.db;
    await db.deleteFrom('dpop_proofs').where('install_id', '=', ext.key.installId).execute();
    await db.deleteFrom('installs').where('id', '=', ext.key.installId).execute();
    const err = await ext.client.listConnections().catch((e) => e);
    expect(err).toMatchObject({ status: 401, code: 'unknown_install' });
  });
});
