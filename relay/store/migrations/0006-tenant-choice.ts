import type { Kysely } from 'kysely';

// One Xero consent may cover several organisations. A connection made from such a consent
// is not bound to any of them until its owner chooses one (POST
// /v1/connections/{id}/tenant); until then nothing is read from or posted to Xero through
// it. Connections made before this migration were bound at sign-in, so they count as chosen.
// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's types.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('connections')
    .addColumn('tenant_chosen', 'boolean', (c) => c.notNull().defaultTo(true))
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up().
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('connections').dropColumn('tenant_chosen').execute();
}
