import { Type } from 'typebox';
import type { Static } from 'typebox';
import { Email, Id, Timestamp } from './common.schemas';
import { ROLES } from './scopes';

// Spelled out (not mapped from ROLES) so that the static type keeps the literals.
export const RoleSchema = Type.Union([Type.Literal('owner'), Type.Literal('maintainer'), Type.Literal('viewer')]);
const _rolesMatch: readonly Static<typeof RoleSchema>[] = ROLES;

export const OrgResponse = Type.Object({
  id: Type.String(),
  name: Type.String(),
  /** Unique, fixed at creation: the name as web addresses and the CLI's `--org` take it. */
  slug: Type.String(),
  created_at: Timestamp,
  role: RoleSchema,
});
export type OrgResponse = Static<typeof OrgResponse>;

export const OrgName = Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' });
export const CreateOrgBody = Type.Object({ name: OrgName }, { additionalProperties: false });
export type CreateOrgBody = Static<typeof CreateOrgBody>;
export const UpdateOrgBody = Type.Object({ name: OrgName }, { additionalProperties: false });

export const MemberResponse = Type.Object({
  user_id: Type.String(),
  email: Type.String(),
  name: Type.String(),
  role: RoleSchema,
  added_at: Timestamp,
});
export type MemberResponse = Static<typeof MemberResponse>;

export const AddMemberBody = Type.Object({ email: Email, role: RoleSchema }, { additionalProperties: false });
export type AddMemberBody = Static<typeof AddMemberBody>;

// Invitations (DESIGN.md: members join by accepting one; the answer never tells whether the
// e-mail has an account). Expired invitations stay listed to the organization as 'expired'.
export const InvitationStatus = Type.Union([
  Type.Literal('pending'),
  Type.Literal('accepted'),
  Type.Literal('declined'),
  Type.Literal('revoked'),
  Type.Literal('expired'),
]);
export type InvitationStatus = Static<typeof InvitationStatus>;

/** What inviting answers: the same fields whether or not the e-mail has an account. */
export const InvitationSummary = Type.Object({
  id: Type.String({ maxLength: 64 }),
  email: Type.String({ maxLength: 254 }),
  role: RoleSchema,
  expires_at: Timestamp,
  status: InvitationStatus,
});
export type InvitationSummary = Static<typeof InvitationSummary>;
export const InviteResponse = Type.Object({ invitation: InvitationSummary });
export type InviteResponse = Static<typeof InviteResponse>;

/** An organization's view of one of its invitations. */
export const OrgInvitation = Type.Object({
  id: Type.String({ maxLength: 64 }),
  email: Type.String({ maxLength: 254 }),
  role: RoleSchema,
  status: InvitationStatus,
  created_at: Timestamp,
  expires_at: Timestamp,
  invited_by: Type.Object({ user_id: Type.String({ maxLength: 64 }), name: Type.Union([Type.String({ maxLength: 200 }), Type.Null()]) }),
});
export type OrgInvitation = Static<typeof OrgInvitation>;

/** The invitee's view: which organization, in which role, from whom. */
export const MyInvitation = Type.Object({
  id: Type.String({ maxLength: 64 }),
  organization: Type.Object({ id: Type.String({ maxLength: 64 }), name: Type.String({ maxLength: 100 }) }),
  role: RoleSchema,
  invited_by: Type.Object({ name: Type.Union([Type.String({ maxLength: 200 }), Type.Null()]) }),
  created_at: Timestamp,
  expires_at: Timestamp,
});
export type MyInvitation = Static<typeof MyInvitation>;

export const InvitationParams = Type.Object({ org: Id, id: Id }, { additionalProperties: false });
export const MyInvitationParams = Type.Object({ id: Id }, { additionalProperties: false });

export const UpdateMemberBody = Type.Object({ role: RoleSchema }, { additionalProperties: false });
export const MemberParams = Type.Object({ org: Id, user_id: Id }, { additionalProperties: false });

// PlanQK's GET /my/accounts shape (DESIGN.md, wire contract): camelCase on purpose.
export const MyAccount = Type.Object({
  id: Type.String(),
  displayName: Type.String(),
  role: Type.Union([RoleSchema, Type.Null()]),
  isOrganization: Type.Boolean(),
  accountType: Type.Object({ name: Type.String(), feature: Type.String() }),
});
export type MyAccount = Static<typeof MyAccount>;
