import type { Insertable, Selectable } from 'kysely';

/** A user's second factor: a TOTP authenticator or a passkey (issue 21). */
export interface SecondFactorTable {
  id: string;
  user_id: string;
  kind: 'totp' | 'webauthn';
  /** Shown in the list of factors ("Authenticator app", the passkey's name). */
  name: string;
  /** TOTP: the shared secret, sealed under the master key (its `provider` label is 'totp'). */
  sealed_secret: string | null;
  key_id: string | null;
  /** TOTP: the last accepted 30-second step; a code of this step or an earlier one is refused. */
  last_step: number | null;
  /** WebAuthn: the credential id (base64url), its public key (base64url COSE), counter and transports. */
  credential_id: string | null;
  public_key: string | null;
  sign_count: number;
  transports: string | null;
  /** null until the first code confirms a TOTP enrolment; an unconfirmed factor counts for nothing. */
  confirmed_at: string | null;
  created_at: string;
  last_used_at: string | null;
}
export type SecondFactor = Selectable<SecondFactorTable>;
export type NewSecondFactor = Insertable<SecondFactorTable>;

/** One single-use recovery code, as its SHA-256 digest. */
export interface RecoveryCodeTable {
  user_id: string;
  code_digest: string;
  created_at: string;
  used_at: string | null;
}

/** A sign-in waiting for its second factor, or a pending passkey ceremony. */
export interface AuthChallengeTable {
  id_digest: string;
  user_id: string;
  purpose: 'sign_in' | 'webauthn_register';
  /** How the first factor was given ('password' | 'oidc'): the session gets it. */
  method: string;
  /** WebAuthn: the challenge the authenticator must sign (base64url). */
  webauthn_challenge: string | null;
  /** Wrong codes given for this challenge; past the limit it is deleted. */
  attempts: number;
  created_at: string;
  expires_at: string;
}
export type AuthChallenge = Selectable<AuthChallengeTable>;
