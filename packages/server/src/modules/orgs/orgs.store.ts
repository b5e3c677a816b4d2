import type { Database, MembershipRole, NewMembership, NewOrganization } from '@qonduit/db';
import type { Dialect } from '@qonduit/db';
import type { Kysely, Transaction } from 'kysely';

type Db = Kysely<Database> | Transaction<Database>;

export async function insertOrganization(db: Db, org: NewOrganization): Promise<void> {
  await db.insertInto('organizations').values(org).execute();
}

/** The slugs already taken among `base` and its numbered forms (base-2, ...). */
export async function slugsLike(db: Db, base: string): Promise<Set<string>> {
  const rows = await db
    .selectFrom('organizations')
    .select('slug')
    .where((eb) => eb.or([eb('slug', '=', base), eb('slug', 'like', `${base.slice(0, 36)}%-%`)]))
    .execute();
  return new Set(rows.map((r) => r.slug));
}

export async function slugTaken(db: Db, slug: string): Promise<boolean> {
  return (await db.selectFrom('organizations').select('id').where('slug', '=', slug).executeTakeFirst()) !== undefined;
}

export async function insertMembership(db: Db, membership: NewMembership): Promise<boolean> {
  const result = await db
    .insertInto('memberships')
    .values(membership)
    .onConflict((oc) => oc.columns(['organization_id', 'user_id']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

export async function findMembership(db: Db, organizationId: string, userId: string) {
  return db
    .selectFrom('memberships')
    .innerJoin('organizations', 'organizations.id', 'memberships.organization_id')
    .select(['organizations.id', 'organizations.name', 'organizations.slug', 'organizations.created_at', 'memberships.role'])
    .where('memberships.organization_id', '=', organizationId)
    .where('memberships.user_id', '=', userId)
    .executeTakeFirst();
}

export async function membershipRole(db: Db, organizationId: string, userId: string): Promise<MembershipRole | null> {
  const row = await db
    .selectFrom('memberships')
    .select('role')
    .where('organization_id', '=', organizationId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row?.role ?? null;
}

export async function listOrganizationsOfUser(db: Db, userId: string, limit: number, after: string[] | null) {
  let q = db
    .selectFrom('memberships')
    .innerJoin('organizations', 'organizations.id', 'memberships.organization_id')
    .select(['organizations.id', 'organizations.name', 'organizations.slug', 'organizations.created_at', 'memberships.role'])
    .where('memberships.user_id', '=', userId);
  if (after) {
    const [createdAt = '', id = ''] = after;
    q = q.where((eb) =>
      eb.or([eb('organizations.created_at', '>', createdAt), eb.and([eb('organizations.created_at', '=', createdAt), eb('organizations.id', '>', id)])]),
    );
  }
  return q.orderBy('organizations.created_at').orderBy('organizations.id').limit(limit).execute();
}

export async function renameOrganization(db: Db, organizationId: string, name: string): Promise<void> {
  await db.updateTable('organizations').set({ name }).where('id', '=', organizationId).execute();
}

export async function deleteOrganization(db: Db, organizationId: string): Promise<void> {
  await db.deleteFrom('organizations').where('id', '=', organizationId).execute();
}

export async function listMembers(db: Db, organizationId: string, limit: number, after: string[] | null) {
  let q = db
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .select(['users.id as user_id', 'users.email', 'users.name', 'memberships.role', 'memberships.added_at'])
    .where('memberships.organization_id', '=', organizationId);
  if (after) {
    const [addedAt = '', userId = ''] = after;
    q = q.where((eb) =>
      eb.or([eb('memberships.added_at', '>', addedAt), eb.and([eb('memberships.added_at', '=', addedAt), eb('users.id', '>', userId)])]),
    );
  }
  return q.orderBy('memberships.added_at').orderBy('users.id').limit(limit).execute();
}

export async function findMember(db: Db, organizationId: string, userId: string) {
  return db
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .select(['users.id as user_id', 'users.email', 'users.name', 'memberships.role', 'memberships.added_at'])
    .where('memberships.organization_id', '=', organizationId)
    .where('memberships.user_id', '=', userId)
    .executeTakeFirst();
}

/**
 * Serializes changes to one organization's members, so that two owners demoting each other at
 * once cannot leave it without an owner. SQLite transactions are serialized already.
 */
export async function lockOrganization(db: Db, dialect: Dialect, organizationId: string): Promise<boolean> {
  let q = db.selectFrom('organizations').select('id').where('id', '=', organizationId);
  if (dialect === 'postgres') q = q.forUpdate();
  return (await q.executeTakeFirst()) !== undefined;
}

export async function countOwners(db: Db, organizationId: string): Promise<number> {
  const row = await db
    .selectFrom('memberships')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('organization_id', '=', organizationId)
    .where('role', '=', 'owner')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function updateMemberRole(db: Db, organizationId: string, userId: string, role: MembershipRole): Promise<void> {
  await db.updateTable('memberships').set({ role }).where('organization_id', '=', organizationId).where('user_id', '=', userId).execute();
}

export async function deleteMembership(db: Db, organizationId: string, userId: string): Promise<void> {
  await db.deleteFrom('memberships').where('organization_id', '=', organizationId).where('user_id', '=', userId).execute();
}

export async function listAllMembershipsOfUser(db: Db, userId: string) {
  return db
    .selectFrom('memberships')
    .innerJoin('organizations', 'organizations.id', 'memberships.organization_id')
    .select(['organizations.id', 'organizations.name', 'memberships.role'])
    .where('memberships.user_id', '=', userId)
    .orderBy('organizations.name')
    .orderBy('organizations.id')
    .execute();
}

// Ending an organization (orgs.service `remove`). These touch the jobs and provider_tokens
// tables because deleting an organization is one transaction over all of them.

/**
 * Ends every job of the organization that has not finished: CANCELLED at once, so that no
 * worker ever claims it again. Returns what the provider side needs: the provider's job id for
 * jobs that reached it, and the lease of jobs a worker may be submitting at this moment.
 */
export async function cancelActiveJobsOf(db: Db, organizationId: string, nowIso: string) {
  return db
    .updateTable('jobs')
    .set({ status: 'CANCELLED', ended_at: nowIso })
    .where('account_id', '=', organizationId)
    .where('account_type', '=', 'organization')
    .where('status', 'in', ['PENDING', 'RUNNING', 'CANCELLING'])
    .returning(['id', 'provider', 'backend_id', 'token_source', 'provider_job_id', 'submit_attempt_id', 'submit_attempt_at', 'created_at', 'lease_owner', 'lease_expires_at'])
    .execute();
}

/** What the provider knows of these jobs now, and whether a worker still holds them. */
export async function providerSideOf(db: Db, jobIds: readonly string[]) {
  if (jobIds.length === 0) return [];
  return db
    .selectFrom('jobs')
    .select(['id', 'provider_job_id', 'submit_attempt_id', 'submit_attempt_at', 'lease_owner'])
    .where('id', 'in', [...jobIds])
    .execute();
}

/** Deletes the organization's provider tokens; the sealed data keys live in these rows only. */
export async function deleteProviderTokensOf(db: Db, organizationId: string): Promise<number> {
  const result = await db
    .deleteFrom('provider_tokens')
    .where('account_id', '=', organizationId)
    .where('account_type', '=', 'organization')
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function deleteMembershipsOf(db: Db, organizationId: string): Promise<void> {
  await db.deleteFrom('memberships').where('organization_id', '=', organizationId).execute();
}
