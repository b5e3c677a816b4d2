import type { Insertable, Selectable } from 'kysely';

export type TokenRevocationReason = 'user' | 'rotated' | 'leaked' | 'family' | 'inactive';

// Only the SHA-256 digest of the secret is kept (lookup by digest is the whole verification)
// and a display hint; the secret itself is shown once and never stored.
export interface PersonalAccessTokenTable {
  id: string;
  user_id: string;
  name: string;
  /** Space-separated, sorted scope names. */
  scopes: string;
  token_digest: string;
  hint: string;
  created_at: string;
  expires_at: string;
  last_used_at: string | null;
  last_used_ip: string | null;
  revoked_at: string | null;
  revoked_reason: TokenRevocationReason | null;
  /** The first token of a rotation chain; rotation reuse revokes the whole family. */
  family_id: string;
  rotated_from: string | null;
  /**
   * The organizations the token may act for: null = every organization its owner belongs to;
   * '' = the personal account only; else space-separated organization ids.
   */
  organization_ids: string | null;
  /** The client addresses it may be used from: null = anywhere; else space-separated CIDRs. */
  allowed_ips: string | null;
}
export type PersonalAccessToken = Selectable<PersonalAccessTokenTable>;
export type NewPersonalAccessToken = Insertable<PersonalAccessTokenTable>;
