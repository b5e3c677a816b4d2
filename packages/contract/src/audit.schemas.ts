import { Type } from 'typebox';
import type { Static } from 'typebox';
import { Timestamp } from './common.schemas';

const NullableString = () => Type.Union([Type.String(), Type.Null()]);

export const AuditEventResponse = Type.Object({
  id: Type.String(),
  action: Type.String(),
  /**
   * Who acted, as a person: the user and their display name, and the personal access token that
   * acted (none for a web session), with the names they had when it happened. All null when
   * nobody signed in acted (a failed sign-in, a leaked token revoked by a scanner).
   */
  actor: Type.Object({
    user_id: NullableString(),
    name: NullableString(),
    token_id: NullableString(),
    token_name: NullableString(),
    ip: NullableString(),
  }),
  account: Type.Object({ id: Type.String(), type: Type.Union([Type.Literal('user'), Type.Literal('organization')]) }),
  target: Type.Object({ type: Type.String(), id: NullableString(), name: NullableString() }),
  details: Type.Record(Type.String(), Type.Unknown()),
  created_at: Timestamp,
});
export type AuditEventResponse = Static<typeof AuditEventResponse>;

// A date (00:00 UTC that day) or a date-time with its offset.
const Moment = (description: string) =>
  Type.String({
    maxLength: 40,
    pattern: '^\\d{4}-\\d{2}-\\d{2}([Tt ]\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?([Zz]|[+-]\\d{2}:\\d{2}))?$',
    description,
  });

export const AuditEventQuery = Type.Object(
  {
    actor: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'only events by this user (a user id)' })),
    action: Type.Optional(
      Type.String({
        maxLength: 100,
        pattern: '^[a-z0-9_]+(\\.[a-z0-9_]+)*\\.?$',
        description: 'one action (`member.removed`), or every action under a prefix that ends in a dot (`member.`)',
      }),
    ),
    since: Type.Optional(Moment('events at or after this moment (a date means 00:00 UTC)')),
    until: Type.Optional(Moment('events before this moment (a date means 00:00 UTC)')),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type AuditEventQuery = Static<typeof AuditEventQuery>;
