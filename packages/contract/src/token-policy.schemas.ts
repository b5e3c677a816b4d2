import { Type } from 'typebox';
import type { Static } from 'typebox';
import { Id, Timestamp } from './common.schemas';
import { ScopeSchema } from './tokens.schemas';

// An organization's token policy (issue 16): what a personal access token must be to act for
// the organization. Owners set it; every member reads it. It applies to tokens that already
// exist, on every request they make for the organization.

const MaxLifetimeDays = Type.Union([Type.Integer({ minimum: 1, maximum: 365 }), Type.Null()], {
  description: 'tokens living longer than this many days (expiry minus creation) may not act for the organization; null: no limit',
});
const AllowedScopes = Type.Union([Type.Array(ScopeSchema, { maxItems: 3, uniqueItems: true }), Type.Null()], {
  description: 'the scopes a token may use when acting for the organization (api still reads where read_api is allowed); null: every scope',
});
const RequireRestricted = Type.Boolean({ description: 'only tokens restricted to chosen organizations that list this one may act for it' });
const BlockPats = Type.Boolean({ description: 'no personal access token may act for the organization (web sessions only)' });
const RequireTwoFactor = Type.Boolean({ description: 'members act for the organization only once they have a second factor (authenticator app or passkey), by session or by token' });
const RequireSso = Type.Boolean({ description: 'members act for the organization only in a single sign-on session, or by a token of an account linked to the single sign-on provider' });

export const TokenPolicyResponse = Type.Object({
  organization_id: Type.String({ maxLength: 64 }),
  max_lifetime_days: Type.Union([Type.Integer(), Type.Null()]),
  allowed_scopes: Type.Union([Type.Array(ScopeSchema), Type.Null()]),
  require_restricted: Type.Boolean(),
  block_personal_access_tokens: Type.Boolean(),
  require_two_factor: Type.Boolean(),
  require_sso: Type.Boolean(),
  /** null: never set. */
  updated_at: Type.Union([Timestamp, Type.Null()]),
  updated_by: Type.Union([Type.Object({ user_id: Type.String({ maxLength: 64 }), name: Type.Union([Type.String({ maxLength: 200 }), Type.Null()]) }), Type.Null()]),
});
export type TokenPolicyResponse = Static<typeof TokenPolicyResponse>;

/** PUT: the whole policy (the sign-in rules, added later, are off when left out). */
export const SetTokenPolicyBody = Type.Object(
  {
    max_lifetime_days: MaxLifetimeDays,
    allowed_scopes: AllowedScopes,
    require_restricted: RequireRestricted,
    block_personal_access_tokens: BlockPats,
    require_two_factor: Type.Optional(RequireTwoFactor),
    require_sso: Type.Optional(RequireSso),
  },
  { additionalProperties: false },
);
export type SetTokenPolicyBody = Static<typeof SetTokenPolicyBody>;

/** PATCH: the rules named, the others kept. */
export const PatchTokenPolicyBody = Type.Object(
  {
    max_lifetime_days: Type.Optional(MaxLifetimeDays),
    allowed_scopes: Type.Optional(AllowedScopes),
    require_restricted: Type.Optional(RequireRestricted),
    block_personal_access_tokens: Type.Optional(BlockPats),
    require_two_factor: Type.Optional(RequireTwoFactor),
    require_sso: Type.Optional(RequireSso),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type PatchTokenPolicyBody = Static<typeof PatchTokenPolicyBody>;

export const PolicyRuleSchema = Type.Union([
  Type.Literal('block_pats'),
  Type.Literal('require_restricted'),
  Type.Literal('max_lifetime'),
  Type.Literal('allowed_scopes'),
]);

export const PolicyFindingSchema = Type.Object({
  rule: PolicyRuleSchema,
  /** refused: the token may not act for the organization; limited: only with fewer scopes. */
  effect: Type.Union([Type.Literal('refused'), Type.Literal('limited')]),
  message: Type.String({ maxLength: 500 }),
});

/** One member's active token that the policy refuses or limits, and why. */
export const PolicyAffectedToken = Type.Object({
  member: Type.Object({ user_id: Type.String({ maxLength: 64 }), name: Type.String({ maxLength: 200 }), email: Type.String({ maxLength: 254 }) }),
  token: Type.Object({
    id: Type.String({ maxLength: 64 }),
    name: Type.String({ maxLength: 100 }),
    hint: Type.String({ maxLength: 16 }),
    scopes: Type.Array(ScopeSchema),
    created_at: Timestamp,
    expires_at: Timestamp,
  }),
  findings: Type.Array(PolicyFindingSchema),
});
export type PolicyAffectedToken = Static<typeof PolicyAffectedToken>;

export const PolicyAffectedTokensQuery = Type.Object(
  { member: Type.Optional(Type.Union([Id], { description: "a member's user id: only their tokens (members other than owners may ask only for their own)" })) },
  { additionalProperties: false },
);

export const PolicyAffectedTokensResponse = Type.Object({
  items: Type.Array(PolicyAffectedToken),
  /** More active tokens than one answer examines (PolicyAffectedTokens limits): ask per member. */
  truncated: Type.Boolean(),
});
export type PolicyAffectedTokensResponse = Static<typeof PolicyAffectedTokensResponse>;

/** One member and whether they meet the organization's sign-in rules (require_two_factor, require_sso). */
export const MemberCompliance = Type.Object({
  user_id: Type.String({ maxLength: 64 }),
  name: Type.String({ maxLength: 200 }),
  email: Type.String({ maxLength: 254 }),
  role: Type.String({ maxLength: 20 }),
  two_factor: Type.Boolean({ description: 'has a confirmed second factor' }),
  sso: Type.Boolean({ description: 'has an account linked to the single sign-on provider' }),
  /** The rules this member does not meet (empty: compliant). */
  missing: Type.Array(Type.Union([Type.Literal('require_two_factor'), Type.Literal('require_sso')])),
});
export type MemberCompliance = Static<typeof MemberCompliance>;

export const MemberComplianceQuery = Type.Object(
  { noncompliant: Type.Optional(Type.Boolean({ description: 'only the members who do not meet the rules' })) },
  { additionalProperties: false },
);

export const MemberComplianceResponse = Type.Object({
  require_two_factor: Type.Boolean(),
  require_sso: Type.Boolean(),
  items: Type.Array(MemberCompliance),
});
export type MemberComplianceResponse = Static<typeof MemberComplianceResponse>;
