import { type Kysely, sql } from 'kysely';

// Invoice jobs, their items (one row per idempotency key and connection), and the per-
// organisation call log the scheduler counts, so every relay instance on one database
// shares Xero's limits.
// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's types.
export async function up(db: Kysely<any>): Promise<void> {
  const ms = 'double precision';
  await db.schema
    .createTable('invoice_jobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('install_id', 'text', (c) => c.notNull().references('installs.id'))
    .addColumn('connection_id', 'text', (c) => c.notNull().references('connections.id'))
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('created_at', ms, (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('invoice_items')
    .addColumn('connection_id', 'text', (c) => c.notNull().references('connections.id'))
    .addColumn('idempotency_key', 'text', (c) => c.notNull())
    /** The job that currently owns the key (the first, or the one that re-queued a failure). */
    .addColumn('job_id', 'text', (c) => c.notNull().references('invoice_jobs.id'))
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('payload', 'jsonb', (c) => c.notNull())
    .addColumn('payload_hash', 'text', (c) => c.notNull())
    .addColumn('invoice_number', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) =>
      c.notNull().check(sql`state in ('queued', 'posting', 'done', 'failed', 'needs_reconnect')`),
    )
    /** True from the moment a post may have reached Xero until its outcome is recorded. */
    .addColumn('needs_check', 'boolean', (c) => c.notNull().defaultTo(false))
    /** Post alone: a whole batch was refused and this item's share of the blame is unknown. */
    .addColumn('is_isolated', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', ms, (c) => c.notNull())
    .addColumn('lease_until', ms)
    .addColumn('invoice_id', 'text')
    .addColumn('error', 'jsonb')
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .addPrimaryKeyConstraint('invoice_items_pk', ['connection_id', 'idempotency_key'])
    .execute();
  await db.schema
    .createIndex('invoice_items_due')
    .on('invoice_items')
    .columns(['state', 'connection_id', 'next_attempt_at'])
    .execute();
  await db.schema
    .createTable('invoice_job_items')
    .addColumn('job_id', 'text', (c) => c.notNull().references('invoice_jobs.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('connection_id', 'text', (c) => c.notNull())
    .addColumn('idempotency_key', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('invoice_job_items_pk', ['job_id', 'position'])
    .execute();
  await db.schema
    .createTable('org_limits')
    .addColumn('tenant_id', 'text', (c) => c.primaryKey())
    .addColumn('blocked_until', ms, (c) => c.notNull().defaultTo(0))
    .addColumn('min_remaining', 'integer')
    .addColumn('day_remaining', 'integer')
    .addColumn('seen_at', ms)
    .execute();
  await db.schema
    .createTable('xero_calls')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('started_at', ms, (c) => c.notNull())
    /** A call still unfinished after this counts as over (its process died). */
    .addColumn('lease_until', ms, (c) => c.notNull())
    .addColumn('finished_at', ms)
    .execute();
  await db.schema
    .createIndex('xero_calls_window')
    .on('xero_calls')
    .columns(['tenant_id', 'started_at'])
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up().
export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['xero_calls', 'org_limits', 'invoice_job_items', 'invoice_items', 'invoice_jobs']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
