import { type Kysely, sql } from 'kysely';

// The audit trail attached to each posted invoice (the settlement file and a CSV of its
// summarised lines): one row per (connection, idempotency key, file name), so each file is
// attached once however often the item is re-sent, retried or its process restarted.
// `needs_check` is set from the moment an upload may have reached Xero until its outcome is
// recorded; such a file is looked for on the invoice (GET …/Attachments) before any new
// upload, because Xero keeps every upload of the same name as another attachment.
// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's types.
export async function up(db: Kysely<any>): Promise<void> {
  const ms = 'double precision';
  await db.schema
    .createTable('invoice_attachments')
    .addColumn('connection_id', 'text', (c) => c.notNull())
    .addColumn('idempotency_key', 'text', (c) => c.notNull())
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('mime_type', 'text', (c) => c.notNull())
    /** Base64, as received; at most Xero's 10 MB once decoded. */
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('size_bytes', 'integer', (c) => c.notNull())
    .addColumn('state', 'text', (c) =>
      c.notNull().check(sql`state in ('pending', 'sending', 'attached', 'failed')`),
    )
    .addColumn('needs_check', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', ms, (c) => c.notNull())
    .addColumn('lease_until', ms)
    .addColumn('attachment_id', 'text')
    .addColumn('error', 'jsonb')
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .addPrimaryKeyConstraint('invoice_attachments_pk', ['connection_id', 'idempotency_key', 'file_name'])
    .addForeignKeyConstraint(
      'invoice_attachments_item_fk',
      ['connection_id', 'idempotency_key'],
      'invoice_items',
      ['connection_id', 'idempotency_key'],
      (fk) => fk.onDelete('cascade'),
    )
    .execute();
  await db.schema
    .createIndex('invoice_attachments_due')
    .on('invoice_attachments')
    .columns(['state', 'connection_id', 'next_attempt_at'])
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up().
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('invoice_attachments').ifExists().execute();
}
