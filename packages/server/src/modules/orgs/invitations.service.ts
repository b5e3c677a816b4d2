import { AppError, newId, notFound } from '@qonduit/core';
import type { Clock } from '@qonduit/core';
import type { InvitationStatus, Role } from '@qonduit/contract';
import type { Database, Dialect, Invitation } from '@qonduit/db';
import type { Kysely } from 'kysely';
import { decodeCursor, pageOf } from '../../pagination';
import { normalizeEmail } from '../accounts/accounts.service';
import { findUserById } from '../accounts/accounts.store';
import type { Actor, AuditService } from '../audit/audit.service';
import type { OrgAction } from './org-policy';
import * as store from './invitations.store';
import * as orgStore from './orgs.store';

/** How long an invitation can be accepted; inviting again starts the period over. */
export const INVITATION_TTL_MS = 7 * 24 * 3_600_000;

export function invitationStatus(inv: Pick<Invitation, 'accepted_at' | 'declined_at' | 'revoked_at' | 'expires_at'>, nowIso: string): InvitationStatus {
  if (inv.accepted_at !== null) return 'accepted';
  if (inv.revoked_at !== null) return 'revoked';
  if (inv.declined_at !== null) return 'declined';
  return inv.expires_at > nowIso ? 'pending' : 'expired';
}

/**
 * Members join by accepting an invitation (DESIGN.md, Organizations). Inviting answers the
 * same whether or not the e-mail has an account, so it tells nobody who is registered; the
 * invitee is recognised by their account's e-mail when they accept, so there is no secret
 * link to leak. Someone else's, an expired, a revoked or a declined invitation answers 404 to
 * the invitee, exactly as a missing one.
 */
export function createInvitationService(deps: {
  db: Kysely<Database>;
  dialect: Dialect;
  clock: Clock;
  audit: Pick<AuditService, 'record'>;
  authorize: (userId: string, organizationId: string, action: OrgAction) => Promise<{ name: string }>;
  ttlMs?: number;
}) {
  const { db, dialect, clock, audit, authorize } = deps;
  const ttlMs = deps.ttlMs ?? INVITATION_TTL_MS;

  /** The invitation, when it is addressed to this user; anything else is 404. */
  async function addressedTo(userId: string, id: string) {
    const user = await findUserById(db, userId);
    const inv = await store.findInvitation(db, id);
    if (!user || !inv || inv.email !== normalizeEmail(user.email)) throw notFound('Invitation');
    return { user, inv };
  }

  return {
    async invite(userId: string, organizationId: string, input: { email: string; role: Role }, actor: Actor) {
      await authorize(userId, organizationId, 'invite_members');
      const email = normalizeEmail(input.email);
      const now = clock.now();
      const createdAt = now.toISOString();
      const expiresAt = new Date(now.getTime() + ttlMs).toISOString();
      return db.transaction().execute(async (trx) => {
        // Serializes invitations to one organization, so that two at once make one pending row.
        if (!(await orgStore.lockOrganization(trx, dialect, organizationId))) throw notFound('Organization');
        // The owner sees every member's e-mail already, so saying so reveals no account.
        if (await store.isMemberByEmail(trx, organizationId, email)) {
          throw new AppError('conflict', 'This e-mail belongs to a member of the organization already; change their role instead');
        }
        const existing = await store.findOpenInvitation(trx, organizationId, email);
        const id = existing?.id ?? newId();
        if (existing) {
          await store.refreshInvitation(trx, id, { role: input.role, invited_by: userId, created_at: createdAt, expires_at: expiresAt });
        } else {
          await store.insertInvitation(trx, {
            id,
            organization_id: organizationId,
            email,
            role: input.role,
            invited_by: userId,
            created_at: createdAt,
            expires_at: expiresAt,
            accepted_at: null,
            declined_at: null,
            revoked_at: null,
          });
        }
        await audit.record(
          {
            account: { id: organizationId, type: 'organization' },
            actor,
            action: 'invitation.created',
            target: { type: 'invitation', id, name: email },
            details: { role: input.role, expires_at: expiresAt, refreshed: existing !== undefined },
          },
          trx,
        );
        return { invitation: { id, email, role: input.role, expires_at: expiresAt, status: 'pending' as const } };
      });
    },

    async listOfOrg(userId: string, organizationId: string, page: { limit?: number; cursor?: string }) {
      await authorize(userId, organizationId, 'read');
      const limit = page.limit ?? 50;
      const nowIso = clock.now().toISOString();
      const rows = await store.listOpenInvitationsOfOrg(db, organizationId, limit + 1, decodeCursor(page.cursor, 2));
      const result = pageOf(rows, limit, (r) => [r.created_at, r.id]);
      return {
        items: result.items.map((r) => ({
          id: r.id,
          email: r.email,
          role: r.role,
          status: r.expires_at > nowIso ? ('pending' as const) : ('expired' as const),
          created_at: r.created_at,
          expires_at: r.expires_at,
          invited_by: { user_id: r.invited_by, name: r.inviter_name },
        })),
        next_cursor: result.next_cursor,
      };
    },

    async revoke(userId: string, organizationId: string, id: string, actor: Actor): Promise<void> {
      await authorize(userId, organizationId, 'invite_members');
      await db.transaction().execute(async (trx) => {
        const inv = await store.findInvitation(trx, id);
        if (!inv || inv.organization_id !== organizationId) throw notFound('Invitation');
        if (!(await store.closeInvitation(trx, id, 'revoked_at', clock.now().toISOString()))) throw notFound('Invitation');
        await audit.record(
          {
            account: { id: organizationId, type: 'organization' },
            actor,
            action: 'invitation.revoked',
            target: { type: 'invitation', id, name: inv.email },
            details: { role: inv.role },
          },
          trx,
        );
      });
    },

    async listMine(userId: string, page: { limit?: number; cursor?: string }) {
      const user = await findUserById(db, userId);
      if (!user) return { items: [], next_cursor: null };
      const limit = page.limit ?? 50;
      const rows = await store.listLiveInvitationsFor(db, normalizeEmail(user.email), clock.now().toISOString(), limit + 1, decodeCursor(page.cursor, 2));
      const result = pageOf(rows, limit, (r) => [r.created_at, r.id]);
      return {
        items: result.items.map((r) => ({
          id: r.id,
          organization: { id: r.organization_id, name: r.organization_name },
          role: r.role,
          invited_by: { name: r.inviter_name },
          created_at: r.created_at,
          expires_at: r.expires_at,
        })),
        next_cursor: result.next_cursor,
      };
    },

    /**
     * Makes the invitee a member in the invited role, in one transaction with the invitation's
     * end and its audit events. Accepting again answers the same membership; an accepted
     * invitation does not bring back someone who has since been removed.
     */
    async accept(userId: string, id: string, actor: Actor) {
      const { user, inv } = await addressedTo(userId, id);
      const nowIso = clock.now().toISOString();
      return db.transaction().execute(async (trx) => {
        if (!(await orgStore.lockOrganization(trx, dialect, inv.organization_id))) throw notFound('Invitation');
        const current = await store.findInvitation(trx, id);
        if (!current) throw notFound('Invitation');
        const status = invitationStatus(current, nowIso);
        if (status === 'pending') {
          const added = await orgStore.insertMembership(trx, { organization_id: inv.organization_id, user_id: userId, role: current.role, added_at: nowIso });
          if (!(await store.closeInvitation(trx, id, 'accepted_at', nowIso))) throw notFound('Invitation');
          const org = { id: inv.organization_id, type: 'organization' as const };
          await audit.record({ account: org, actor, action: 'invitation.accepted', target: { type: 'invitation', id, name: current.email }, details: { role: current.role } }, trx);
          if (added) {
            await audit.record({ account: org, actor, action: 'member.added', target: { type: 'user', id: userId, name: user.name }, details: { role: current.role, invitation_id: id } }, trx);
          }
        } else if (status !== 'accepted') {
          throw notFound('Invitation');
        }
        // A member already (just now, or by an earlier accept): the membership as it stands.
        const m = await orgStore.findMembership(trx, inv.organization_id, userId);
        if (!m) throw notFound('Invitation');
        return m;
      });
    },

    async decline(userId: string, id: string, actor: Actor): Promise<void> {
      const { inv } = await addressedTo(userId, id);
      const nowIso = clock.now().toISOString();
      if (invitationStatus(inv, nowIso) === 'declined') return;
      if (invitationStatus(inv, nowIso) !== 'pending') throw notFound('Invitation');
      await db.transaction().execute(async (trx) => {
        if (!(await store.closeInvitation(trx, id, 'declined_at', nowIso))) throw notFound('Invitation');
        await audit.record(
          {
            account: { id: inv.organization_id, type: 'organization' },
            actor,
            action: 'invitation.declined',
            target: { type: 'invitation', id, name: inv.email },
            details: { role: inv.role },
          },
          trx,
        );
      });
    },
  };
}

export type InvitationService = ReturnType<typeof createInvitationService>;
