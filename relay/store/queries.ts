// Every query the relay runs, written once for both dialects.
import { CompiledQuery, type Insertable, type Kysely, type Selectable, sql, type Transaction } from 'kysely';
import type { AuthCache, CachedConnection } from './auth-cache';
import type { DialectName } from './db';
import { ProofMemory } from './proof-memory';
import type { ConnectionsTable, Database, OauthStatesTable, RelayCodesTable } from './schema';

export type ConnectionRow = Selectable<ConnectionsTable>;
export type OauthStateRow = Selectable<OauthStatesTable>;
export type RelayCodeRow = Selectable<RelayCodesTable>;
export type ConnectionStatusValue = ConnectionsTable['status'];

/** What one authenticated request read of the store (Store.authenticate). */
export interface AuthSnapshot {
  isInstall: boolean;
  /** The proof's jti was recorded now: false means it was seen before (a replay). */
  isFresh: boolean;
  /**
   * PGlite only: refused because the proof was made before this process started, after a
   * stop that left no record of the jtis accepted (store/proof-memory.ts).
   */
  madeBeforeStart?: true;
  /** The connection the request's path names, as stored now, with its granted accounts. */
  connection?: CachedConnection;
}

export interface TenantRecord {
  tenantId: string;
  name: string;
  xeroConnectionId: string;
}

type AuthRow = Partial<ConnectionRow> & { is_install: boolean; is_fresh: boolean; account_ids: unknown };

function authSnapshot({ is_install, is_fresh, account_ids, ...row }: AuthRow): AuthSnapshot {
  const accountIds = (typeof account_ids === 'string' ? JSON.parse(account_ids) : account_ids) as
    | string[]
    | null;
  return {
    isInstall: is_install,
    isFresh: is_fresh,
    connection:
      row.id == null
        ? undefined
        : {
            row: { ...row, token_version: Number(row.token_version) } as ConnectionRow,
            accountIds: accountIds ?? [],
          },
  };
}

const RECORD_PROOF_SQL =
  'insert into dpop_proofs (install_id, jti, expires_at) values ($1, $2, $3) ' +
  'on conflict (install_id, jti) do nothing returning jti';

export class Store {
  constructor(
    readonly db: Kysely<Database> | Transaction<Database>,
    readonly dialect: DialectName,
    /** PGlite only (StoreDb.authCache): lets `authenticate` skip reading the store. */
    private readonly authCache?: AuthCache,
  ) {}

  /** Runs `fn` in one transaction (PGlite included: its dialect serialises connections). */
  transaction<T>(fn: (store: Store) => Promise<T>): Promise<T> {
    return this.db.transaction().execute((trx) => fn(new Store(trx, this.dialect, this.authCache)));
  }

  // --- installs and proofs -------------------------------------------------------------

  async registerInstall(id: string, publicJwk: string, now: number): Promise<boolean> {
    const inserted = await this.db
      .insertInto('installs')
      .values({ id, public_jwk: publicJwk, created_at: now })
      .onConflict((oc) => oc.column('id').doNothing())
      .returning('id')
      .executeTakeFirst();
    return inserted !== undefined;
  }

  async installExists(id: string): Promise<boolean> {
    return (
      (await this.db.selectFrom('installs').select('id').where('id', '=', id).executeTakeFirst()) !==
      undefined
    );
  }

  /** Records a proof's jti; false when it was already seen (a replay). */
  async recordProof(installId: string, jti: string, expiresAt: number): Promise<boolean> {
    // Written out once rather than built per call: this runs on every authenticated request.
    const { rows } = await this.db.executeQuery(
      CompiledQuery.raw(RECORD_PROOF_SQL, [installId, jti, expiresAt]),
    );
    return rows.length > 0;
  }

  /**
   * Everything an authenticated request needs from the store: whether the install is
   * registered, the proof's jti recorded (only for a registered install; false when already
   * seen) and, when the request names a connection, its current row and the accounts granted
   * it.
   *
   * PostgreSQL (no AuthCache): one statement, one round trip, read fresh on every request,
   * the jti inserted into dpop_proofs whose primary key makes replay protection exact across
   * instances; a disconnect or a removed install made on any instance is seen by the next
   * request everywhere.
   *
   * PGlite (one owning process): the install and the connection come from the AuthCache when
   * it holds them (exact there: store/auth-cache.ts), else from one read-only statement; the
   * jti is recorded in the process's ProofMemory (exact across restarts as
   * store/proof-memory.ts explains), and also in the table, before the request goes on, when
   * its iat lies in the future. The common request runs no statement at all.
   */
  async authenticate(q: {
    installId: string;
    jti: string;
    /** The proof's iat, in seconds. */
    iat: number;
    nowMs: number;
    expiresAt: number;
    connectionId?: string;
  }): Promise<AuthSnapshot> {
    const cache = this.authCache;
    if (!cache) return this.authenticateInOneStatement(q);
    let connection = q.connectionId === undefined ? undefined : cache.connection(q.connectionId);
    if (!cache.isInstall(q.installId) || (q.connectionId !== undefined && !connection)) {
      const snapshot = cache.snapshot;
      const read = await this.readAuth(q.installId, q.connectionId);
      if (!read.isInstall) return { isInstall: false, isFresh: false };
      cache.remember(snapshot, {
        installId: q.installId,
        connectionId: q.connectionId,
        connection: read.connection,
      });
      connection = read.connection;
    }
    const { proofs } = cache;
    const iatMs = q.iat * 1000;
    if (iatMs < proofs.unknownBefore)
      return { isInstall: true, isFresh: false, madeBeforeStart: true, connection };
    if (!proofs.record(ProofMemory.key(q.installId, q.jti), q.expiresAt, q.nowMs)) {
      return { isInstall: true, isFresh: false, connection };
    }
    if (iatMs > q.nowMs || proofs.isFull) {
      const isFresh = await this.recordProof(q.installId, q.jti, q.expiresAt);
      return { isInstall: true, isFresh, connection };
    }
    return { isInstall: true, isFresh: true, connection };
  }

  private async authenticateInOneStatement(q: {
    installId: string;
    jti: string;
    expiresAt: number;
    connectionId?: string;
  }): Promise<AuthSnapshot> {
    const connectionId = q.connectionId ?? null;
    const { rows } = await sql<AuthRow>`
      with install as (select id from installs where id = ${q.installId}),
      proof as (
        insert into dpop_proofs (install_id, jti, expires_at)
        select id, ${q.jti}, ${q.expiresAt} from install
        on conflict (install_id, jti) do nothing
        returning jti
      )
      select
        exists (select 1 from install) as is_install,
        exists (select 1 from proof) as is_fresh,
        c.*,
        (select coalesce(json_agg(g.account_id order by g.account_id), '[]'::json)
           from grants g where g.connection_id = c.id) as account_ids
      from (select 1) as one
      left join connections c on c.id = ${connectionId}::text
    `.execute(this.db);
    return authSnapshot(rows[0]!);
  }

  /** The same reads without recording a jti (PGlite: ProofMemory records it). */
  private async readAuth(installId: string, connectionId: string | undefined): Promise<AuthSnapshot> {
    const { rows } = await sql<AuthRow>`
      select
        exists (select 1 from installs where id = ${installId}) as is_install,
        false as is_fresh,
        c.*,
        (select coalesce(json_agg(g.account_id order by g.account_id), '[]'::json)
           from grants g where g.connection_id = c.id) as account_ids
      from (select 1) as one
      left join connections c on c.id = ${connectionId ?? null}::text
    `.execute(this.db);
    return authSnapshot(rows[0]!);
  }

  async pruneProofs(now: number): Promise<void> {
    await this.db.deleteFrom('dpop_proofs').where('expires_at', '<', now).execute();
  }

  // --- OAuth state ---------------------------------------------------------------------

  async createOauthState(row: Omit<OauthStateRow, 'used_at'>): Promise<void> {
    await this.db
      .insertInto('oauth_states')
      .values({ ...row, used_at: null })
      .execute();
  }

  /** The state if it is still usable (known, unexpired, unused), without using it. */
  async findUsableOauthState(stateHash: string, now: number): Promise<OauthStateRow | undefined> {
    return this.db
      .selectFrom('oauth_states')
      .selectAll()
      .where('state_hash', '=', stateHash)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
  }

  /** Marks the state used and returns it, or undefined if unknown, expired or already used. */
  async consumeOauthState(stateHash: string, now: number): Promise<OauthStateRow | undefined> {
    return this.db
      .updateTable('oauth_states')
      .set({ used_at: now })
      .where('state_hash', '=', stateHash)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .returningAll()
      .executeTakeFirst();
  }

  async pruneOauthStates(now: number): Promise<void> {
    await this.db
      .deleteFrom('oauth_states')
      .where('expires_at', '<', now - 24 * 3600_000)
      .execute();
  }

  // --- relay codes ---------------------------------------------------------------------

  async createRelayCode(row: Omit<Insertable<RelayCodesTable>, 'redeemed_at'>): Promise<void> {
    await this.db
      .insertInto('relay_codes')
      .values({ ...row, redeemed_at: null })
      .execute();
  }

  async findRelayCode(codeHash: string): Promise<RelayCodeRow | undefined> {
    return this.db.selectFrom('relay_codes').selectAll().where('code_hash', '=', codeHash).executeTakeFirst();
  }

  /** Single use and only by the install the code was made for. */
  async redeemRelayCode(codeHash: string, installId: string, now: number): Promise<RelayCodeRow | undefined> {
    return this.db
      .updateTable('relay_codes')
      .set({ redeemed_at: now })
      .where('code_hash', '=', codeHash)
      .where('install_id', '=', installId)
      .where('redeemed_at', 'is', null)
      .where('expires_at', '>', now)
      .returningAll()
      .executeTakeFirst();
  }

  /** A redeemed sign-in's token pair now lives on its connection; forget the parked copy. */
  async clearRelayCodeTokens(codeHash: string): Promise<void> {
    await this.db
      .updateTable('relay_codes')
      .set({ access_token_enc: null, refresh_token_enc: null })
      .where('code_hash', '=', codeHash)
      .execute();
  }

  // --- connections ---------------------------------------------------------------------

  async findConnection(id: string): Promise<ConnectionRow | undefined> {
    return this.db.selectFrom('connections').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async findOwnedConnectionForTenant(
    ownerInstallId: string,
    tenantId: string,
  ): Promise<ConnectionRow | undefined> {
    return this.db
      .selectFrom('connections')
      .selectAll()
      .where('owner_install_id', '=', ownerInstallId)
      .where('tenant_id', '=', tenantId)
      .where('tenant_chosen', '=', true)
      .where('status', '!=', 'disconnected')
      .orderBy('created_at', 'desc')
      .executeTakeFirst();
  }

  /**
   * Whether another live connection (any install's) posts through the same Xero connection:
   * Xero keeps one per user and organisation, so two sign-ins by one Xero user share it.
   */
  async isXeroConnectionInUse(xeroConnectionId: string, exceptConnectionId: string): Promise<boolean> {
    const other = await this.db
      .selectFrom('connections')
      .select('id')
      .where('xero_connection_id', '=', xeroConnectionId)
      .where('id', '!=', exceptConnectionId)
      .where('tenant_chosen', '=', true)
      .where('status', '!=', 'disconnected')
      .executeTakeFirst();
    return other !== undefined;
  }

  /** `tenant_chosen` defaults to true: a connection is bound to its organisation at sign-in. */
  async insertConnection(
    row: Omit<ConnectionRow, 'token_version' | 'tenant_chosen'> & { tenant_chosen?: boolean },
  ): Promise<void> {
    await this.db
      .insertInto('connections')
      .values({ ...row, tenant_chosen: row.tenant_chosen ?? true })
      .execute();
  }

  /**
   * Binds a connection waiting for its organisation to the one chosen, and keeps only that
   * tenant. Conditional on still waiting, so two concurrent choices cannot both win.
   */
  async chooseTenant(id: string, tenant: TenantRecord, now: number): Promise<ConnectionRow | undefined> {
    return this.db
      .updateTable('connections')
      .set({
        tenant_id: tenant.tenantId,
        organisation_name: tenant.name,
        xero_connection_id: tenant.xeroConnectionId,
        tenants_json: JSON.stringify([tenant]),
        tenant_chosen: true,
        updated_at: now,
      })
      .where('id', '=', id)
      .where('tenant_chosen', '=', false)
      .returningAll()
      .executeTakeFirst();
  }

  async replaceTokens(
    id: string,
    tokens: {
      accessTokenEnc: string;
      refreshTokenEnc: string;
      accessExpiresAt: number;
      tenantsJson?: string;
      organisationName?: string;
      xeroConnectionId?: string;
    },
    now: number,
  ): Promise<ConnectionRow> {
    return this.db
      .updateTable('connections')
      .set((eb) => ({
        access_token_enc: tokens.accessTokenEnc,
        refresh_token_enc: tokens.refreshTokenEnc,
        access_expires_at: tokens.accessExpiresAt,
        status: 'connected',
        token_version: eb('token_version', '+', 1),
        updated_at: now,
        ...(tokens.tenantsJson === undefined ? {} : { tenants_json: tokens.tenantsJson }),
        ...(tokens.organisationName === undefined ? {} : { organisation_name: tokens.organisationName }),
        ...(tokens.xeroConnectionId === undefined ? {} : { xero_connection_id: tokens.xeroConnectionId }),
      }))
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async setStatus(id: string, status: ConnectionStatusValue, now: number): Promise<void> {
    await this.db.updateTable('connections').set({ status, updated_at: now }).where('id', '=', id).execute();
  }

  /** Only a connected row flips; a disconnected one stays disconnected. */
  async markNeedsReconnect(id: string, now: number): Promise<void> {
    await this.db
      .updateTable('connections')
      .set({ status: 'needs_reconnect', updated_at: now })
      .where('id', '=', id)
      .where('status', '=', 'connected')
      .execute();
  }

  /** Forget the token set and the grants; the row stays so the UI can show what happened. */
  async markDisconnected(id: string, now: number): Promise<string[]> {
    const grants = await this.db
      .deleteFrom('grants')
      .where('connection_id', '=', id)
      .returning('account_id')
      .execute();
    await this.db
      .updateTable('connections')
      .set({ status: 'disconnected', access_token_enc: null, refresh_token_enc: null, updated_at: now })
      .where('id', '=', id)
      .execute();
    return grants.map((g) => g.account_id).sort();
  }

  async listConnectionsOwnedBy(installId: string): Promise<(ConnectionRow & { accountIds: string[] })[]> {
    const rows = await this.db
      .selectFrom('connections')
      .selectAll()
      .where('owner_install_id', '=', installId)
      .orderBy('created_at')
      .execute();
    if (rows.length === 0) return [];
    const grants = await this.db
      .selectFrom('grants')
      .select(['connection_id', 'account_id'])
      .where(
        'connection_id',
        'in',
        rows.map((r) => r.id),
      )
      .orderBy('account_id')
      .execute();
    return rows.map((r) => ({
      ...r,
      accountIds: grants.filter((g) => g.connection_id === r.id).map((g) => g.account_id),
    }));
  }

  // --- grants --------------------------------------------------------------------------

  async addGrants(connectionId: string, accountIds: readonly string[], now: number): Promise<void> {
    if (accountIds.length === 0) return;
    await this.db
      .insertInto('grants')
      .values(accountIds.map((account_id) => ({ connection_id: connectionId, account_id, created_at: now })))
      .onConflict((oc) => oc.columns(['connection_id', 'account_id']).doNothing())
      .execute();
  }

  async grantedAccounts(connectionId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('grants')
      .select('account_id')
      .where('connection_id', '=', connectionId)
      .orderBy('account_id')
      .execute();
    return rows.map((r) => r.account_id);
  }

  async hasGrant(connectionId: string, accountId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('grants')
      .select('account_id')
      .where('connection_id', '=', connectionId)
      .where('account_id', '=', accountId)
      .executeTakeFirst();
    return row !== undefined;
  }

  // --- quotas and retention -----------------------------------------------------------

  /** Invoices an install has waiting or posting, and their payload bytes. */
  async installQueue(installId: string): Promise<{ items: number; bytes: number }> {
    const row = await this.db
      .selectFrom('invoice_items as i')
      .innerJoin('invoice_jobs as j', 'j.id', 'i.job_id')
      .where('j.install_id', '=', installId)
      .where('i.state', 'in', ['queued', 'posting', 'needs_reconnect'])
      .select((eb) => [
        eb.fn.countAll<string>().as('items'),
        eb.fn
          .coalesce(eb.fn.sum<string>(sql<number>`octet_length(i.payload::text)`), sql<string>`0`)
          .as('bytes'),
      ])
      .executeTakeFirstOrThrow();
    return { items: Number(row.items), bytes: Number(row.bytes) };
  }

  /**
   * Deletes what nobody needs any more: finished jobs (every item done or failed) and their
   * items after `jobsBefore`, sign-in states and relay codes after `signInBefore`, installs
   * registered before `installsBefore` that hold no connection and no job, expired proofs.
   * Returns how many rows of each went.
   */
  async prune(cut: { now: number; jobsBefore: number; signInBefore: number; installsBefore: number }) {
    const db = this.db;
    const finishedJobs = db
      .selectFrom('invoice_jobs as j')
      .select('j.id')
      .where('j.created_at', '<', cut.jobsBefore)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('invoice_job_items as ji')
              .innerJoin('invoice_items as i', (join) =>
                join
                  .onRef('i.connection_id', '=', 'ji.connection_id')
                  .onRef('i.idempotency_key', '=', 'ji.idempotency_key'),
              )
              .whereRef('ji.job_id', '=', 'j.id')
              .where((eb) =>
                eb.or([
                  eb('i.state', 'not in', ['done', 'failed']),
                  eb('i.updated_at', '>=', cut.jobsBefore),
                ]),
              )
              .select('ji.job_id'),
          ),
        ),
      );
    const jobIds = (await finishedJobs.execute()).map((r) => r.id);
    let items = 0;
    if (jobIds.length > 0) {
      await db.deleteFrom('invoice_job_items').where('job_id', 'in', jobIds).execute();
      const gone = await db
        .deleteFrom('invoice_items')
        .where('job_id', 'in', jobIds)
        .where('state', 'in', ['done', 'failed'])
        .returning('idempotency_key')
        .execute();
      items = gone.length;
      // A job whose key another (newer) job now owns keeps nothing; one still owning a live
      // item is not finished and was not selected.
      await db
        .deleteFrom('invoice_jobs')
        .where('id', 'in', jobIds)
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('invoice_items')
                .select('job_id')
                .whereRef('invoice_items.job_id', '=', 'invoice_jobs.id'),
            ),
          ),
        )
        .execute();
    }
    const codes = await db
      .deleteFrom('relay_codes')
      .where('expires_at', '<', cut.signInBefore)
      .returning('code_hash')
      .execute();
    const states = await db
      .deleteFrom('oauth_states')
      .where('expires_at', '<', cut.signInBefore)
      .returning('state_hash')
      .execute();
    await db.deleteFrom('dpop_proofs').where('expires_at', '<', cut.now).execute();
    const installs = await db
      .deleteFrom('installs')
      .where('created_at', '<', cut.installsBefore)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('connections')
              .select('connections.id')
              .whereRef('connections.owner_install_id', '=', 'installs.id'),
          ),
        ),
      )
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('invoice_jobs')
              .select('invoice_jobs.id')
              .whereRef('invoice_jobs.install_id', '=', 'installs.id'),
          ),
        ),
      )
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('relay_codes')
              .select('relay_codes.code_hash')
              .whereRef('relay_codes.install_id', '=', 'installs.id'),
          ),
        ),
      )
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('oauth_states')
              .select('oauth_states.state_hash')
              .whereRef('oauth_states.install_id', '=', 'installs.id'),
          ),
        ),
      )
      .returning('id')
      .execute();
    return {
      jobs: jobIds.length,
      items,
      relayCodes: codes.length,
      oauthStates: states.length,
      installs: installs.length,
    };
  }

  // --- refresh lock --------------------------------------------------------------------

  /**
   * Runs `fn` holding the connection's refresh lock. On PostgreSQL this is a row lock
   * (SELECT .. FOR UPDATE) inside a transaction, so instances on other machines wait and
   * then see the committed new pair. PGlite is one process, where the in-process
   * single flight already serialises refreshes; holding its only connection across an HTTP
   * call to Xero would stall every other request, so it runs without a transaction.
   */
  async withRefreshLock<T>(
    id: string,
    fn: (store: Store, row: ConnectionRow | undefined) => Promise<T>,
  ): Promise<T> {
    if (this.dialect === 'pglite') return fn(this, await this.findConnection(id));
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('connections')
        .selectAll()
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst();
      return fn(new Store(trx, this.dialect, this.authCache), row);
    });
  }

  // --- key rotation --------------------------------------------------------------------

  async allSealedTokens(): Promise<Pick<ConnectionRow, 'id' | 'access_token_enc' | 'refresh_token_enc'>[]> {
    return this.db
      .selectFrom('connections')
      .select(['id', 'access_token_enc', 'refresh_token_enc'])
      .execute();
  }

  async updateSealedTokens(
    id: string,
    accessTokenEnc: string | null,
    refreshTokenEnc: string | null,
  ): Promise<void> {
    await this.db
      .updateTable('connections')
      .set({ access_token_enc: accessTokenEnc, refresh_token_enc: refreshTokenEnc })
      .where('id', '=', id)
      .execute();
  }
}
