import type { Insertable, Selectable } from 'kysely';

// Who did what to which account's tokens. Never a secret: names, ids, hints only.
export interface AuditEventTable {
  id: string;
  /** The account the event belongs to: a user id or an organization id. */
  account_id: string;
  account_type: 'user' | 'organization';
  actor_user_id: string | null;
  /** The actor's display name when the event happened. */
  actor_name: string | null;
  actor_token_id: string | null;
  /** The acting token's name when the event happened. */
  actor_token_name: string | null;
  action: string;
  target_type: string;
  target_id: string | null;
  target_name: string | null;
  ip: string | null;
  /** JSON object with non-secret details. */
  details: string;
  created_at: string;
}
export type AuditEvent = Selectable<AuditEventTable>;
export type NewAuditEvent = Insertable<AuditEventTable>;
