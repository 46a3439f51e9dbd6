import type { Kysely } from 'kysely';

// A sign-in is not a connection until the install that started it redeems its relay code.
// The callback parks the sealed token pair and the organisation on the relay code row; the
// connection row (and its first grant) is written only at redemption. So the code's
// connection id may name a row that does not exist yet, and the foreign key goes.
// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's types.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('relay_codes').dropConstraint('relay_codes_connection_id_fkey').execute();
  await db.schema
    .alterTable('relay_codes')
    .addColumn('tenant_id', 'text')
    .addColumn('organisation_name', 'text')
    .addColumn('xero_connection_id', 'text')
    .addColumn('tenants_json', 'text')
    .addColumn('access_token_enc', 'text')
    .addColumn('refresh_token_enc', 'text')
    .addColumn('access_expires_at', 'double precision')
    .addColumn('created_at', 'double precision')
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up().
export async function down(db: Kysely<any>): Promise<void> {
  for (const col of [
    'tenant_id',
    'organisation_name',
    'xero_connection_id',
    'tenants_json',
    'access_token_enc',
    'refresh_token_enc',
    'access_expires_at',
    'created_at',
  ]) {
    await db.schema.alterTable('relay_codes').dropColumn(col).execute();
  }
}
