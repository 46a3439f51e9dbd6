// Every query behind invoice jobs. An item is one (connection, idempotency key): the key is
// unique per connection, stored with a hash of its payload, so a re-send can never post the
// same settlement twice nor quietly post a different one under the same key.
//
// The organisation's ledger (org_ledger) sits above that: keyed by (tenant, key), it says
// what Xero already holds from any connection or install, so a key sent again to the same
// organisation after Disconnect + Connect, or from another install, is answered from it.
// Bills (ACCPAY) are looked up by number before they are ever created, because Xero does
// not keep bill numbers unique; see worker.ts for adoption and conflicts.
//
// Item states: queued → posting (claimed, leased) → done | failed | queued again (retry) |
// needs_reconnect (parked until the connection is reconnected). `needs_check` is set when a
// post may have reached Xero and cleared once its outcome is known; such items are looked
// up by invoice number before they are posted again (Xero forgets idempotency keys in minutes).
import { createHash, randomUUID } from 'node:crypto';
import type { Selectable, Updateable } from 'kysely';
import { sql } from 'kysely';
import type { InvoiceAttachment, InvoicePayload, JobItem, JobItemState, JobState } from '../../lib/relay-api';
import { DomainError } from '../errors';
import type { ConnectionStatusValue, Store } from '../store/queries';
import type { InvoiceItemError, InvoiceItemsTable } from '../store/schema';
import { AttachmentStore } from './attachments';

export type ItemRow = Selectable<InvoiceItemsTable>;

/** Stable JSON (sorted keys) so the hash ignores key order, e.g. after a jsonb round trip. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export const payloadHash = (invoice: unknown) =>
  createHash('sha256').update(canonicalJson(invoice)).digest('base64url');

export interface SubmitInput {
  installId: string;
  connectionId: string;
  tenantId: string;
  accountId: string;
  invoices: { idempotencyKey: string; invoice: InvoicePayload; attachments?: InvoiceAttachment[] }[];
}

export interface JobView {
  jobId: string;
  connectionId: string;
  tenantId: string;
  installId: string;
  state: JobState;
  counts: Record<JobItemState, number>;
  items: JobItem[];
}

const PENDING: JobItemState[] = ['queued', 'posting'];

export class JobStore {
  constructor(
    private readonly store: Store,
    private readonly webUrl: string,
  ) {}

  /**
   * Xero's deep link for a posted invoice or bill, through the organisation login so it
   * opens in the right organisation (https://developer.xero.com/documentation/api-guides/deep-link-xero).
   */
  xeroUrl(invoiceId: string, type: string, shortCode: string | null | undefined): string {
    const target =
      type === 'ACCPAY'
        ? `/AccountsPayable/Edit.aspx?InvoiceID=${encodeURIComponent(invoiceId)}`
        : `/AccountsReceivable/View.aspx?InvoiceID=${encodeURIComponent(invoiceId)}`;
    if (!shortCode) return `${this.webUrl}${target}`;
    // As Xero documents it: the redirect path unencoded (it holds no '&'; the id is encoded).
    return `${this.webUrl}/organisationlogin/default.aspx?shortcode=${encodeURIComponent(shortCode)}&redirecturl=${target}`;
  }

  toJobItem(
    row: Pick<ItemRow, 'idempotency_key' | 'invoice_number' | 'state' | 'invoice_id' | 'error'> & {
      invoice_type?: string;
    },
    shortCode?: string | null,
  ): JobItem {
    return {
      idempotencyKey: row.idempotency_key,
      invoiceNumber: row.invoice_number,
      state: row.state,
      ...(row.invoice_id
        ? {
            invoiceId: row.invoice_id,
            xeroUrl: this.xeroUrl(row.invoice_id, row.invoice_type ?? 'ACCREC', shortCode),
          }
        : {}),
      ...(row.error ? { error: row.error } : {}),
    };
  }

  async rememberShortCode(tenantId: string, shortCode: string | undefined, now: number): Promise<void> {
    if (!shortCode) return;
    await this.store.db
      .insertInto('xero_organisations')
      .values({ tenant_id: tenantId, short_code: shortCode, updated_at: now })
      .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ short_code: shortCode, updated_at: now }))
      .execute();
  }

  async shortCode(tenantId: string): Promise<string | null | undefined> {
    const row = await this.store.db
      .selectFrom('xero_organisations')
      .select('short_code')
      .where('tenant_id', '=', tenantId)
      .executeTakeFirst();
    return row?.short_code;
  }

  /**
   * Accepts a batch atomically: either every key is stored (or recognised as already done)
   * and a job exists, or nothing changes and the caller gets why.
   */
  async submit(input: SubmitInput, now: number): Promise<{ jobId: string; items: JobItem[] }> {
    const keys = input.invoices.map((i) => i.idempotencyKey);
    const dup = keys.find((k, i) => keys.indexOf(k) !== i);
    if (dup)
      throw new DomainError(
        'inconsistent_request',
        `The idempotency key "${dup}" appears twice in one request.`,
      );
    const hashes = new Map(input.invoices.map((i) => [i.idempotencyKey, payloadHash(i.invoice)]));
    const jobId = randomUUID();
    return this.store.transaction(async (trx) => {
      const existing = await trx.db
        .selectFrom('invoice_items')
        .selectAll()
        .where('connection_id', '=', input.connectionId)
        .where('idempotency_key', 'in', keys)
        .forUpdate()
        .execute();
      const byKey = new Map(existing.map((r) => [r.idempotency_key, r]));
      for (const row of existing) {
        // A failed key was never created in Xero (or is re-checked before posting), so it
        // may come back with a corrected payload; any other state pins the payload.
        if (row.payload_hash !== hashes.get(row.idempotency_key) && row.state !== 'failed') {
          throw new DomainError(
            'idempotency_conflict',
            `The idempotency key "${row.idempotency_key}" was already used for a different invoice (${row.invoice_number}). Nothing was queued.`,
            { idempotencyKey: row.idempotency_key },
          );
        }
      }
      const busy = existing.find(
        (r) => r.state === 'queued' || r.state === 'posting' || r.state === 'needs_reconnect',
      );
      if (busy) {
        throw new DomainError(
          'in_flight',
          `Invoice ${busy.invoice_number} (key "${busy.idempotency_key}") is already being sent by job ${busy.job_id}. Nothing was queued; follow that job instead.`,
          { jobId: busy.job_id, idempotencyKey: busy.idempotency_key },
        );
      }
      await trx.db
        .insertInto('invoice_jobs')
        .values({
          id: jobId,
          install_id: input.installId,
          connection_id: input.connectionId,
          account_id: input.accountId,
          created_at: now,
        })
        .execute();
      const fresh = input.invoices.filter((i) => !byKey.has(i.idempotencyKey));
      // What this organisation already holds under these keys, from any connection or install.
      const ledger = fresh.length
        ? await trx.db
            .selectFrom('org_ledger')
            .selectAll()
            .where('tenant_id', '=', input.tenantId)
            .where(
              'idempotency_key',
              'in',
              fresh.map((i) => i.idempotencyKey),
            )
            .execute()
        : [];
      const held = new Map(ledger.map((r) => [r.idempotency_key, r]));
      for (const i of fresh) {
        const entry = held.get(i.idempotencyKey);
        if (entry && entry.payload_hash !== hashes.get(i.idempotencyKey)) {
          throw new DomainError(
            'idempotency_conflict',
            `This Xero organisation already holds ${entry.invoice_number} under the key "${i.idempotencyKey}", sent with different content. Nothing was queued.`,
            { idempotencyKey: i.idempotencyKey, invoiceId: entry.invoice_id },
          );
        }
      }
      if (fresh.length) {
        const inserted = await trx.db
          .insertInto('invoice_items')
          .values(
            fresh.map((i) => ({
              connection_id: input.connectionId,
              idempotency_key: i.idempotencyKey,
              job_id: jobId,
              tenant_id: input.tenantId,
              payload: JSON.stringify(i.invoice),
              payload_hash: hashes.get(i.idempotencyKey) as string,
              invoice_number: i.invoice.InvoiceNumber,
              state: held.has(i.idempotencyKey) ? ('done' as const) : ('queued' as const),
              // Bill numbers are not unique in Xero: look before ever creating one.
              needs_check: i.invoice.Type === 'ACCPAY',
              next_attempt_at: now,
              lease_until: null,
              invoice_id: held.get(i.idempotencyKey)?.invoice_id ?? null,
              error: null,
              created_at: now,
              updated_at: now,
            })),
          )
          .onConflict((oc) => oc.columns(['connection_id', 'idempotency_key']).doNothing())
          .returning('idempotency_key')
          .execute();
        if (inserted.length !== fresh.length) {
          // Another request stored one of these keys between our read and our insert.
          throw new DomainError(
            'in_flight',
            'Some of these invoices were queued by another request just now. Nothing was queued; read your jobs and try again.',
          );
        }
      }
      for (const i of input.invoices) {
        const row = byKey.get(i.idempotencyKey);
        if (row?.state !== 'failed') continue;
        await trx.db
          .updateTable('invoice_items')
          .set({
            job_id: jobId,
            payload: JSON.stringify(i.invoice),
            payload_hash: hashes.get(i.idempotencyKey) as string,
            invoice_number: i.invoice.InvoiceNumber,
            state: 'queued',
            attempts: 0,
            is_isolated: false,
            next_attempt_at: now,
            error: null,
            updated_at: now,
            ...(i.invoice.Type === 'ACCPAY' ? { needs_check: true } : {}),
          })
          .where('connection_id', '=', input.connectionId)
          .where('idempotency_key', '=', i.idempotencyKey)
          .execute();
      }
      // The audit trail for each item, recorded once per file name. An invoice that may
      // already be in Xero (done before, or held for this organisation) is looked at first.
      const files = new AttachmentStore(trx);
      for (const i of input.invoices) {
        const row = byKey.get(i.idempotencyKey);
        await files.add(
          { connectionId: input.connectionId, idempotencyKey: i.idempotencyKey, tenantId: input.tenantId },
          i.attachments ?? [],
          now,
          Boolean(row) || held.has(i.idempotencyKey) || i.invoice.Type === 'ACCPAY',
        );
      }
      await trx.db
        .insertInto('invoice_job_items')
        .values(
          keys.map((k, position) => ({
            job_id: jobId,
            position,
            connection_id: input.connectionId,
            idempotency_key: k,
          })),
        )
        .execute();
      const shortCode = await new JobStore(trx, this.webUrl).shortCode(input.tenantId);
      const items = input.invoices.map((i) => {
        const row = byKey.get(i.idempotencyKey);
        const entry = held.get(i.idempotencyKey);
        if (row?.state === 'done') return this.toJobItem({ ...row, invoice_type: i.invoice.Type }, shortCode);
        return this.toJobItem(
          {
            idempotency_key: i.idempotencyKey,
            invoice_number: i.invoice.InvoiceNumber,
            state: entry ? 'done' : 'queued',
            invoice_id: entry?.invoice_id ?? null,
            error: null,
            invoice_type: i.invoice.Type,
          },
          shortCode,
        );
      });
      const attached = await files.statesFor(input.connectionId, keys);
      return {
        jobId,
        items: items.map((item) => {
          const list = attached.get(item.idempotencyKey);
          return list ? { ...item, attachments: list } : item;
        }),
      };
    });
  }

  async getJob(jobId: string): Promise<JobView | undefined> {
    const job = await this.store.db
      .selectFrom('invoice_jobs')
      .selectAll()
      .where('id', '=', jobId)
      .executeTakeFirst();
    if (!job) return undefined;
    const rows = await this.store.db
      .selectFrom('invoice_job_items as j')
      .innerJoin('invoice_items as i', (join) =>
        join
          .onRef('i.connection_id', '=', 'j.connection_id')
          .onRef('i.idempotency_key', '=', 'j.idempotency_key'),
      )
      .select([
        'i.idempotency_key',
        'i.invoice_number',
        'i.state',
        'i.invoice_id',
        'i.error',
        'i.tenant_id',
        sql<string>`i.payload->>'Type'`.as('invoice_type'),
      ])
      .where('j.job_id', '=', jobId)
      .orderBy('j.position')
      .execute();
    const shortCode = rows[0] ? await this.shortCode(rows[0].tenant_id) : undefined;
    const counts: Record<JobItemState, number> = {
      queued: 0,
      posting: 0,
      done: 0,
      failed: 0,
      needs_reconnect: 0,
    };
    for (const r of rows) counts[r.state]++;
    let state: JobState;
    if (counts.posting > 0 || (counts.queued > 0 && (counts.done > 0 || counts.failed > 0)))
      state = 'running';
    else if (counts.queued > 0) state = 'queued';
    else if (counts.needs_reconnect > 0) state = 'parked';
    else if (counts.failed > 0) state = 'failed';
    else state = 'done';
    const attached = await new AttachmentStore(this.store).statesFor(
      job.connection_id,
      rows.map((r) => r.idempotency_key),
    );
    return {
      jobId,
      connectionId: job.connection_id,
      tenantId: rows[0]?.tenant_id ?? '',
      installId: job.install_id,
      state,
      counts,
      items: rows.map((r) => {
        const item = this.toJobItem(r, shortCode);
        const list = attached.get(r.idempotency_key);
        return list ? { ...item, attachments: list } : item;
      }),
    };
  }

  /** Items still to send on this connection, and how many of them need a look-up first. */
  async pendingOn(connectionId: string): Promise<{ pending: number; toCheck: number }> {
    const row = await this.store.db
      .selectFrom('invoice_items')
      .select((eb) => [
        eb.fn.countAll<string>().as('pending'),
        eb.fn.sum<string>(sql`case when needs_check then 1 else 0 end`).as('to_check'),
      ])
      .where('connection_id', '=', connectionId)
      .where('state', 'in', PENDING)
      .executeTakeFirstOrThrow();
    return { pending: Number(row.pending ?? 0), toCheck: Number(row.to_check ?? 0) };
  }

  /** Connected connections with queued items due now, and the earliest future due time. */
  async dueWork(
    now: number,
  ): Promise<{ due: { connectionId: string; tenantId: string; count: number }[]; nextAt?: number }> {
    const rows = await this.store.db
      .selectFrom('invoice_items as i')
      .innerJoin('connections as c', 'c.id', 'i.connection_id')
      .select((eb) => [
        'i.connection_id',
        'i.tenant_id',
        eb.fn.sum<string>(sql`case when i.next_attempt_at <= ${now} then 1 else 0 end`).as('due'),
        eb.fn.min<number>('i.next_attempt_at').as('next_at'),
      ])
      .where('i.state', '=', 'queued')
      .where('c.status', '=', 'connected')
      .groupBy(['i.connection_id', 'i.tenant_id'])
      .execute();
    const due = rows
      .filter((r) => Number(r.due) > 0)
      .map((r) => ({ connectionId: r.connection_id, tenantId: r.tenant_id, count: Number(r.due) }));
    const future = rows.filter((r) => Number(r.due) === 0).map((r) => Number(r.next_at));
    // Files to attach to invoices already in Xero are work for the same loop.
    const files = await new AttachmentStore(this.store).dueWork(now);
    for (const [connectionId, f] of files.due) {
      const same = due.find((d) => d.connectionId === connectionId);
      if (same) same.count += f.count;
      else due.push({ connectionId, tenantId: f.tenantId, count: f.count });
    }
    if (files.nextAt !== undefined) future.push(files.nextAt);
    return { due, nextAt: future.length ? Math.min(...future) : undefined };
  }

  /**
   * Claims up to `limit` due items of one connection for a look-up (`check`) or a post.
   * SKIP LOCKED lets instances claim side by side on PostgreSQL; PGlite runs serially.
   * Posting marks `needs_check` before the call leaves, so a crash mid-call is re-checked.
   *
   * The same invoice may be queued for one organisation on several connections (a second
   * install, a reconnect). Claims for an organisation take one lock, and an item is not
   * posted while another connection is sending it or has it waiting for a look-up (it may
   * be in Xero already); once one of them is in Xero the ledger answers for the others.
   */
  async claim(
    connectionId: string,
    mode: 'check' | 'post',
    now: number,
    leaseMs: number,
    limit: number,
  ): Promise<ItemRow[]> {
    return this.store.transaction(async (trx) => {
      const conn = await trx.db
        .selectFrom('connections')
        .select('tenant_id')
        .where('id', '=', connectionId)
        .executeTakeFirst();
      if (!conn) return [];
      if (trx.dialect === 'postgres') {
        // Taken before the reads below, so they see every other claim for this organisation.
        await sql`select pg_advisory_xact_lock(hashtext(${`settlebridge-claim:${conn.tenant_id}`}))`.execute(
          trx.db,
        );
      }
      const pick = (isolated: boolean, n: number) =>
        trx.db
          .selectFrom('invoice_items as i')
          .select(['i.idempotency_key', 'i.payload_hash'])
          .where('i.connection_id', '=', connectionId)
          .where('i.state', '=', 'queued')
          .where('i.next_attempt_at', '<=', now)
          .where('i.needs_check', '=', mode === 'check')
          .$if(mode === 'post', (q) =>
            q.where('i.is_isolated', '=', isolated).where(({ exists, not, selectFrom }) =>
              not(
                exists(
                  selectFrom('invoice_items as o')
                    .select(sql`1`.as('one'))
                    .whereRef('o.tenant_id', '=', 'i.tenant_id')
                    .whereRef('o.idempotency_key', '=', 'i.idempotency_key')
                    .whereRef('o.connection_id', '<>', 'i.connection_id')
                    .where((o) =>
                      o.or([
                        o('o.state', '=', 'posting'),
                        o.and([o('o.state', '=', 'queued'), o('o.needs_check', '=', true)]),
                      ]),
                    ),
                ),
              ),
            ),
          )
          .orderBy('i.created_at')
          .orderBy('i.idempotency_key')
          .limit(n)
          .forUpdate()
          .skipLocked()
          .execute();
      let picked = await pick(false, limit);
      if (picked.length === 0 && mode === 'post') picked = await pick(true, 1);
      if (picked.length === 0) return [];
      // Already in Xero through another connection: done without a call.
      const ledger = await trx.db
        .selectFrom('org_ledger')
        .select(['idempotency_key', 'invoice_id', 'payload_hash'])
        .where('tenant_id', '=', conn.tenant_id)
        .where(
          'idempotency_key',
          'in',
          picked.map((p) => p.idempotency_key),
        )
        .execute();
      const held = new Map(ledger.map((l) => [l.idempotency_key, l]));
      const keys: { idempotency_key: string }[] = [];
      for (const p of picked) {
        const entry = held.get(p.idempotency_key);
        if (entry && entry.payload_hash === p.payload_hash) {
          await trx.db
            .updateTable('invoice_items')
            .set({
              state: 'done',
              invoice_id: entry.invoice_id,
              needs_check: false,
              lease_until: null,
              error: null,
              updated_at: now,
            })
            .where('connection_id', '=', connectionId)
            .where('idempotency_key', '=', p.idempotency_key)
            .execute();
        } else keys.push(p);
      }
      if (keys.length === 0) return [];
      return trx.db
        .updateTable('invoice_items')
        .set((eb) => ({
          state: 'posting',
          lease_until: now + leaseMs,
          updated_at: now,
          attempts: eb('attempts', '+', 1),
          ...(mode === 'post' ? { needs_check: true } : {}),
        }))
        .where('connection_id', '=', connectionId)
        .where(
          'idempotency_key',
          'in',
          keys.map((k) => k.idempotency_key),
        )
        .returningAll()
        .execute()
        .then((rows) =>
          rows.sort(
            (a, b) => a.created_at - b.created_at || (a.idempotency_key < b.idempotency_key ? -1 : 1),
          ),
        );
    });
  }

  /** In Xero (created, or found and adopted): the item is done and the organisation's ledger says so. */
  async markDone(item: ItemRow, invoiceId: string, now: number): Promise<void> {
    await this.store.transaction(async (trx) => {
      await new JobStore(trx, this.webUrl).update(item.connection_id, [item.idempotency_key], {
        state: 'done',
        invoice_id: invoiceId,
        needs_check: false,
        lease_until: null,
        error: null,
        updated_at: now,
      });
      await trx.db
        .insertInto('org_ledger')
        .values({
          tenant_id: item.tenant_id,
          idempotency_key: item.idempotency_key,
          invoice_id: invoiceId,
          invoice_number: item.invoice_number,
          invoice_type: (item.payload as InvoicePayload).Type,
          payload_hash: item.payload_hash,
          recorded_at: now,
        })
        .onConflict((oc) => oc.columns(['tenant_id', 'idempotency_key']).doNothing())
        .execute();
    });
  }

  async markFailed(
    connectionId: string,
    keys: string[],
    error: InvoiceItemError,
    now: number,
    isKnownAbsent: boolean,
  ): Promise<void> {
    await this.update(connectionId, keys, {
      state: 'failed',
      lease_until: null,
      error: JSON.stringify(error),
      updated_at: now,
      ...(isKnownAbsent ? { needs_check: false } : {}),
    });
  }

  /** Back in the queue; `isKnownAbsent` when Xero certainly did not create them (429, 4xx). */
  async requeue(
    connectionId: string,
    keys: string[],
    at: number,
    now: number,
    opts: { isKnownAbsent?: boolean; isIsolated?: boolean; error?: InvoiceItemError } = {},
  ): Promise<void> {
    await this.update(connectionId, keys, {
      state: 'queued',
      lease_until: null,
      next_attempt_at: at,
      updated_at: now,
      ...(opts.isKnownAbsent ? { needs_check: false } : {}),
      ...(opts.isIsolated ? { is_isolated: true } : {}),
      ...(opts.error ? { error: JSON.stringify(opts.error) } : {}),
    });
  }

  /** A look-up found nothing: these may be posted without another look-up. */
  async checkedAbsent(connectionId: string, keys: string[], now: number): Promise<void> {
    await this.update(connectionId, keys, {
      state: 'queued',
      needs_check: false,
      lease_until: null,
      updated_at: now,
    });
  }

  async park(connectionId: string, keys: string[], now: number): Promise<void> {
    await this.update(connectionId, keys, { state: 'needs_reconnect', lease_until: null, updated_at: now });
  }

  /** May have reached Xero (e.g. "must be unique"): back in the queue for a look-up first. */
  async requeueForCheck(connectionId: string, keys: string[], now: number): Promise<void> {
    await this.update(connectionId, keys, {
      state: 'queued',
      needs_check: true,
      lease_until: null,
      next_attempt_at: now,
      updated_at: now,
    });
  }

  private async update(
    connectionId: string,
    keys: string[],
    values: Updateable<InvoiceItemsTable>,
  ): Promise<void> {
    if (keys.length === 0) return;
    await this.store.db
      .updateTable('invoice_items')
      .set(values)
      .where('connection_id', '=', connectionId)
      .where('idempotency_key', 'in', keys)
      .execute();
  }

  /**
   * Reconnect replaced the connection's token set: its parked items go back to the queue at
   * once, so a client reading the job right after Reconnect sees them moving rather than
   * still parked until the next housekeeping pass.
   */
  async unpark(connectionId: string, now: number): Promise<void> {
    await this.store.db
      .updateTable('invoice_items')
      .set({ state: 'queued', next_attempt_at: now, updated_at: now })
      .where('connection_id', '=', connectionId)
      .where('state', '=', 'needs_reconnect')
      .execute();
  }

  /**
   * Housekeeping each instance runs on its loop:
   *  - posting items whose lease ran out (their process died) go back to the queue, flagged
   *    for a look-up by `needs_check`;
   *  - queued items of a connection that needs reconnecting are parked; parked items of a
   *    connection that works again (Reconnect replaced its token set) are queued again;
   *  - items of a disconnected connection fail: there is no token set left to post with.
   */
  async maintain(now: number, options: { reclaimAllPosting?: boolean } = {}): Promise<void> {
    let expired = this.store.db
      .updateTable('invoice_items')
      .set({ state: 'queued', lease_until: null, next_attempt_at: now, updated_at: now })
      .where('state', '=', 'posting');
    if (!options.reclaimAllPosting) expired = expired.where('lease_until', '<', now);
    await expired.execute();
    await new AttachmentStore(this.store).maintain(now, options.reclaimAllPosting === true);
    const connectionsWith = (status: ConnectionStatusValue) =>
      this.store.db.selectFrom('connections').select('id').where('status', '=', status);
    await this.store.db
      .updateTable('invoice_items')
      .set({ state: 'needs_reconnect', updated_at: now })
      .where('state', '=', 'queued')
      .where('connection_id', 'in', connectionsWith('needs_reconnect'))
      .execute();
    await this.store.db
      .updateTable('invoice_items')
      .set({ state: 'queued', next_attempt_at: now, updated_at: now })
      .where('state', '=', 'needs_reconnect')
      .where('connection_id', 'in', connectionsWith('connected'))
      .execute();
    await this.store.db
      .updateTable('invoice_items')
      .set({
        state: 'failed',
        updated_at: now,
        error: JSON.stringify({
          code: 'disconnected',
          message:
            'The Xero connection was disconnected before this invoice was sent. Connect to Xero again and re-send.',
          isRetryable: true,
        }),
      })
      .where('state', 'in', ['queued', 'needs_reconnect'])
      .where('connection_id', 'in', connectionsWith('disconnected'))
      .execute();
  }
}
