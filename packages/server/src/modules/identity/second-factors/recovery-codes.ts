import { randomInt } from 'node:crypto';
import { sha256Hex } from '@qonduit/core';

// Ten single-use codes, each 10 characters from an alphabet without look-alikes (50 bits),
// shown once as xxxxx-xxxxx and kept as SHA-256 digests. Attempts are rate-limited, so a fast
// digest of 50 random bits is as good as a password hash here.

export const RECOVERY_CODE_COUNT = 10;
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
const LENGTH = 10;

export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    let code = '';
    for (let i = 0; i < LENGTH; i++) code += ALPHABET[randomInt(ALPHABET.length)];
    return `${code.slice(0, 5)}-${code.slice(5)}`;
  });
}

/** What is stored and compared: case, spaces and the hyphen do not matter. */
export function recoveryCodeDigest(code: string): string | null {
  const normalized = code.toLowerCase().replace(/[\s-]+/g, '');
  if (normalized.length !== LENGTH || [...normalized].some((c) => !ALPHABET.includes(c))) return null;
  return sha256Hex(`recovery:${normalized}`);
}
