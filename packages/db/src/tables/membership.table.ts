import type { Insertable, Selectable } from 'kysely';

export type MembershipRole = 'owner' | 'maintainer' | 'viewer';

export interface MembershipTable {
  organization_id: string;
  user_id: string;
  role: MembershipRole;
  added_at: string;
}
export type Membership = Selectable<MembershipTable>;
export type NewMembership = Insertable<MembershipTable>;
