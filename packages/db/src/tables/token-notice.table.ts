import type { Insertable, Selectable } from 'kysely';

export type TokenNoticeKind = 'pat_expiring' | 'pat_inactive' | 'provider_token_failed';

// A notice about a token (expiring, unused, failing its check): never a secret, only the
// token's name, hint and expiry. One row per token and threshold (dedupe_key).
export interface TokenNoticeTable {
  id: string;
  /** e.g. `pat:<id>:expiring:7`: the unique key that makes scheduling idempotent across servers. */
  dedupe_key: string;
  kind: TokenNoticeKind;
  account_type: 'user' | 'organization';
  account_id: string;
  organization_id: string | null;
  token_type: 'personal_access_token' | 'provider_token';
  token_id: string;
  token_name: string;
  token_hint: string | null;
  provider: string | null;
  expires_at: string | null;
  threshold_days: number | null;
  created_at: string;
}
export type TokenNotice = Selectable<TokenNoticeTable>;
export type NewTokenNotice = Insertable<TokenNoticeTable>;

export type NoticeChannel = 'email' | 'webhook';
export type NoticeDeliveryStatus = 'pending' | 'sent' | 'failed';

// The outbox: one row per notice, channel and recipient, claimed with a lease for sending.
export interface NoticeDeliveryTable {
  id: string;
  notice_id: string;
  channel: NoticeChannel;
  recipient: string;
  status: NoticeDeliveryStatus;
  attempts: number;
  last_error: string | null;
  next_attempt_at: string;
  lease_owner: string | null;
  lease_expires_at: string | null;
  sent_at: string | null;
  created_at: string;
}
export type NoticeDelivery = Selectable<NoticeDeliveryTable>;
export type NewNoticeDelivery = Insertable<NoticeDeliveryTable>;

export interface NoticeWebhookTable {
  account_id: string;
  account_type: 'user' | 'organization';
  organization_id: string | null;
  url: string;
  /** The signing secret, sealed under the master key (envelope encryption). */
  sealed_secret: string;
  key_id: string;
  secret_hint: string;
  created_at: string;
  created_by: string;
}
export type NoticeWebhook = Selectable<NoticeWebhookTable>;

export interface CalendarFeedTable {
  user_id: string;
  /** SHA-256 of the feed token; the token itself is shown once. */
  token_digest: string;
  hint: string;
  created_at: string;
}
export type CalendarFeed = Selectable<CalendarFeedTable>;
