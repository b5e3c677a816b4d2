import { Type } from 'typebox';
import type { Static } from 'typebox';
import { Id, Timestamp } from './common.schemas';

// Sign-in and security (issue 21): second factors, recovery codes, step-up.

const Code = Type.String({ minLength: 6, maxLength: 10, description: 'the 6-digit code the authenticator app shows now' });
const RecoveryCode = Type.String({ minLength: 10, maxLength: 20, description: 'one of the recovery codes (xxxxx-xxxxx)' });

export const SecondFactorView = Type.Object({
  id: Id,
  kind: Type.Union([Type.Literal('totp'), Type.Literal('webauthn')]),
  name: Type.String({ maxLength: 100 }),
  created_at: Timestamp,
  last_used_at: Type.Union([Timestamp, Type.Null()]),
});
export type SecondFactorView = Static<typeof SecondFactorView>;

export const TwoFactorStatus = Type.Object({
  /** Whether sign-in asks for a second factor (at least one confirmed). */
  enabled: Type.Boolean(),
  factors: Type.Array(SecondFactorView),
  recovery_codes_remaining: Type.Integer(),
});
export type TwoFactorStatus = Static<typeof TwoFactorStatus>;

export const TotpEnrolBody = Type.Object({ name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })) }, { additionalProperties: false });

/** Shown once: the secret, as text and as the QR code an authenticator app scans. */
export const TotpEnrolment = Type.Object({
  id: Id,
  secret: Type.String({ maxLength: 64, description: 'base32, for apps that cannot scan' }),
  otpauth_uri: Type.String({ maxLength: 500 }),
  qr_code: Type.String({ maxLength: 20_000, description: 'a data: URL of a PNG image of otpauth_uri' }),
});
export type TotpEnrolment = Static<typeof TotpEnrolment>;

export const TotpConfirmBody = Type.Object({ code: Code }, { additionalProperties: false });

export const TotpConfirmed = Type.Object({
  factor: SecondFactorView,
  /** With the first second factor only: ten single-use codes, shown this once. */
  recovery_codes: Type.Optional(Type.Array(Type.String({ maxLength: 20 }))),
});
export type TotpConfirmed = Static<typeof TotpConfirmed>;

export const RecoveryCodes = Type.Object({ recovery_codes: Type.Array(Type.String({ maxLength: 20 })) });
export type RecoveryCodes = Static<typeof RecoveryCodes>;

export const FactorParams = Type.Object({ id: Id }, { additionalProperties: false });

/** Completes a sign-in that answered second_factor_required: exactly one of code or recovery_code. */
export const SecondFactorLoginBody = Type.Object(
  { challenge_id: Type.String({ minLength: 1, maxLength: 100 }), code: Type.Optional(Code), recovery_code: Type.Optional(RecoveryCode) },
  { additionalProperties: false },
);
export type SecondFactorLoginBody = Static<typeof SecondFactorLoginBody>;

/** Step-up: exactly one proof. */
export const ReauthenticateBody = Type.Object(
  { password: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })), code: Type.Optional(Code), recovery_code: Type.Optional(RecoveryCode) },
  { additionalProperties: false },
);
export type ReauthenticateBody = Static<typeof ReauthenticateBody>;

export const Reauthenticated = Type.Object({ authenticated_at: Timestamp });
