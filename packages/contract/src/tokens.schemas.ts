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

export const CreateTokenBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' }),
    scopes: Type.Array(ScopeSchema, { minItems: 1, maxItems: 3, uniqueItems: true }),
    expires_at: ExpiresAt,
  },
  { additionalProperties: false },
);
export type CreateTokenBody = Static<typeof CreateTokenBody>;

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
