import { Type } from 'typebox';
import type { Static } from 'typebox';
import { Id, Timestamp } from './common.schemas';

export const ScopeSchema = Type.Union([Type.Literal('api'), Type.Literal('read_api'), Type.Literal('quantum_tokens')]);

export const TokenStateSchema = Type.Union([Type.Literal('active'), Type.Literal('expired'), Type.Literal('revoked')]);

// A date (YYYY-MM-DD, the token expires at 00:00 UTC that day, as on GitLab) or a date-time.
export const ExpiresAt = Type.String({
  maxLength: 40,
  pattern: '^\\d{4}-\\d{2}-\\d{2}([Tt ]\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?([Zz]|[+-]\\d{2}:\\d{2}))?$',
  description: 'YYYY-MM-DD or an ISO 8601 date-time with a time zone; at most 365 days ahead',
});

/** The organizations a token may act for (ids of organizations you belong to); unset: every one. */
export const OrganizationIds = Type.Array(Id, {
  minItems: 1,
  maxItems: 50,
  uniqueItems: true,
  description: 'the only organizations the token may act for (X-OrganizationId); unset: every organization you belong to',
});

/** IPv4/IPv6 addresses or CIDR ranges a token may be used from; unset or null: anywhere. */
export const AllowedIps = Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
  maxItems: 20,
  description: 'IPv4/IPv6 addresses or CIDR ranges (at most 20) the token may be used from, as the server sees the client (QONDUIT_TRUST_PROXY)',
});

export const CreateTokenBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' }),
    scopes: Type.Array(ScopeSchema, { minItems: 1, maxItems: 3, uniqueItems: true }),
    expires_at: ExpiresAt,
    organization_ids: Type.Optional(OrganizationIds),
    personal_only: Type.Optional(Type.Boolean({ description: 'true: the token may act only for your personal account (no organization)' })),
    allowed_ips: Type.Optional(AllowedIps),
  },
  { additionalProperties: false },
);
export type CreateTokenBody = Static<typeof CreateTokenBody>;

/** What may change on a token after it is made: where it may be used from (null: anywhere). */
export const UpdateTokenBody = Type.Object({ allowed_ips: Type.Union([AllowedIps, Type.Null()]) }, { additionalProperties: false });
export type UpdateTokenBody = Static<typeof UpdateTokenBody>;

export const RotateTokenBody = Type.Object({ expires_at: Type.Optional(ExpiresAt) }, { additionalProperties: false });

export const TokenResponse = Type.Object({
  id: Type.String(),
  name: Type.String(),
  scopes: Type.Array(ScopeSchema),
  created_at: Timestamp,
  expires_at: Timestamp,
  last_used_at: Type.Union([Timestamp, Type.Null()]),
  last_used_ip: Type.Union([Type.String(), Type.Null()]),
  revoked_at: Type.Union([Timestamp, Type.Null()]),
  state: TokenStateSchema,
  expires_soon: Type.Boolean(),
  hint: Type.String(),
  /** null: every organization you belong to; []: the personal account only. */
  organizations: Type.Union([
    Type.Array(Type.Object({ id: Type.String({ maxLength: 64 }), name: Type.Union([Type.String({ maxLength: 100 }), Type.Null()]) })),
    Type.Null(),
  ]),
  personal_only: Type.Boolean(),
  /** null: usable from anywhere; else the CIDR ranges it may be used from. */
  allowed_ips: Type.Union([Type.Array(Type.String({ maxLength: 64 })), Type.Null()]),
});
export type TokenResponse = Static<typeof TokenResponse>;

/** Only at creation and rotation: the secret, shown once. */
export const NewTokenResponse = Type.Intersect([TokenResponse, Type.Object({ token: Type.String() })]);
export type NewTokenResponse = Static<typeof NewTokenResponse>;

export const TokenListQuery = Type.Object(
  {
    state: Type.Optional(TokenStateSchema),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const TokenParams = Type.Object({ id: Id }, { additionalProperties: false });

export const RevokeLeakedBody = Type.Object(
  { tokens: Type.Array(Type.String({ maxLength: 200 }), { minItems: 1, maxItems: 1000 }) },
  { additionalProperties: false },
);
export const RevokeLeakedResponse = Type.Object({ revoked: Type.Integer() });

// PlanQK's CLI calls POST /authorize at login to check a token.
export const AuthorizeResponse = Type.Object({
  user: Type.Object({ id: Type.String(), username: Type.String(), firstName: Type.String(), lastName: Type.String(), email: Type.String() }),
  roles: Type.Array(Type.String()),
});
