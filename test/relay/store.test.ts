// The same migrations and queries on both stores. PostgreSQL is the CI service
// (127.0.0.1:5432, user postgres, database test); when it is down this suite fails.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type StoreDb } from '../../relay/store/db';
import { Store } from '../../relay/store/queries';
import { createPgSchema, PG_URL, STORE_KINDS } from './harness';

const T0 = 1_700_000_000_000;

function connectionRow(id: string, owner: string) {
  return {
    id,
    owner_install_id: owner,
    tenant_id: 'tenant-1',
    organisation_name: 'Org',
    xero_connection_id: 'xc-1',
    tenants_json: '[]',
    status: 'connected' as const,
    access_token_enc: 'v1.a.x.y',
    refresh_token_enc: 'v1.a.x.z',
    access_expires_at: T0 + 1800_000,
    created_at: T0,
    updated_at: T0,
  };
}

describe.each(STORE_KINDS)('relay store (%s)', (kind) => {
  let storeDb: StoreDb;
  let store: Store;
  let drop: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    const pg = kind === 'postgres' ? await createPgSchema() : undefined;
    drop = pg?.drop;
    storeDb = await openDb(
      kind === 'postgres'
        ? { databaseUrl: PG_URL, schema: pg!.schema, poolSize: 3 }
        : { dataDir: 'memory://' },
    );
    store = new Store(storeDb.db, storeDb.dialect);
    await store.registerInstall('install-1', '{}', T0);
    await store.registerInstall('install-2', '{}', T0);
  });
  afterAll(async () => {
    await storeDb?.close();
    await drop?.();
  });

  it('migrates idempotently (a second open finds nothing to do)', async () => {
    expect(storeDb.dialect).toBe(kind);
    expect(await store.registerInstall('install-1', '{}', T0)).toBe(false);
  });

  it('remembers a proof jti per install and refuses it twice', async () => {
    expect(await store.recordProof('install-1', 'jti-1', T0 + 1)).toBe(true);
    expect(await store.recordProof('install-1', 'jti-1', T0 + 1)).toBe(false);
    expect(await store.recordProof('install-2', 'jti-1', T0 + 1)).toBe(true);
    await store.pruneProofs(T0 + 2);
    expect(await store.recordProof('install-1', 'jti-1', T0 + 3)).toBe(true);
  });

  it('consumes an OAuth state once and never after expiry', async () => {
    const base = {
      install_id: 'install-1',
      account_id: 'a',
      return_url: 'x',
      code_verifier: 'v',
      connection_id: null,
    };
    await store.createOauthState({ ...base, state_hash: 's1', created_at: T0, expires_at: T0 + 600_000 });
    await store.createOauthState({ ...base, state_hash: 's2', created_at: T0, expires_at: T0 + 10 });
    expect(await store.consumeOauthState('s1', T0 + 1)).toMatchObject({ state_hash: 's1', used_at: T0 + 1 });
    expect(await store.consumeOauthState('s1', T0 + 2)).toBeUndefined();
    expect(await store.consumeOauthState('s2', T0 + 20)).toBeUndefined();
  });

  it('redeems a relay code once and only for its install; grants are idempotent', async () => {
    await store.insertConnection(connectionRow('c-1', 'install-1'));
    await store.createRelayCode({
      code_hash: 'h1',
      install_id: 'install-1',
      connection_id: 'c-1',
      account_id: 'a',
      expires_at: T0 + 300_000,
    });
    expect(await store.redeemRelayCode('h1', 'install-2', T0)).toBeUndefined();
    expect(await store.redeemRelayCode('h1', 'install-1', T0)).toMatchObject({ connection_id: 'c-1' });
    expect(await store.redeemRelayCode('h1', 'install-1', T0)).toBeUndefined();
    await store.addGrants('c-1', ['b', 'a'], T0);
    await store.addGrants('c-1', ['a'], T0);
    expect(await store.grantedAccounts('c-1')).toEqual(['a', 'b']);
    expect(await store.hasGrant('c-1', 'c')).toBe(false);
  });

  it('bumps the token version on replace and clears tokens and grants on disconnect', async () => {
    const replaced = await store.replaceTokens(
      'c-1',
      { accessTokenEnc: 'v1.a.1.2', refreshTokenEnc: 'v1.a.3.4', accessExpiresAt: T0 + 5 },
      T0 + 5,
    );
    expect(replaced.token_version).toBe(2);
    await store.markNeedsReconnect('c-1', T0 + 6);
    expect((await store.findConnection('c-1'))?.status).toBe('needs_reconnect');
    expect(await store.markDisconnected('c-1', T0 + 7)).toEqual(['a', 'b']);
    await store.markNeedsReconnect('c-1', T0 + 8);
    expect(await store.findConnection('c-1')).toMatchObject({
      status: 'disconnected',
      access_token_enc: null,
      refresh_token_enc: null,
    });
  });

  it('rolls a transaction back entirely when it fails', async () => {
    await expect(
      store.transaction(async (s) => {
        await s.registerInstall('install-tx', '{}', T0);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await store.installExists('install-tx')).toBe(false);
  });
});

describe('relay store refresh lock (postgres)', () => {
  let storeDb: StoreDb;
  let store: Store;
  let drop: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    const pg = await createPgSchema();
    drop = pg.drop;
    storeDb = await openDb({ databaseUrl: PG_URL, schema: pg.schema, poolSize: 3 });
    store = new Store(storeDb.db, storeDb.dialect);
    await store.registerInstall('install-1', '{}', T0);
  });
  afterAll(async () => {
    await storeDb?.close();
    await drop?.();
  });

  it('makes a second locker wait for the holder’s commit and see its write', async () => {
    await store.insertConnection(connectionRow('c-lock', 'install-1'));
    const order: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    const first = store.withRefreshLock('c-lock', async (s) => {
      order.push('first-in');
      await held;
      await s.setStatus('c-lock', 'needs_reconnect', T0);
      order.push('first-out');
    });
    await new Promise((r) => setTimeout(r, 100));
    const second = store.withRefreshLock('c-lock', async (_s, row) => {
      order.push(`second-in:${row?.status}`);
    });
    await new Promise((r) => setTimeout(r, 200));
    expect(order).toEqual(['first-in']);
    release();
    await Promise.all([first, second]);
    expect(order).toEqual(['first-in', 'first-out', 'second-in:needs_reconnect']);
  });
});
