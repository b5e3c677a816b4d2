import { sql } from 'kysely';
import type { Kysely } from 'kysely';

// Spending limits on an organization's provider tokens and the usage they are checked against
// (issue 16). A limit row per (organization, provider); a counter row per (organization,
// provider, calendar month UTC, member), and one more per month with member '*' for the whole
// organization. A submission adds to both counters with a conditional UPDATE in the
// transaction that inserts the job, so concurrent submissions on any number of servers can
// never pass a limit together. Amounts of money are whole micro-dollars (exact in a bigint).
// Each job records its estimated cost, and the month its usage was counted in until that
// usage is given back (a job that never reached its provider).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('spending_limits')
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('member_jobs_per_month', 'bigint')
    .addColumn('member_shots_per_month', 'bigint')
    .addColumn('member_cost_micro_usd', 'bigint')
    .addColumn('org_jobs_per_month', 'bigint')
    .addColumn('org_shots_per_month', 'bigint')
    .addColumn('org_cost_micro_usd', 'bigint')
    .addColumn('max_shots_per_job', 'bigint')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    // No foreign key: the record outlives the account of whoever set it.
    .addColumn('updated_by', 'text')
    .addPrimaryKeyConstraint('spending_limits_pk', ['organization_id', 'provider'])
    .execute();
  await db.schema
    .createTable('usage_counters')
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('month', 'text', (c) => c.notNull())
    // A member's user id, or '*' for the whole organization. No foreign key: a member who left
    // still has their month's usage.
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('jobs', 'bigint', (c) => c.notNull().defaultTo(0).check(sql`jobs >= 0`))
    .addColumn('shots', 'bigint', (c) => c.notNull().defaultTo(0).check(sql`shots >= 0`))
    .addColumn('cost_micro_usd', 'bigint', (c) => c.notNull().defaultTo(0).check(sql`cost_micro_usd >= 0`))
    .addPrimaryKeyConstraint('usage_counters_pk', ['organization_id', 'provider', 'month', 'user_id'])
    .execute();
  await db.schema.alterTable('jobs').addColumn('estimated_cost_micro_usd', 'bigint').execute();
  await db.schema.alterTable('jobs').addColumn('usage_month', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('jobs').dropColumn('usage_month').execute();
  await db.schema.alterTable('jobs').dropColumn('estimated_cost_micro_usd').execute();
  await db.schema.dropTable('usage_counters').execute();
  await db.schema.dropTable('spending_limits').execute();
}
