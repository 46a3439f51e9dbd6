import type { Kysely } from 'kysely';

// Items are found by organisation and key as well as by connection: a claim must see
// whether another connection (a reconnect, a second install) holds the same invoice for
// the same organisation, so two of them never create it twice.
// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's types.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('invoice_items_org_key')
    .on('invoice_items')
    .columns(['tenant_id', 'idempotency_key'])
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up().
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('invoice_items_org_key').ifExists().execute();
}
