import type { Database, Dialect, Job, JobStatusValue, NewJob } from '@qonduit/db';
import { sql } from 'kysely';
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

/**
 * What a job list shows: every column but the program and its result, which can be large
 * (inputs up to 1 MB) and are read only for one job.
 */
export const JOB_SUMMARY_COLUMNS = [
  'id',
  'account_id',
  'account_type',
  'submitted_by',
  'backend_id',
  'provider',
  'status',
  'shots',
  'name',
  'tags',
  'input_format',
  'qubits',
  'token_source',
  'token_record_id',
  'provider_job_id',
  'error_message',
  'created_at',
  'started_at',
  'ended_at',
  'attempts',
  'next_run_at',
  'lease_owner',
  'lease_expires_at',
  'idempotency_key',
  'submit_attempt_id',
  'submit_attempt_at',
  'estimated_cost_micro_usd',
  'usage_month',
] as const satisfies ReadonlyArray<keyof Job>;
export type JobSummary = Pick<Job, (typeof JOB_SUMMARY_COLUMNS)[number]>;

/** Newest first; `offset`/`limit` serve PlanQK's page/size. */
export async function listJobs(db: Db, accountId: string, offset: number, limit: number): Promise<JobSummary[]> {
  return db
    .selectFrom('jobs')
    .select(JOB_SUMMARY_COLUMNS)
    .where('account_id', '=', accountId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .offset(offset)
    .limit(limit)
    .execute();
}

/**
 * Jobs of an account that have not started yet (the queue the per-account limit bounds), read
 * inside a transaction that holds the account's lock until it ends: on PostgreSQL an advisory
 * lock per account; SQLite runs one write transaction at a time anyway.
 */
export async function countQueuedLocked(trx: Transaction<Database>, dialect: Dialect, accountId: string): Promise<number> {
  if (dialect === 'postgres') await sql`select pg_advisory_xact_lock(hashtext(${`jobs:${accountId}`}))`.execute(trx);
  const row = await trx
    .selectFrom('jobs')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('account_id', '=', accountId)
    .where('status', '=', 'PENDING')
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

export interface ClaimOptions {
  /** A fresh token per claim: the fencing token every later write of the step must carry. */
  token: string;
  nowIso: string;
  leaseUntilIso: string;
  /** An account with this many started jobs (RUNNING, CANCELLING or being stepped) starts no more. */
  maxRunningPerAccount: number;
  /** False while every simulator worker of this process is busy: local jobs stay queued. */
  local: boolean;
}

/**
 * Leases one runnable job, fairly across accounts: each account's runnable jobs are ranked
 * oldest first, and a job's place is its rank plus the number of its account's jobs already
 * being stepped; among equals, the account whose last job started longest ago goes first. So
 * one account's burst takes turns with everyone else instead of going first.
 * The candidates are read without locks; the lease itself is one conditional UPDATE that
 * checks again that nobody holds the row (PostgreSQL re-evaluates it on the locked row), so
 * two processes never lease the same job.
 */
export async function claimNext(db: Kysely<Database>, o: ClaimOptions): Promise<Job | undefined> {
  const active = sql.join(ACTIVE_STATUSES.map((s) => sql.lit(s)));
  const candidates = await sql<{ id: string }>`
    with load as (
      select account_id,
        sum(case when lease_expires_at >= ${o.nowIso} then 1 else 0 end) as busy,
        sum(case when status <> 'PENDING' or lease_expires_at >= ${o.nowIso} then 1 else 0 end) as started
      from jobs where status in (${active}) group by account_id
    ), runnable as (
      select id, account_id, status, provider, next_run_at,
        row_number() over (partition by account_id order by next_run_at, id) as rank
      from jobs
      where status in (${active}) and next_run_at <= ${o.nowIso}
        and (lease_expires_at is null or lease_expires_at < ${o.nowIso})
    )
    select r.id from runnable r
      left join load l on l.account_id = r.account_id
      left join job_account_turns t on t.account_id = r.account_id
    where (r.status <> 'PENDING' or coalesce(l.started, 0) < ${o.maxRunningPerAccount})
      and (${o.local ? sql`1 = 1` : sql`r.provider <> 'local'`})
    order by coalesce(l.busy, 0) + r.rank, coalesce(t.last_started_at, ''), r.next_run_at, r.id
    limit 5`.execute(db);
  for (const { id } of candidates.rows) {
    const claimed = await db
      .updateTable('jobs')
      .set({ lease_owner: o.token, lease_expires_at: o.leaseUntilIso })
      .where('id', '=', id)
      .where('status', 'in', [...ACTIVE_STATUSES])
      .where('next_run_at', '<=', o.nowIso)
      .where((w) => w.or([w('lease_expires_at', 'is', null), w('lease_expires_at', '<', o.nowIso)]))
      .returningAll()
      .executeTakeFirst();
    if (!claimed) continue;
    if (claimed.status === 'PENDING') {
      await db
        .insertInto('job_account_turns')
        .values({ account_id: claimed.account_id, last_started_at: o.nowIso })
        .onConflict((oc) => oc.column('account_id').doUpdateSet({ last_started_at: o.nowIso }))
        .execute();
    }
    return claimed;
  }
  return undefined;
}

/** The heartbeat of a step in flight: false once the lease is no longer this claim's. */
export async function renewLease(db: Db, id: string, token: string, leaseUntilIso: string): Promise<boolean> {
  const result = await db.updateTable('jobs').set({ lease_expires_at: leaseUntilIso }).where('id', '=', id).where('lease_owner', '=', token).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Records the intent to submit before the provider is called, under the lease, in place of
 * `previousAttemptId` (one the provider was found not to have); false when the lease was lost
 * or another attempt was recorded meanwhile (then nothing may be sent).
 */
export async function recordSubmitAttempt(db: Db, id: string, token: string, previousAttemptId: string | null, attemptId: string, nowIso: string): Promise<boolean> {
  const result = await db
    .updateTable('jobs')
    .set({ submit_attempt_id: attemptId, submit_attempt_at: nowIso })
    .where('id', '=', id)
    .where('lease_owner', '=', token)
    .where('provider_job_id', 'is', null)
    .where('submit_attempt_id', previousAttemptId === null ? 'is' : '=', previousAttemptId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Keeps what the provider answered to this attempt even when the lease was lost meanwhile:
 * the job id is ours by the attempt id, and without it nobody could cancel or read the run.
 */
export async function recordProviderJob(db: Db, id: string, attemptId: string, providerJobId: string, startedAtIso: string): Promise<void> {
  await db
    .updateTable('jobs')
    .set({ provider_job_id: providerJobId, started_at: startedAtIso })
    .where('id', '=', id)
    .where('submit_attempt_id', '=', attemptId)
    .where('provider_job_id', 'is', null)
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
  // A job with a submission attempt may exist at the provider: it goes through CANCELLING too.
  if (unleasedAt) q = q.where('submit_attempt_id', 'is', null).where((w) => w.or([w('lease_expires_at', 'is', null), w('lease_expires_at', '<', unleasedAt)]));
  const result = await q.executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function organizationExists(db: Db, id: string): Promise<boolean> {
  return (await db.selectFrom('organizations').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
}
