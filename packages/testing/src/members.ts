import type { Role } from '@qonduit/contract';
import type { TestUser } from './test-server';

/**
 * Makes `member` a member of the organization the way people join: the owner invites their
 * e-mail and they accept.
 */
export async function addMember(owner: TestUser, orgId: string, member: TestUser, role: Role): Promise<void> {
  const { invitation } = await owner.session.orgs.members.add(orgId, { email: member.email, role });
  await member.session.user.invitations.accept(invitation.id);
}
