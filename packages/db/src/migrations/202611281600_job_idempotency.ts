import type { Kysely } from 'kysely';

// A client that retries a submission (a lost answer, a timeout) sends the same
// Idempotency-Key, and gets the job it already created instead of a second one.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('jobs').addColumn('idempotency_key', 'text').execute();
  await db.schema.createIndex('jobs_idempotency').on('jobs').columns(['account_id', 'idempotency_key']).unique().execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('jobs_idempotency').execute();
  await db.schema.alterTable('jobs').dropColumn('idempotency_key').execute();
}
