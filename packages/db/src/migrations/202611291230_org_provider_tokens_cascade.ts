import { sql } from 'kysely';
import type { Kysely } from 'kysely';

// An organization's provider tokens die with it (DESIGN.md: "Deleting an organization ...
// destroys its provider tokens"). provider_tokens.account_id names a user or an organization,
// so it cannot reference either table; organization_id repeats it for organizations' tokens,
// and its foreign key deletes them, sealed data keys included, whatever deletes the
// organization. SQLite accepts a REFERENCES column in ADD COLUMN when its default is NULL.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('provider_tokens')
    .addColumn('organization_id', 'text', (c) => c.references('organizations.id').onDelete('cascade'))
    .execute();
  // Tokens of organizations that no longer exist: nothing may spend them, and the key would
  // refuse them.
  await sql`delete from provider_tokens where account_type = 'organization' and account_id not in (select id from organizations)`.execute(db);
  await sql`update provider_tokens set organization_id = account_id where account_type = 'organization'`.execute(db);
  await db.schema.createIndex('provider_tokens_organization_id').on('provider_tokens').column('organization_id').execute();
}

// SQLite refuses to drop a column that a foreign key uses; there, going back means rebuilding
// the table, which no deployment has needed.
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('provider_tokens_organization_id').execute();
  await db.schema.alterTable('provider_tokens').dropColumn('organization_id').execute();
}
