import type { Insertable, Selectable } from 'kysely';

// A web session. The cookie carries a random secret; the row keeps only its SHA-256 digest.
export interface SessionTable {
  id_digest: string;
  user_id: string;
  csrf_digest: string;
  created_at: string;
  expires_at: string;
  ip: string | null;
  user_agent: string | null;
  /** The last proof of identity (password, second factor, single sign-on); null: counts from created_at. */
  authenticated_at: string | null;
}
export type Session = Selectable<SessionTable>;
export type NewSession = Insertable<SessionTable>;
