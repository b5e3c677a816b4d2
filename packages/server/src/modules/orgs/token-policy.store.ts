import type { Database, NewOrganizationTokenPolicy } from '@qonduit/db';
import type { Kysely, Transaction } from 'kysely';

type Db = Kysely<Database> | Transaction<Database>;

/** The organization's name and its policy row (all policy columns null when it never set one). */
export async function findPolicy(db: Db, organizationId: string) {
  return db
    .selectFrom('organizations')
    .leftJoin('organization_token_policies as p', 'p.organization_id', 'organizations.id')
    .leftJoin('users as u', 'u.id', 'p.updated_by')
    .select([
      'organizations.id',
      'organizations.name',
      'p.organization_id as policy_org',
      'p.max_lifetime_days',
      'p.allowed_scopes',
      'p.require_restricted',
      'p.block_pats',
      'p.require_two_factor',
      'p.require_sso',
      'p.updated_at',
      'p.updated_by',
      'u.name as updated_by_name',
    ])
    .where('organizations.id', '=', organizationId)
    .executeTakeFirst();
}

export async function upsertPolicy(db: Db, row: NewOrganizationTokenPolicy): Promise<void> {
  await db
    .insertInto('organization_token_policies')
    .values(row)
    .onConflict((oc) =>
      oc.column('organization_id').doUpdateSet({
        max_lifetime_days: row.max_lifetime_days ?? null,
        allowed_scopes: row.allowed_scopes ?? null,
        require_restricted: row.require_restricted ?? 0,
        block_pats: row.block_pats ?? 0,
        require_two_factor: row.require_two_factor,
        require_sso: row.require_sso,
        updated_at: row.updated_at,
        updated_by: row.updated_by ?? null,
      }),
    )
    .execute();
}

/**
 * Active tokens of the organization's members (all, or one member's), members in join order,
 * each member's tokens newest first; `limit` bounds the scan.
 */
export async function activeMemberTokens(db: Db, organizationId: string, nowIso: string, member: string | undefined, limit: number) {
  let q = db
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .innerJoin('personal_access_tokens as t', 't.user_id', 'm.user_id')
    .select(['u.id as user_id', 'u.name as user_name', 'u.email', 't.id', 't.name', 't.hint', 't.scopes', 't.created_at', 't.expires_at', 't.organization_ids'])
    .where('m.organization_id', '=', organizationId)
    .where('t.revoked_at', 'is', null)
    .where('t.expires_at', '>', nowIso);
  if (member !== undefined) q = q.where('m.user_id', '=', member);
  return q.orderBy('m.added_at').orderBy('u.id').orderBy('t.created_at', 'desc').orderBy('t.id').limit(limit).execute();
}

/** Every member, in join order, with whether they hold a confirmed second factor. */
export async function membersWithFactors(db: Db, organizationId: string) {
  return db
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select((eb) => [
      'u.id as user_id',
      'u.name',
      'u.email',
      'm.role',
      eb
        .exists(eb.selectFrom('second_factors as f').select('f.id').whereRef('f.user_id', '=', 'm.user_id').where('f.confirmed_at', 'is not', null))
        .as('two_factor'),
    ])
    .where('m.organization_id', '=', organizationId)
    .orderBy('m.added_at')
    .orderBy('u.id')
    .execute();
}
