import { Secret, TOTP } from 'otpauth';

// TOTP as RFC 6238 and every authenticator app speak it: SHA-1, 6 digits, 30-second steps.
// A code is accepted for its own step and one step either side (clock drift, typing time), and
// only for a step later than the last accepted one, so that an observed code cannot be replayed.

export const TOTP_PERIOD_SECONDS = 30;
const DIGITS = 6;
const WINDOW = 1;

export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

function totp(secret: string, label: string, issuer: string): TOTP {
  return new TOTP({ issuer, label, algorithm: 'SHA1', digits: DIGITS, period: TOTP_PERIOD_SECONDS, secret: Secret.fromBase32(secret) });
}

/** The otpauth:// URI an authenticator app reads from the QR code. */
export function totpUri(secret: string, label: string, issuer: string): string {
  return totp(secret, label, issuer).toString();
}

/** The time step the code belongs to, or null when it matches none within the window. */
export function totpStepOf(secret: string, code: string, nowMs: number): number | null {
  const token = code.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(token)) return null;
  const delta = totp(secret, 'x', 'x').validate({ token, timestamp: nowMs, window: WINDOW });
  return delta === null ? null : Math.floor(nowMs / 1000 / TOTP_PERIOD_SECONDS) + delta;
}

/** The code of a moment (for tests that act as the authenticator app, at the server's clock). */
export function totpCodeAt(secret: string, nowMs: number): string {
  return totp(secret, 'x', 'x').generate({ timestamp: nowMs });
}
