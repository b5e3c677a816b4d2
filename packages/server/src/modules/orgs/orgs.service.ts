import { AppError, freeSlug, newId, notFound, slugify } from '@qonduit/core';
import type { Clock } from '@qonduit/core';
import type { Role } from '@qonduit/contract';
import type { Database, Dialect, NewOrganization } from '@qonduit/db';
import type { Kysely } from 'kysely';
import { decodeCursor, pageOf } from '../../pagination';
import type { Actor, AuditService } from '../audit/audit.service';
import { createInvitationService } from './invitations.service';
import { assertMay } from './org-policy';
import type { OrgAction } from './org-policy';
import type { OrgJobCanceller } from './org-jobs';
import * as store from './orgs.store';

export function createOrgService(deps: {
  db: Kysely<Database>;
  dialect: Dialect;
  clock: Clock;
  audit: Pick<AuditService, 'record'>;
  /** Carries a deleted organization's cancellations to the providers. */
  jobs: OrgJobCanceller;
}) {
  const { db, dialect, clock } = deps;

  /** The caller's membership; another organization answers 404, exactly as a missing one. */
  async function membershipOf(userId: string, organizationId: string) {
    const m = await store.findMembership(db, organizationId, userId);
    if (!m) throw notFound('Organization');
    return m;
  }

  /** The caller's membership, when the policy table lets their role do `action` (else 403). */
  async function authorize(userId: string, organizationId: string, action: OrgAction) {
    const m = await membershipOf(userId, organizationId);
    assertMay(m.role, action);
    return m;
  }

  async function insertWithOwner(org: NewOrganization, userId: string, now: string, actor: Actor): Promise<void> {
    await db.transaction().execute(async (trx) => {
      await store.insertOrganization(trx, org);
      await store.insertMembership(trx, { organization_id: org.id, user_id: userId, role: 'owner', added_at: now });
      await deps.audit.record({ account: { id: org.id, type: 'organization' }, actor, action: 'organization.created', target: { type: 'organization', id: org.id, name: org.name }, details: { slug: org.slug } }, trx);
    });
  }

  return {
    membershipOf,
    authorize,
    membershipRole: (organizationId: string, userId: string) => store.membershipRole(db, organizationId, userId),

    async create(userId: string, name: string, actor: Actor) {
      const now = clock.now().toISOString();
      const trimmed = name.trim();
      // Two creations may pick the same free slug at once: the unique index refuses the
      // second, which then picks again.
      for (let attempt = 1; ; attempt++) {
        const org = { id: newId(), name: trimmed, slug: freeSlug(slugify(trimmed), await store.slugsLike(db, slugify(trimmed))), created_at: now, created_by: userId };
        try {
          await insertWithOwner(org, userId, now, actor);
          return { id: org.id, name: org.name, slug: org.slug, created_at: org.created_at, role: 'owner' as const };
        } catch (err) {
          if (attempt >= 5 || !(await store.slugTaken(db, org.slug))) throw err;
        }
      }
    },

    async list(userId: string, page: { limit?: number; cursor?: string }) {
      const limit = page.limit ?? 50;
      const rows = await store.listOrganizationsOfUser(db, userId, limit + 1, decodeCursor(page.cursor, 2));
      return pageOf(rows, limit, (r) => [r.created_at, r.id]);
    },

    async rename(userId: string, organizationId: string, name: string, actor: Actor) {
      const m = await authorize(userId, organizationId, 'rename');
      const newName = name.trim();
      await db.transaction().execute(async (trx) => {
        // Locked, so that of two renames at once each records the name it replaced.
        if (!(await store.lockOrganization(trx, dialect, organizationId))) throw notFound('Organization');
        const oldName = (await store.findMembership(trx, organizationId, userId))?.name ?? m.name;
        await store.renameOrganization(trx, organizationId, newName);
        await deps.audit.record(
          { account: { id: organizationId, type: 'organization' }, actor, action: 'organization.renamed', target: { type: 'organization', id: organizationId, name: newName }, details: { old_name: oldName, new_name: newName } },
          trx,
        );
      });
      return { ...m, name: newName };
    },

    /**
     * Ends the organization (DESIGN.md: its jobs cancelled, its provider tokens destroyed). The
     * credentials that cancelling at the providers needs are decrypted first; then one
     * transaction cancels every unfinished job (so no worker submits one again), deletes the
     * provider tokens (their sealed data keys with them), the memberships and the organization;
     * only after it commits are the providers called, with the credentials held in memory, so a
     * slow provider never holds the transaction open and nothing stays usable if one fails.
     */
    async remove(userId: string, organizationId: string, actor: Actor): Promise<void> {
      const m = await authorize(userId, organizationId, 'delete_org');
      const credentials = await deps.jobs.credentialsOf(organizationId);
      const ended = await db.transaction().execute(async (trx) => {
        if (!(await store.lockOrganization(trx, dialect, organizationId))) throw notFound('Organization');
        const jobs = await store.cancelActiveJobsOf(trx, organizationId, clock.now().toISOString());
        const tokens = await store.deleteProviderTokensOf(trx, organizationId);
        await store.deleteMembershipsOf(trx, organizationId);
        await store.deleteOrganization(trx, organizationId);
        // The organization's own log goes with it; the owner's log keeps the deletion.
        await deps.audit.record(
          {
            account: { id: userId, type: 'user' },
            actor,
            action: 'organization.deleted',
            target: { type: 'organization', id: organizationId, name: m.name },
            details: { jobs_cancelled: jobs.length, provider_tokens_deleted: tokens },
          },
          trx,
        );
        return jobs;
      });
      await deps.jobs.cancelAtProviders(ended, credentials);
    },

    async listMembers(userId: string, organizationId: string, page: { limit?: number; cursor?: string }) {
      await authorize(userId, organizationId, 'read');
      const limit = page.limit ?? 50;
      const rows = await store.listMembers(db, organizationId, limit + 1, decodeCursor(page.cursor, 2));
      return pageOf(rows, limit, (r) => [r.added_at, r.user_id]);
    },

    /** Adding a member is inviting them: invitations.service.ts. */
    invitations: createInvitationService({ db, dialect, clock, audit: deps.audit, authorize }),

    async changeRole(userId: string, organizationId: string, targetUserId: string, role: Role, actor: Actor) {
      await authorize(userId, organizationId, 'change_roles');
      return db.transaction().execute(async (trx) => {
        await store.lockOrganization(trx, dialect, organizationId);
        const target = await store.findMember(trx, organizationId, targetUserId);
        if (!target) throw notFound('Member');
        if (target.role === 'owner' && role !== 'owner' && (await store.countOwners(trx, organizationId)) <= 1) {
          throw new AppError('last_owner', 'An organization must keep at least one owner; make someone else owner first');
        }
        await store.updateMemberRole(trx, organizationId, targetUserId, role);
        // Setting the role a member already has changes no access: nothing to record.
        if (target.role !== role) {
          await deps.audit.record(
            { account: { id: organizationId, type: 'organization' }, actor, action: 'member.role_changed', target: { type: 'user', id: targetUserId, name: target.name }, details: { old_role: target.role, new_role: role } },
            trx,
          );
        }
        return { ...target, role };
      });
    },

    async removeMember(userId: string, organizationId: string, targetUserId: string, actor: Actor): Promise<void> {
      // Anyone may leave; removing someone else is in the policy table.
      if (targetUserId === userId) await membershipOf(userId, organizationId);
      else await authorize(userId, organizationId, 'remove_members');
      await db.transaction().execute(async (trx) => {
        await store.lockOrganization(trx, dialect, organizationId);
        const target = await store.findMember(trx, organizationId, targetUserId);
        if (!target) throw notFound('Member');
        if (target.role === 'owner' && (await store.countOwners(trx, organizationId)) <= 1) {
          throw new AppError('last_owner', 'An organization must keep at least one owner; make someone else owner first');
        }
        await store.deleteMembership(trx, organizationId, targetUserId);
        await deps.audit.record(
          { account: { id: organizationId, type: 'organization' }, actor, action: targetUserId === userId ? 'member.left' : 'member.removed', target: { type: 'user', id: targetUserId, name: target.name }, details: { role: target.role } },
          trx,
        );
      });
    },

    listAllMemberships: (userId: string) => store.listAllMembershipsOfUser(db, userId),
  };
}

export type OrgService = ReturnType<typeof createOrgService>;
