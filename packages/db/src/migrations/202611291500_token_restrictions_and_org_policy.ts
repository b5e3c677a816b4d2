import type { Kysely } from 'kysely';

// Issue 16 (organizations in control) and 17 (IP allowlists):
// - a personal access token may be restricted to chosen organizations (`organization_ids`:
//   null = every organization its owner belongs to, as before; '' = the personal account only;
//   else space-separated organization ids, kept as ids so that leaving an organization never
//   widens the token) and to client addresses (`allowed_ips`: null = anywhere; else
//   space-separated CIDRs);
// - an organization may set a token policy, enforced whenever a token acts for it. One row per
//   organization, gone with it.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('personal_access_tokens').addColumn('organization_ids', 'text').execute();
  await db.schema.alterTable('personal_access_tokens').addColumn('allowed_ips', 'text').execute();
  await db.schema
    .createTable('organization_token_policies')
    .addColumn('organization_id', 'text', (c) => c.primaryKey().references('organizations.id').onDelete('cascade'))
    .addColumn('max_lifetime_days', 'integer')
    // null: every scope; else space-separated scope names.
    .addColumn('allowed_scopes', 'text')
    .addColumn('require_restricted', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('block_pats', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('organization_token_policies').execute();
  await db.schema.alterTable('personal_access_tokens').dropColumn('allowed_ips').execute();
  await db.schema.alterTable('personal_access_tokens').dropColumn('organization_ids').execute();
}
