import { sql } from 'kysely';
import type { Kysely } from 'kysely';

// An audit event names its actor as people know them: the user's display name and the name of
// the token that acted, as they were at the time (a token or user deleted or renamed later
// leaves the record as it was). The filters of the audit log (by actor, by action or action
// prefix, by time) each get an index that starts with the account, so a filtered page reads
// only the account's matching rows.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('audit_events').addColumn('actor_name', 'text').execute();
  await db.schema.alterTable('audit_events').addColumn('actor_token_name', 'text').execute();
  // Events recorded before: the names as they are now are the best record left.
  await sql`update audit_events set actor_name = (select name from users where users.id = audit_events.actor_user_id) where actor_user_id is not null`.execute(db);
  await sql`update audit_events set actor_token_name = (select name from personal_access_tokens where personal_access_tokens.id = audit_events.actor_token_id) where actor_token_id is not null`.execute(db);
  await db.schema.createIndex('audit_events_account_actor').on('audit_events').columns(['account_id', 'actor_user_id', 'created_at', 'id']).execute();
  await db.schema.createIndex('audit_events_account_action').on('audit_events').columns(['account_id', 'action', 'created_at', 'id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('audit_events_account_action').execute();
  await db.schema.dropIndex('audit_events_account_actor').execute();
  await db.schema.alterTable('audit_events').dropColumn('actor_token_name').execute();
  await db.schema.alterTable('audit_events').dropColumn('actor_name').execute();
}
