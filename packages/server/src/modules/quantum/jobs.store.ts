import type { Database, Dialect, Job, JobStatusValue, NewJob } from '@qonduit/db';
import type { Kysely, Transaction, Updateable } from 'kysely';
import type { JobTable } from '@qonduit/db';

type Db = Kysely<Database> | Transaction<Database>;

export const ACTIVE_STATUSES: readonly JobStatusValue[] = ['PENDING', 'RUNNING', 'CANCELLING'];

/** False when the account already has a job with this idempotency key. */
export async function insertJob(db: Db, job: NewJob): Promise<boolean> {
  const result = await db
    .insertInto('jobs')
    .values(job)
    .onConflict((oc) => oc.columns(['account_id', 'idempotency_key']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

export async function findByIdempotencyKey(db: Db, accountId: string, key: string): Promise<Job | undefined> {
  return db.selectFrom('jobs').selectAll().where('account_id', '=', accountId).where('idempotency_key', '=', key).executeTakeFirst();
}

export async function findJob(db: Db, accountId: string, id: string): Promise<Job | undefined> {
  return db.selectFrom('jobs').selectAll().where('id', '=', id).where('account_id', '=', accountId).executeTakeFirst();
}

export async function findJobById(db: Db, id: string): Promise<Job | undefined> {
  return db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Newest first; `offset`/`limit` serve PlanQK's page/size. */
export async function listJobs(db: Db, accountId: string, offset: number, limit: number): Promise<Job[]> {
  return db
    .selectFrom('jobs')
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .offset(offset)
    .limit(limit)
    .execute();
}

/**
 * Takes up to `limit` runnable jobs for this worker. On PostgreSQL, FOR UPDATE SKIP LOCKED
 * keeps two processes from taking the same job, and the lease condition is checked again on
 * the row being updated; SQLite has one writer at a time.
 */
export async function claimJobs(db: Db, dialect: Dialect, worker: string, nowIso: string, leaseUntilIso: string, limit: number): Promise<Job[]> {
  const runnable = (eb: Db) => {
    let q = eb
      .selectFrom('jobs')
      .select('id')
      .where('status', 'in', [...ACTIVE_STATUSES])
      .where('next_run_at', '<=', nowIso)
      .where((w) => w.or([w('lease_expires_at', 'is', null), w('lease_expires_at', '<', nowIso)]))
      .orderBy('next_run_at')
      .limit(limit);
    if (dialect === 'postgres') q = q.forUpdate().skipLocked();
    return q;
  };
  return db
    .updateTable('jobs')
    .set({ lease_owner: worker, lease_expires_at: leaseUntilIso })
    .where('id', 'in', runnable(db))
    .where((w) => w.or([w('lease_expires_at', 'is', null), w('lease_expires_at', '<', nowIso)]))
    .returningAll()
    .execute();
}

/**
 * Writes a step's outcome only while this worker still holds the lease (fencing) and nobody
 * changed the status meanwhile (a cancel requested during the step).
 */
export async function updateLeased(db: Db, id: string, worker: string, statusAtClaim: JobStatusValue, values: Updateable<JobTable>): Promise<boolean> {
  const result = await db
    .updateTable('jobs')
    .set(values)
    .where('id', '=', id)
    .where('lease_owner', '=', worker)
    .where('status', '=', statusAtClaim)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Releases the lease keeping the status someone else set, but what the provider now knows. */
export async function releaseLease(db: Db, id: string, worker: string, values: Updateable<JobTable>): Promise<void> {
  await db.updateTable('jobs').set({ ...values, lease_owner: null, lease_expires_at: null }).where('id', '=', id).where('lease_owner', '=', worker).execute();
}

/**
 * Cancelling from the API: only a job that has not finished. `unleasedAt` restricts it to a
 * job no worker holds: one being submitted right now must go through CANCELLING, so that the
 * cancel reaches the provider.
 */
export async function requestCancel(
  db: Db,
  id: string,
  values: Updateable<JobTable>,
  from: JobStatusValue[],
  unleasedAt?: string,
): Promise<boolean> {
  let q = db.updateTable('jobs').set(values).where('id', '=', id).where('status', 'in', from);
  if (unleasedAt) q = q.where((w) => w.or([w('lease_expires_at', 'is', null), w('lease_expires_at', '<', unleasedAt)]));
  const result = await q.executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
