import type { Kysely } from 'kysely';

// Sign-in failures are counted by the rate limiter (qonduit_rate_limits, or memory on SQLite)
// since issue 13; login_failures has had no writer since, so it goes rather than being swept forever.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('login_failures').ifExists().execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('login_failures')
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('window_start', 'text', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('login_failures_pk', ['key', 'window_start'])
    .execute();
}
