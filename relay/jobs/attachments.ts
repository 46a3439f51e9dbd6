// The audit trail's queries: the files to attach to each posted invoice (the settlement file
// and a CSV of its summarised lines), one row per (connection, key, file name).
//
// Attachment states: pending → sending (claimed, leased) → attached | failed | pending again.
// A file is only due once its invoice is done (in Xero, with an InvoiceID), so attaching can
// never hold up, lose or repeat the invoice itself. Xero keeps every upload of a name as a
// separate attachment (XeroAPI/Xero-NetStandard#52), so `needs_check` marks a file whose
// upload may have landed (crash, timeout, 5xx) or whose invoice existed before this
// relay saw the key: it is looked for on the invoice before it is ever uploaded again.
import { createHash } from 'node:crypto';
import type { Selectable, Updateable } from 'kysely';
import { sql } from 'kysely';
import type { AttachmentState, InvoiceAttachment, JobItem } from '../../lib/relay-api';
import type { Store } from '../store/queries';
import type { InvoiceAttachmentsTable, InvoiceItemError } from '../store/schema';

export type AttachmentRow = Selectable<InvoiceAttachmentsTable> & { invoice_id: string };

/** Same file, same invoice, same key: an upload Xero replays within its idempotency window. */
export function attachmentIdempotencyKey(row: Pick<AttachmentRow, 'invoice_id' | 'file_name' | 'content'>) {
  const digest = createHash('sha256')
    .update(`${row.invoice_id}\n${row.file_name}\n${row.content}`)
    .digest('base64url');
  return `sb-att-${digest}`;
}

export class AttachmentStore {
  constructor(private readonly store: Store) {}

  /**
   * Records the files for an item; a file already recorded under its name is kept as it was
   * (attached once, whatever a re-send carries). `isMaybePresent` when the invoice may
   * already hold them (it existed before this submit): look before the first upload.
   */
  async add(
    item: { connectionId: string; idempotencyKey: string; tenantId: string },
    files: readonly InvoiceAttachment[],
    now: number,
    isMaybePresent: boolean,
  ): Promise<void> {
    if (files.length === 0) return;
    await this.store.db
      .insertInto('invoice_attachments')
      .values(
        files.map((f) => ({
          connection_id: item.connectionId,
          idempotency_key: item.idempotencyKey,
          file_name: f.fileName,
          tenant_id: item.tenantId,
          mime_type: f.mimeType,
          content: f.contentBase64,
          size_bytes: Buffer.byteLength(f.contentBase64, 'base64'),
          state: 'pending' as const,
          needs_check: isMaybePresent,
          next_attempt_at: now,
          lease_until: null,
          attachment_id: null,
          error: null,
          created_at: now,
          updated_at: now,
        })),
      )
      .onConflict((oc) => oc.columns(['connection_id', 'idempotency_key', 'file_name']).doNothing())
      .execute();
  }

  /** Per item key: each file's state as the extension sees it (sending reads as pending). */
  async statesFor(
    connectionId: string,
    keys: string[],
  ): Promise<Map<string, NonNullable<JobItem['attachments']>>> {
    const out = new Map<string, NonNullable<JobItem['attachments']>>();
    if (keys.length === 0) return out;
    const rows = await this.store.db
      .selectFrom('invoice_attachments')
      .select(['idempotency_key', 'file_name', 'state', 'error'])
      .where('connection_id', '=', connectionId)
      .where('idempotency_key', 'in', keys)
      .orderBy('file_name')
      .execute();
    for (const r of rows) {
      const state: AttachmentState = r.state === 'sending' ? 'pending' : r.state;
      const list = out.get(r.idempotency_key) ?? [];
      list.push({ fileName: r.file_name, state, ...(r.error ? { error: r.error } : {}) });
      out.set(r.idempotency_key, list);
    }
    return out;
  }

  /** Connected connections with files due (their invoice is in Xero), and the next due time. */
  async dueWork(
    now: number,
  ): Promise<{ due: Map<string, { tenantId: string; count: number }>; nextAt?: number }> {
    const rows = await this.store.db
      .selectFrom('invoice_attachments as a')
      .innerJoin('invoice_items as i', (join) =>
        join
          .onRef('i.connection_id', '=', 'a.connection_id')
          .onRef('i.idempotency_key', '=', 'a.idempotency_key'),
      )
      .innerJoin('connections as c', 'c.id', 'a.connection_id')
      .select((eb) => [
        'a.connection_id',
        'a.tenant_id',
        eb.fn.sum<string>(sql`case when a.next_attempt_at <= ${now} then 1 else 0 end`).as('due'),
        eb.fn.min<number>('a.next_attempt_at').as('next_at'),
      ])
      .where('a.state', '=', 'pending')
      .where('i.state', '=', 'done')
      .where('i.invoice_id', 'is not', null)
      .where('c.status', '=', 'connected')
      .groupBy(['a.connection_id', 'a.tenant_id'])
      .execute();
    const due = new Map<string, { tenantId: string; count: number }>();
    const future: number[] = [];
    for (const r of rows) {
      if (Number(r.due) > 0) due.set(r.connection_id, { tenantId: r.tenant_id, count: Number(r.due) });
      else future.push(Number(r.next_at));
    }
    return { due, nextAt: future.length ? Math.min(...future) : undefined };
  }

  /**
   * Claims the oldest due file of one connection. A file to upload is marked `needs_check`
   * before the call leaves, so a crash or timeout mid-upload is looked for, not re-sent.
   * Returns the row as it was (its `needs_check` says whether to look or to upload).
   */
  async claim(connectionId: string, now: number, leaseMs: number): Promise<AttachmentRow | undefined> {
    return this.store.transaction(async (trx) => {
      const picked = await trx.db
        .selectFrom('invoice_attachments as a')
        .innerJoin('invoice_items as i', (join) =>
          join
            .onRef('i.connection_id', '=', 'a.connection_id')
            .onRef('i.idempotency_key', '=', 'a.idempotency_key'),
        )
        .selectAll('a')
        .select('i.invoice_id')
        .where('a.connection_id', '=', connectionId)
        .where('a.state', '=', 'pending')
        .where('a.next_attempt_at', '<=', now)
        .where('i.state', '=', 'done')
        .where('i.invoice_id', 'is not', null)
        .orderBy('a.created_at')
        .orderBy('a.idempotency_key')
        .orderBy('a.file_name')
        .limit(1)
        .forUpdate('a')
        .skipLocked()
        .executeTakeFirst();
      if (!picked) return undefined;
      await trx.db
        .updateTable('invoice_attachments')
        .set((eb) => ({
          state: 'sending',
          lease_until: now + leaseMs,
          attempts: eb('attempts', '+', 1),
          needs_check: true,
          updated_at: now,
        }))
        .where('connection_id', '=', picked.connection_id)
        .where('idempotency_key', '=', picked.idempotency_key)
        .where('file_name', '=', picked.file_name)
        .execute();
      return { ...picked, invoice_id: picked.invoice_id as string };
    });
  }

  async markAttached(row: AttachmentRow, attachmentId: string, now: number): Promise<void> {
    await this.set(row, {
      state: 'attached',
      attachment_id: attachmentId,
      needs_check: false,
      lease_until: null,
      error: null,
      updated_at: now,
    });
  }

  /** Xero refused the file (or its invoice is gone): shown with the reason, not retried. */
  async markFailed(
    row: AttachmentRow,
    error: InvoiceItemError,
    now: number,
    isKnownAbsent: boolean,
  ): Promise<void> {
    await this.set(row, {
      state: 'failed',
      lease_until: null,
      error: JSON.stringify(error),
      updated_at: now,
      ...(isKnownAbsent ? { needs_check: false } : {}),
    });
  }

  /** Back in the queue at `at`; `isKnownAbsent` when Xero certainly holds no copy from this try. */
  async requeue(
    row: AttachmentRow,
    at: number,
    now: number,
    opts: { isKnownAbsent: boolean; error?: InvoiceItemError },
  ): Promise<void> {
    await this.set(row, {
      state: 'pending',
      lease_until: null,
      next_attempt_at: at,
      updated_at: now,
      needs_check: !opts.isKnownAbsent,
      ...(opts.error ? { error: JSON.stringify(opts.error) } : {}),
    });
  }

  /** Files whose process died mid-call go back to the queue, still flagged for a look first. */
  async maintain(now: number, reclaimAll: boolean): Promise<void> {
    let q = this.store.db
      .updateTable('invoice_attachments')
      .set({ state: 'pending', lease_until: null, next_attempt_at: now, updated_at: now })
      .where('state', '=', 'sending');
    if (!reclaimAll) q = q.where('lease_until', '<', now);
    await q.execute();
  }

  private async set(row: AttachmentRow, values: Updateable<InvoiceAttachmentsTable>) {
    await this.store.db
      .updateTable('invoice_attachments')
      .set(values)
      .where('connection_id', '=', row.connection_id)
      .where('idempotency_key', '=', row.idempotency_key)
      .where('file_name', '=', row.file_name)
      .execute();
  }
}
