import { Type } from 'typebox';
import type { Static, TSchema } from 'typebox';
import { ERROR_STATUS } from './errors';

// Every string has a maximum length (CONVENTIONS.md, habit 5).
export const Id = Type.String({ minLength: 1, maxLength: 64 });
export const Timestamp = Type.String({ format: 'date-time', maxLength: 40 });
export const Email = Type.String({ format: 'email', minLength: 3, maxLength: 254 });

export const ErrorResponse = Type.Object({
  error: Type.Object({
    code: Type.String({ description: Object.keys(ERROR_STATUS).join(' | ') }),
    message: Type.String(),
    request_id: Type.Optional(Type.String()),
    details: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String() }))),
    /** second_factor_required: the sign-in to complete with POST /api/v1/auth/login/second-factor. */
    challenge: Type.Optional(
      Type.Object({
        id: Type.String({ maxLength: 100 }),
        methods: Type.Array(Type.Union([Type.Literal('totp'), Type.Literal('webauthn'), Type.Literal('recovery_code')])),
        expires_at: Type.String({ format: 'date-time', maxLength: 40 }),
      }),
    ),
  }),
  // PlanQK's clients read this on /quantum routes.
  error_message: Type.Optional(Type.String()),
});

/** The error answers every route documents beside its success answer. */
export function withErrors<T extends Record<number, TSchema>>(success: T) {
  return { ...success, '4xx': ErrorResponse, '5xx': ErrorResponse };
}

export const PageQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type PageQuery = Static<typeof PageQuery>;

export function Page<T extends TSchema>(item: T) {
  return Type.Object({ items: Type.Array(item), next_cursor: Type.Union([Type.String(), Type.Null()]) });
}

export const OrgParams = Type.Object({ org: Id }, { additionalProperties: false });
