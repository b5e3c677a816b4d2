import { AppError, forbidden, newId, notFound } from '@qonduit/core';
import type { Clock } from '@qonduit/core';
import type { Role } from '@qonduit/contract';
import type { Database, Dialect } from '@qonduit/db';
import type { Kysely } from 'kysely';
import { decodeCursor, pageOf } from '../../pagination';
import { normalizeEmail } from '../accounts/accounts.service';
import { findUserByEmail } from '../accounts/accounts.store';
import * as store from './orgs.store';

const MANAGE_MEMBERS: readonly Role[] = ['owner'];
const EDIT: readonly Role[] = ['owner', 'maintainer'];

export function createOrgService(deps: { db: Kysely<Database>; dialect: Dialect; clock: Clock }) {
  const { db, dialect, clock } = deps;

  /** The caller's membership; another organization answers 404, exactly as a missing one. */
  async function membershipOf(userId: string, organizationId: string) {
    const m = await store.findMembership(db, organizationId, userId);
    if (!m) throw notFound('Organization');
    return m;
  }

  function require(role: Role, allowed: readonly Role[], action: string): void {
    if (!allowed.includes(role)) {
      throw forbidden(`Only ${allowed.map((r) => `${r}s`).join(' and ')} can ${action}; your role is ${role}`);
    }
  }

  return {
    membershipOf,
    membershipRole: (organizationId: string, userId: string) => store.membershipRole(db, organizationId, userId),

    async create(userId: string, name: string) {
      const now = clock.now().toISOString();
      const org = { id: newId(), name: name.trim(), created_at: now, created_by: userId };
      await db.transaction().execute(async (trx) => {
        await store.insertOrganization(trx, org);
        await store.insertMembership(trx, { organization_id: org.id, user_id: userId, role: 'owner', added_at: now });
      });
      return { id: org.id, name: org.name, created_at: org.created_at, role: 'owner' as const };
    },

    async list(userId: string, page: { limit?: number; cursor?: string }) {
      const limit = page.limit ?? 50;
      const rows = await store.listOrganizationsOfUser(db, userId, limit + 1, decodeCursor(page.cursor, 2));
      return pageOf(rows, limit, (r) => [r.created_at, r.id]);
    },

    async rename(userId: string, organizationId: string, name: string) {
      const m = await membershipOf(userId, organizationId);
      require(m.role, EDIT, 'rename the organization');
      await store.renameOrganization(db, organizationId, name.trim());
      return { ...m, name: name.trim() };
    },

    async remove(userId: string, organizationId: string): Promise<void> {
      const m = await membershipOf(userId, organizationId);
      require(m.role, MANAGE_MEMBERS, 'delete the organization');
      await store.deleteOrganization(db, organizationId);
    },

    async listMembers(userId: string, organizationId: string, page: { limit?: number; cursor?: string }) {
      await membershipOf(userId, organizationId);
      const limit = page.limit ?? 50;
      const rows = await store.listMembers(db, organizationId, limit + 1, decodeCursor(page.cursor, 2));
      return pageOf(rows, limit, (r) => [r.added_at, r.user_id]);
    },

    async addMember(userId: string, organizationId: string, input: { email: string; role: Role }) {
      const m = await membershipOf(userId, organizationId);
      require(m.role, MANAGE_MEMBERS, 'add members');
      const user = await findUserByEmail(db, normalizeEmail(input.email));
      if (!user) {
        throw new AppError('not_found', 'No account uses this email; ask the person to sign up first', {
          details: [{ field: 'email', message: 'has no account' }],
        });
      }
      const added = await store.insertMembership(db, {
        organization_id: organizationId,
        user_id: user.id,
        role: input.role,
        added_at: clock.now().toISOString(),
      });
      if (!added) throw new AppError('conflict', 'This user is already a member of the organization');
      const member = await store.findMember(db, organizationId, user.id);
      if (!member) throw notFound('Member');
      return member;
    },

    async changeRole(userId: string, organizationId: string, targetUserId: string, role: Role) {
      const m = await membershipOf(userId, organizationId);
      require(m.role, MANAGE_MEMBERS, 'change roles');
      return db.transaction().execute(async (trx) => {
        await store.lockOrganization(trx, dialect, organizationId);
        const target = await store.findMember(trx, organizationId, targetUserId);
        if (!target) throw notFound('Member');
        if (target.role === 'owner' && role !== 'owner' && (await store.countOwners(trx, organizationId)) <= 1) {
          throw new AppError('last_owner', 'An organization must keep at least one owner; make someone else owner first');
        }
        await store.updateMemberRole(trx, organizationId, targetUserId, role);
        return { ...target, role };
      });
    },

    async removeMember(userId: string, organizationId: string, targetUserId: string): Promise<void> {
      const m = await membershipOf(userId, organizationId);
      // Anyone may leave; only owners remove others.
      if (targetUserId !== userId) require(m.role, MANAGE_MEMBERS, 'remove members');
      await db.transaction().execute(async (trx) => {
        await store.lockOrganization(trx, dialect, organizationId);
        const target = await store.findMember(trx, organizationId, targetUserId);
        if (!target) throw notFound('Member');
        if (target.role === 'owner' && (await store.countOwners(trx, organizationId)) <= 1) {
          throw new AppError('last_owner', 'An organization must keep at least one owner; make someone else owner first');
        }
        await store.deleteMembership(trx, organizationId, targetUserId);
      });
    },

    listAllMemberships: (userId: string) => store.listAllMembershipsOfUser(db, userId),
  };
}

export type OrgService = ReturnType<typeof createOrgService>;
