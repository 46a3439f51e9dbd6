import type { Kysely } from 'kysely';

// What each Xero organisation already holds from us, whichever connection or install sent
// it: one row per (tenant, idempotency key), written when an invoice is known to be in
// Xero. A connection made again (Disconnect + Connect) or a second install finds it here
// and is answered from it instead of posting a second bill. Also each organisation's
// ShortCode for deep links, and an index for the app-wide count of calls per minute.
// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's types.
export async function up(db: Kysely<any>): Promise<void> {
  const ms = 'double precision';
  await db.schema
    .createTable('org_ledger')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('idempotency_key', 'text', (c) => c.notNull())
    .addColumn('invoice_id', 'text', (c) => c.notNull())
    .addColumn('invoice_number', 'text', (c) => c.notNull())
    .addColumn('invoice_type', 'text', (c) => c.notNull())
    .addColumn('payload_hash', 'text', (c) => c.notNull())
    .addColumn('recorded_at', ms, (c) => c.notNull())
    .addPrimaryKeyConstraint('org_ledger_pk', ['tenant_id', 'idempotency_key'])
    .execute();
  await db.schema
    .createTable('xero_organisations')
    .addColumn('tenant_id', 'text', (c) => c.primaryKey())
    .addColumn('short_code', 'text')
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('xero_calls_started').on('xero_calls').column('started_at').execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up().
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('xero_calls_started').ifExists().execute();
  await db.schema.dropTable('xero_organisations').ifExists().execute();
  await db.schema.dropTable('org_ledger').ifExists().execute();
}
