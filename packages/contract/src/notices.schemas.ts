import { Type } from 'typebox';
import type { Static } from 'typebox';
import { Id, Timestamp } from './common.schemas';

// Token notices (expiring, unused, failing tokens), their webhook, and the calendar feed.
// A notice never carries a secret: the token's name, hint and expiry only.

export const NoticeDeliveryResponse = Type.Object({
  channel: Type.Union([Type.Literal('email'), Type.Literal('webhook')]),
  status: Type.Union([Type.Literal('pending'), Type.Literal('sent'), Type.Literal('failed')]),
  attempts: Type.Integer(),
  /** Why the last attempt failed (the mail server's or the webhook's answer). */
  last_error: Type.Union([Type.String(), Type.Null()]),
  next_attempt_at: Type.Union([Timestamp, Type.Null()]),
  sent_at: Type.Union([Timestamp, Type.Null()]),
});

export const NoticeResponse = Type.Object({
  id: Type.String(),
  kind: Type.Union([Type.Literal('pat_expiring'), Type.Literal('pat_inactive'), Type.Literal('provider_token_failed')]),
  title: Type.String(),
  token_type: Type.Union([Type.Literal('personal_access_token'), Type.Literal('provider_token')]),
  token_id: Type.String(),
  token_name: Type.String(),
  token_hint: Type.Union([Type.String(), Type.Null()]),
  provider: Type.Union([Type.String(), Type.Null()]),
  /** When the token expires (or, for an unused one, when it will be revoked). */
  expires_at: Type.Union([Timestamp, Type.Null()]),
  threshold_days: Type.Union([Type.Integer(), Type.Null()]),
  created_at: Timestamp,
  link: Type.String(),
  deliveries: Type.Array(NoticeDeliveryResponse),
});
export type NoticeResponse = Static<typeof NoticeResponse>;

export const NoticeListQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const PutNoticeWebhookBody = Type.Object(
  { url: Type.String({ minLength: 8, maxLength: 2000, description: 'An https URL that receives each notice as a signed POST' }) },
  { additionalProperties: false },
);

export const NoticeWebhookResponse = Type.Object({
  url: Type.String(),
  secret_hint: Type.String(),
  created_at: Timestamp,
});

/** Only when the webhook is set: the signing secret, shown once. */
export const NewNoticeWebhookResponse = Type.Object({
  url: Type.String(),
  secret_hint: Type.String(),
  created_at: Timestamp,
  secret: Type.String({ description: 'HMAC-SHA256 key: X-Qonduit-Signature is t=<unix>,v1=hex(HMAC(secret, "<unix>.<body>"))' }),
});

export const CalendarFeedResponse = Type.Object({
  hint: Type.String(),
  created_at: Timestamp,
});

/** Only when the feed is created or reset: its URL with the feed token, shown once. */
export const NewCalendarFeedResponse = Type.Object({
  hint: Type.String(),
  created_at: Timestamp,
  feed_token: Type.String(),
  url: Type.String({ description: 'Subscribe to this URL in a calendar application' }),
});

export const CalendarFeedQuery = Type.Object(
  { feed_token: Type.String({ minLength: 1, maxLength: 100 }) },
  { additionalProperties: false },
);

export const NoticeOrgParams = Type.Object({ org: Id }, { additionalProperties: false });
