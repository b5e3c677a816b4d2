import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { sha256Hex } from '../digest';

// qdp_ + 30 random base62 + 6 base62 of CRC32(random) = 40 characters (docs/adr/0001).
// The checksum lets a scanner (and our own auth) tell a real token from noise offline.
export const PAT_PREFIX = 'qdp_';
export const PAT_PATTERN = /qdp_[0-9A-Za-z]{36}/g;
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const RANDOM_LENGTH = 30;
const CHECKSUM_LENGTH = 6;
export const PAT_LENGTH = PAT_PREFIX.length + RANDOM_LENGTH + CHECKSUM_LENGTH;

function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      // 248 = 4 * 62: rejecting bytes above it keeps every character equally likely.
      if (byte < 248) out += BASE62[byte % 62];
      if (out.length === length) break;
    }
  }
  return out;
}

function base62Fixed(value: number, width: number): string {
  let n = value;
  let out = '';
  do {
    out = BASE62[n % 62] + out;
    n = Math.floor(n / 62);
  } while (n > 0);
  return out.padStart(width, '0');
}

function checksumOf(random: string): string {
  return base62Fixed(crc32(random), CHECKSUM_LENGTH);
}

export function generatePat(): string {
  const random = randomBase62(RANDOM_LENGTH);
  return `${PAT_PREFIX}${random}${checksumOf(random)}`;
}

const SHAPE = /^qdp_[0-9A-Za-z]{36}$/;

/** True when the string has the shape and a matching checksum: no database needed. */
export function isWellFormedPat(candidate: string): boolean {
  if (candidate.length !== PAT_LENGTH || !SHAPE.test(candidate)) return false;
  const random = candidate.slice(PAT_PREFIX.length, PAT_PREFIX.length + RANDOM_LENGTH);
  return candidate.slice(PAT_PREFIX.length + RANDOM_LENGTH) === checksumOf(random);
}

/** What the database stores and looks up: never the token itself. */
export function patDigest(token: string): string {
  return sha256Hex(token);
}

export function patHint(token: string): string {
  return `${PAT_PREFIX}${token.slice(-4)}`;
}

/** Every well-formed token in a text, for `qonduit scan` and leak revocation. */
export function findPats(text: string): Array<{ token: string; index: number }> {
  const found: Array<{ token: string; index: number }> = [];
  for (const match of text.matchAll(PAT_PATTERN)) {
    const before = match.index > 0 ? text[match.index - 1] : undefined;
    const after = text[match.index + PAT_LENGTH];
    // A match inside a longer run of base62 characters is not a token on its own.
    if ((before && /[0-9A-Za-z_]/.test(before)) || (after && /[0-9A-Za-z]/.test(after))) continue;
    if (isWellFormedPat(match[0])) found.push({ token: match[0], index: match.index });
  }
  return found;
}

export function maskPat(token: string): string {
  return `${PAT_PREFIX}${'*'.repeat(RANDOM_LENGTH + CHECKSUM_LENGTH - 4)}${token.slice(-4)}`;
}
