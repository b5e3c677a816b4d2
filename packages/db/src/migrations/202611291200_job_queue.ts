import type { Kysely } from 'kysely';

// At most one submission per job: the worker records a submission attempt id before it calls
// the provider (and passes it as the provider's idempotency token where there is one), so that
// after a crash a job with an attempt but no provider job id is reconciled, never resubmitted
// blindly. The account index serves the per-account limits and fair claiming.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('jobs').addColumn('submit_attempt_id', 'text').execute();
  await db.schema.alterTable('jobs').addColumn('submit_attempt_at', 'text').execute();
  await db.schema.createIndex('jobs_account_status').on('jobs').columns(['account_id', 'status']).execute();
  // When each account last had a job started: claiming serves the account waiting longest.
  await db.schema
    .createTable('job_account_turns')
    .addColumn('account_id', 'text', (c) => c.primaryKey())
    .addColumn('last_started_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('job_account_turns').execute();
  await db.schema.dropIndex('jobs_account_status').execute();
  await db.schema.alterTable('jobs').dropColumn('submit_attempt_at').execute();
  await db.schema.alterTable('jobs').dropColumn('submit_attempt_id').execute();
}
