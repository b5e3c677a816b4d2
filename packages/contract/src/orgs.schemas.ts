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
