import type { Database, SpendingLimit, UsageCounter } from '@qonduit/db';
import type { Kysely, Transaction } from 'kysely';

type Db = Kysely<Database> | Transaction<Database>;

/** The counter row of the whole organization (beside one row per member). */
export const ORG_TOTAL = '*';

/** How many counter rows one usage answer may list (members × providers of a month). */
export const MAX_USAGE_ROWS = 5000;

export async function findLimit(
  db: Db,
  organizationId: string,
  provider: string,
): Promise<SpendingLimit | undefined> {
  return db
    .selectFrom('spending_limits')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('provider', '=', provider)
    .executeTakeFirst();
}

export async function listLimits(db: Db, organizationId: string): Promise<SpendingLimit[]> {
  // At most one row per provider of the catalog.
  return db
    .selectFrom('spending_limits')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .orderBy('provider')
    .limit(100)
    .execute();
}

export async function upsertLimit(db: Db, row: SpendingLimit): Promise<void> {
  const { organization_id: _o, provider: _p, ...values } = row;
  await db
    .insertInto('spending_limits')
    .values(row)
    .onConflict((oc) => oc.columns(['organization_id', 'provider']).doUpdateSet(values))
    .execute();
}

export async function deleteLimit(db: Db, organizationId: string, provider: string): Promise<boolean> {
  const result = await db
    .deleteFrom('spending_limits')
    .where('organization_id', '=', organizationId)
    .where('provider', '=', provider)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export interface CounterKey {
  organizationId: string;
  provider: string;
  month: string;
  userId: string;
}

export interface Amount {
  jobs: number;
  shots: number;
  cost: number;
}

/** Caps on a counter row after the addition; null: none. */
export interface Caps {
  jobs: number | null;
  shots: number | null;
  cost: number | null;
}

export async function ensureCounters(db: Db, keys: CounterKey[]): Promise<void> {
  await db
    .insertInto('usage_counters')
    .values(
      keys.map((k) => ({
        organization_id: k.organizationId,
        provider: k.provider,
        month: k.month,
        user_id: k.userId,
        jobs: 0,
        shots: 0,
        cost_micro_usd: 0,
      })),
    )
    .onConflict((oc) => oc.columns(['organization_id', 'provider', 'month', 'user_id']).doNothing())
    .execute();
}

/**
 * Adds to a counter only if every cap still holds afterwards: one conditional UPDATE, which
 * PostgreSQL re-evaluates on the locked row when a concurrent one got there first, so that no
 * two submissions pass a cap together. False: a cap would be passed, nothing was added.
 */
export async function addWithin(db: Db, key: CounterKey, add: Amount, caps: Caps): Promise<boolean> {
  let q = db
    .updateTable('usage_counters')
    .set((eb) => ({
      jobs: eb('jobs', '+', add.jobs),
      shots: eb('shots', '+', add.shots),
      cost_micro_usd: eb('cost_micro_usd', '+', add.cost),
    }))
    .where('organization_id', '=', key.organizationId)
    .where('provider', '=', key.provider)
    .where('month', '=', key.month)
    .where('user_id', '=', key.userId);
  if (caps.jobs !== null) q = q.where((eb) => eb(eb('jobs', '+', add.jobs), '<=', caps.jobs));
  if (caps.shots !== null) q = q.where((eb) => eb(eb('shots', '+', add.shots), '<=', caps.shots));
  if (caps.cost !== null) q = q.where((eb) => eb(eb('cost_micro_usd', '+', add.cost), '<=', caps.cost));
  const result = await q.executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function readCounter(db: Db, key: CounterKey): Promise<Amount> {
  const row = await db
    .selectFrom('usage_counters')
    .select(['jobs', 'shots', 'cost_micro_usd'])
    .where('organization_id', '=', key.organizationId)
    .where('provider', '=', key.provider)
    .where('month', '=', key.month)
    .where('user_id', '=', key.userId)
    .executeTakeFirst();
  return {
    jobs: Number(row?.jobs ?? 0),
    shots: Number(row?.shots ?? 0),
    cost: Number(row?.cost_micro_usd ?? 0),
  };
}

/** Takes a job's usage back, never below zero. */
export async function subtract(db: Db, key: CounterKey, amount: Amount): Promise<void> {
  await db
    .updateTable('usage_counters')
    .set((eb) => ({
      jobs: eb('jobs', '-', amount.jobs),
      shots: eb('shots', '-', amount.shots),
      cost_micro_usd: eb('cost_micro_usd', '-', amount.cost),
    }))
    .where('organization_id', '=', key.organizationId)
    .where('provider', '=', key.provider)
    .where('month', '=', key.month)
    .where('user_id', '=', key.userId)
    .where('jobs', '>=', amount.jobs)
    .where('shots', '>=', amount.shots)
    .where('cost_micro_usd', '>=', amount.cost)
    .execute();
}

/**
 * Gives back the usage a job was counted for, once: the job's `usage_month` is cleared by the
 * same conditional UPDATE that decides it is given back, so a second call finds nothing to do.
 */
export async function returnJobUsage(db: Db, jobId: string): Promise<boolean> {
  const job = await db
    .selectFrom('jobs')
    .select([
      'account_id',
      'account_type',
      'provider',
      'submitted_by',
      'shots',
      'estimated_cost_micro_usd',
      'usage_month',
    ])
    .where('id', '=', jobId)
    .executeTakeFirst();
  if (!job || job.usage_month === null || job.account_type !== 'organization') return false;
  const cleared = await db
    .updateTable('jobs')
    .set({ usage_month: null })
    .where('id', '=', jobId)
    .where('usage_month', '=', job.usage_month)
    .executeTakeFirst();
  if (Number(cleared.numUpdatedRows) !== 1) return false;
  const amount = { jobs: 1, shots: job.shots, cost: Number(job.estimated_cost_micro_usd ?? 0) };
  for (const userId of [job.submitted_by, ORG_TOTAL]) {
    await subtract(
      db,
      { organizationId: job.account_id, provider: job.provider, month: job.usage_month, userId },
      amount,
    );
  }
  return true;
}

export interface UsageRow extends UsageCounter {
  name: string | null;
  email: string | null;
}

/** The month's counters of an organization, members with their current names. */
export async function monthCounters(db: Db, organizationId: string, month: string): Promise<UsageRow[]> {
  return db
    .selectFrom('usage_counters as c')
    .leftJoin('users as u', 'u.id', 'c.user_id')
    .select([
      'c.organization_id',
      'c.provider',
      'c.month',
      'c.user_id',
      'c.jobs',
      'c.shots',
      'c.cost_micro_usd',
      'u.name',
      'u.email',
    ])
    .where('c.organization_id', '=', organizationId)
    .where('c.month', '=', month)
    .orderBy('c.provider')
    .orderBy('c.user_id')
    .limit(MAX_USAGE_ROWS)
    .execute();
}
