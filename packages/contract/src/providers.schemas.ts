import { Type } from 'typebox';
import type { Static } from 'typebox';
import { Timestamp } from './common.schemas';

export const CredentialFieldResponse = Type.Object({
  name: Type.String(),
  label: Type.String(),
  secret: Type.Boolean(),
  required: Type.Boolean(),
  pattern: Type.String(),
  max_length: Type.Integer(),
  description: Type.String(),
});

export const ProviderResponse = Type.Object({
  id: Type.String(),
  display_name: Type.String(),
  planqk_name: Type.String(),
  token_url: Type.String(),
  fields: Type.Array(CredentialFieldResponse),
});
export type ProviderResponse = Static<typeof ProviderResponse>;

export const ProviderParams = Type.Object({ provider: Type.String({ minLength: 1, maxLength: 40 }) }, { additionalProperties: false });
export const OrgProviderParams = Type.Object(
  { org: Type.String({ minLength: 1, maxLength: 64 }), provider: Type.String({ minLength: 1, maxLength: 40 }) },
  { additionalProperties: false },
);

// Field names and shapes come from the catalog (GET /api/v1/providers), which the server
// checks; here only the outer shape and sizes.
export const PutProviderTokenBody = Type.Object(
  { credentials: Type.Record(Type.String({ maxLength: 64 }), Type.String({ maxLength: 4096 }), { maxProperties: 16 }) },
  { additionalProperties: false },
);
export type PutProviderTokenBody = Static<typeof PutProviderTokenBody>;

const UserRef = Type.Object({ id: Type.String(), name: Type.Union([Type.String(), Type.Null()]) });

export const ProviderTokenResponse = Type.Object({
  provider: Type.String(),
  display_name: Type.String(),
  account: Type.Object({ id: Type.String(), type: Type.Union([Type.Literal('user'), Type.Literal('organization')]) }),
  /** Secret fields as their last characters only; other fields (region, CRN) in full. */
  hints: Type.Record(Type.String(), Type.String()),
  created_at: Timestamp,
  created_by: UserRef,
  updated_at: Timestamp,
  updated_by: UserRef,
  last_used_at: Type.Union([Timestamp, Type.Null()]),
  status: Type.Union([Type.Literal('valid'), Type.Literal('invalid'), Type.Literal('unchecked')]),
  checked_at: Type.Union([Timestamp, Type.Null()]),
  check_message: Type.Union([Type.String(), Type.Null()]),
});
export type ProviderTokenResponse = Static<typeof ProviderTokenResponse>;

export const VerifyProviderTokenResponse = Type.Intersect([
  ProviderTokenResponse,
  Type.Object({
    check: Type.Object({
      result: Type.Union([Type.Literal('valid'), Type.Literal('invalid'), Type.Literal('unreachable'), Type.Literal('unsupported')]),
      message: Type.Union([Type.String(), Type.Null()]),
    }),
  }),
]);
export type VerifyProviderTokenResponse = Static<typeof VerifyProviderTokenResponse>;
