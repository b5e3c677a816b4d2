import type { Database, Invitation, MembershipRole, NewInvitation } from '@qonduit/db';
import type { Kysely, Transaction } from 'kysely';

type Db = Kysely<Database> | Transaction<Database>;

export async function findOpenInvitation(db: Db, organizationId: string, email: string): Promise<Invitation | undefined> {
  return db
    .selectFrom('invitations')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('email', '=', email)
    .where('accepted_at', 'is', null)
    .where('declined_at', 'is', null)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
}

export async function insertInvitation(db: Db, invitation: NewInvitation): Promise<void> {
  await db.insertInto('invitations').values(invitation).execute();
}

export async function refreshInvitation(
  db: Db,
  id: string,
  change: { role: MembershipRole; invited_by: string; created_at: string; expires_at: string },
): Promise<void> {
  await db.updateTable('invitations').set(change).where('id', '=', id).execute();
}

export async function findInvitation(db: Db, id: string): Promise<Invitation | undefined> {
  return db.selectFrom('invitations').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Ends a still-open invitation; false when it was no longer open (a concurrent change won). */
export async function closeInvitation(db: Db, id: string, column: 'accepted_at' | 'declined_at' | 'revoked_at', at: string): Promise<boolean> {
  const result = await db
    .updateTable('invitations')
    .set({ [column]: at })
    .where('id', '=', id)
    .where('accepted_at', 'is', null)
    .where('declined_at', 'is', null)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** An organization's open invitations, oldest first, with the inviter's name. */
export async function listOpenInvitationsOfOrg(db: Db, organizationId: string, limit: number, after: string[] | null) {
  let q = db
    .selectFrom('invitations')
    .leftJoin('users', 'users.id', 'invitations.invited_by')
    .select([
      'invitations.id',
      'invitations.email',
      'invitations.role',
      'invitations.created_at',
      'invitations.expires_at',
      'invitations.invited_by',
      'users.name as inviter_name',
    ])
    .where('invitations.organization_id', '=', organizationId)
    .where('invitations.accepted_at', 'is', null)
    .where('invitations.declined_at', 'is', null)
    .where('invitations.revoked_at', 'is', null);
  if (after) {
    const [createdAt = '', id = ''] = after;
    q = q.where((eb) =>
      eb.or([eb('invitations.created_at', '>', createdAt), eb.and([eb('invitations.created_at', '=', createdAt), eb('invitations.id', '>', id)])]),
    );
  }
  return q.orderBy('invitations.created_at').orderBy('invitations.id').limit(limit).execute();
}

/** The live (open, unexpired) invitations addressed to an e-mail, with organization and inviter names. */
export async function listLiveInvitationsFor(db: Db, email: string, nowIso: string, limit: number, after: string[] | null) {
  let q = db
    .selectFrom('invitations')
    .innerJoin('organizations', 'organizations.id', 'invitations.organization_id')
    .leftJoin('users', 'users.id', 'invitations.invited_by')
    .select([
      'invitations.id',
      'invitations.role',
      'invitations.created_at',
      'invitations.expires_at',
      'organizations.id as organization_id',
      'organizations.name as organization_name',
      'users.name as inviter_name',
    ])
    .where('invitations.email', '=', email)
    .where('invitations.expires_at', '>', nowIso)
    .where('invitations.accepted_at', 'is', null)
    .where('invitations.declined_at', 'is', null)
    .where('invitations.revoked_at', 'is', null);
  if (after) {
    const [createdAt = '', id = ''] = after;
    q = q.where((eb) =>
      eb.or([eb('invitations.created_at', '>', createdAt), eb.and([eb('invitations.created_at', '=', createdAt), eb('invitations.id', '>', id)])]),
    );
  }
  return q.orderBy('invitations.created_at').orderBy('invitations.id').limit(limit).execute();
}

/** Whether an account with this e-mail is already a member (the owner sees members' e-mails anyway). */
export async function isMemberByEmail(db: Db, organizationId: string, email: string): Promise<boolean> {
  const row = await db
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .select('memberships.user_id')
    .where('memberships.organization_id', '=', organizationId)
    .where('users.email', '=', email)
    .executeTakeFirst();
  return row !== undefined;
}
