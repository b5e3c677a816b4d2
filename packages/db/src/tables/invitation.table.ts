import type { Insertable, Selectable } from 'kysely';
import type { MembershipRole } from './membership.table';

export interface InvitationTable {
  id: string;
  organization_id: string;
  /** Normalised (trimmed, lower-case), as users.email is. */
  email: string;
  role: MembershipRole;
  invited_by: string;
  created_at: string;
  expires_at: string;
  accepted_at: string | null;
  declined_at: string | null;
  revoked_at: string | null;
}
export type Invitation = Selectable<InvitationTable>;
export type NewInvitation = Insertable<InvitationTable>;
