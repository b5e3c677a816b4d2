import type { Insertable, Selectable } from 'kysely';

export type ProviderTokenStatus = 'valid' | 'invalid' | 'unchecked';

// A user's or an organization's credential for one provider, sealed with envelope encryption
// (docs/adr/0002). `sealed` is the only place the secret exists, and only as ciphertext;
// `hints` holds what the API may show (last characters of secrets, non-secret fields in full).
export interface ProviderTokenTable {
  id: string;
  account_id: string;
  account_type: 'user' | 'organization';
  /** = account_id for an organization's token, else null: its foreign key deletes the token with the organization. */
  organization_id: string | null;
  provider: string;
  sealed: string;
  /** The master key version that wraps the data key: rewrap and retire look it up. */
  key_id: string;
  hints: string;
  created_at: string;
  created_by: string;
  updated_at: string;
  updated_by: string;
  last_used_at: string | null;
  status: ProviderTokenStatus;
  checked_at: string | null;
  check_message: string | null;
}
export type ProviderToken = Selectable<ProviderTokenTable>;
export type NewProviderToken = Insertable<ProviderTokenTable>;
