import { describe, expect, it } from 'vitest';
import type { CredentialAad, SealedCredential } from './envelope';
import {
  credentialHint,
  openCredential,
  parseSealed,
  rewrapCredential,
  sealCredential,
  serializeSealed,
} from './envelope';
import { addVersion, createKeyring, generateMasterKey, masterKeyId, retireVersion } from './master-keyring';

const AAD: CredentialAad = { accountId: 'acc_1', provider: 'ionq', recordId: 'ptk_1' };
const SECRET = { api_key: 'ionq-secret-0123456789abcdef' };

function newKeyring() {
  const key = generateMasterKey();
  return createKeyring(
    [{ id: masterKeyId(key), key, createdAt: '2026-01-01T00:00:00.000Z' }],
    masterKeyId(key),
  );
}

/** Flips one bit in the middle of a base64 field's bytes. */
function flip(field: string): string {
  const bytes = Buffer.from(field, 'base64');
  const at = Math.floor(bytes.length / 2);
  bytes[at] = (bytes[at] ?? 0) ^ 0x01;
  return bytes.toString('base64');
}

describe('sealing a provider credential', () => {
  it('opens to the same credential for the same row', () => {
    const keyring = newKeyring();
    const credential = {
      access_key_id: 'AKIAEXAMPLE',
      secret_access_key: 'wJalr/K7MDENG+bPxRfiCY',
      region: 'eu-west-2',
    };
    const sealed = sealCredential(keyring, credential, AAD);
    expect(sealed).toMatchObject({ v: 1, alg: 'AES-256-GCM', key_id: keyring.activeId });
    expect(openCredential(keyring, sealed, AAD)).toEqual({ ok: true, credential });
  });

  it('never stores the secret in the clear', () => {
    const sealed = sealCredential(newKeyring(), SECRET, AAD);
    const text = serializeSealed(sealed);
    expect(text).not.toContain(SECRET.api_key);
    expect(text).not.toContain(Buffer.from(SECRET.api_key).toString('base64').slice(0, 12));
  });

  it('uses a fresh nonce and a fresh data key for every seal of the same plaintext', () => {
    const keyring = newKeyring();
    const a = sealCredential(keyring, SECRET, AAD);
    const b = sealCredential(keyring, SECRET, AAD);
    expect(a.nonce).not.toBe(b.nonce);
    expect(a.wrapped_key).not.toBe(b.wrapped_key);
    expect(a.ciphertext).not.toBe(b.ciphertext);
    expect(Buffer.from(a.nonce, 'base64')).toHaveLength(12);
    expect(Buffer.from(a.tag, 'base64')).toHaveLength(16);
    expect(Buffer.from(a.wrapped_key, 'base64')).toHaveLength(12 + 32 + 16);
  });

  it.each([
    ['another record id', { ...AAD, recordId: 'ptk_2' }],
    ['another account', { ...AAD, accountId: 'acc_2' }],
    ['another provider', { ...AAD, provider: 'dwave' }],
  ])('a credential copied to %s does not open', (_what, otherRow) => {
    const keyring = newKeyring();
    const sealed = sealCredential(keyring, SECRET, AAD);
    expect(openCredential(keyring, sealed, otherRow)).toEqual({ ok: false, reason: 'authentication_failed' });
  });

  it('binds the row fields unambiguously: "a|b" + "c" is not "a" + "b|c"', () => {
    const keyring = newKeyring();
    const sealed = sealCredential(keyring, SECRET, { accountId: 'a|b', provider: 'c', recordId: 'r' });
    expect(openCredential(keyring, sealed, { accountId: 'a', provider: 'b|c', recordId: 'r' })).toMatchObject(
      {
        ok: false,
        reason: 'authentication_failed',
      },
    );
  });

  it.each(['ciphertext', 'tag', 'wrapped_key', 'nonce'] as const)('a tampered %s does not open', (field) => {
    const keyring = newKeyring();
    const sealed = sealCredential(keyring, SECRET, AAD);
    const tampered: SealedCredential = { ...sealed, [field]: flip(sealed[field]) };
    expect(openCredential(keyring, tampered, AAD)).toEqual({ ok: false, reason: 'authentication_failed' });
  });

  it('a truncated tag is malformed, never a shorter check', () => {
    const keyring = newKeyring();
    const sealed = sealCredential(keyring, SECRET, AAD);
    const short = { ...sealed, tag: Buffer.from(sealed.tag, 'base64').subarray(0, 4).toString('base64') };
    expect(openCredential(keyring, short, AAD)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('does not open under another keyring (unknown key id)', () => {
    const sealed = sealCredential(newKeyring(), SECRET, AAD);
    expect(openCredential(newKeyring(), sealed, AAD)).toEqual({
      ok: false,
      reason: 'unknown_key',
      keyId: sealed.key_id,
    });
  });

  it('a relabelled key id does not open, even when that key is in the keyring', () => {
    const keyring = newKeyring();
    const rotated = addVersion(keyring);
    const sealed = sealCredential(keyring, SECRET, AAD);
    expect(openCredential(rotated, { ...sealed, key_id: rotated.activeId }, AAD)).toEqual({
      ok: false,
      reason: 'authentication_failed',
    });
  });

  it('refuses empty row fields and non-string credential values before encrypting', () => {
    const keyring = newKeyring();
    expect(() => sealCredential(keyring, SECRET, { ...AAD, recordId: '' })).toThrow(/recordId/);
    const bad = { api_key: 42 } as unknown as Record<string, string>;
    expect(() => sealCredential(keyring, bad, AAD)).toThrow(/"api_key" must be a string/);
  });

  it('keeps a field named __proto__ as a plain field', () => {
    const keyring = newKeyring();
    const credential = JSON.parse('{"__proto__":"x","token":"y"}') as Record<string, string>;
    const opened = openCredential(keyring, sealCredential(keyring, credential, AAD), AAD);
    expect(opened.ok && Object.getPrototypeOf(opened.credential)).toBe(Object.prototype);
    expect(opened.ok && Object.entries(opened.credential)).toEqual([
      ['__proto__', 'x'],
      ['token', 'y'],
    ]);
  });
});

describe('master key rotation, rewrap and retirement', () => {
  it('after a rotation old records still open and new ones use the new key id', () => {
    const keyring = newKeyring();
    const old = sealCredential(keyring, SECRET, AAD);
    const rotated = addVersion(keyring);
    expect(openCredential(rotated, old, AAD)).toEqual({ ok: true, credential: SECRET });
    const fresh = sealCredential(rotated, SECRET, AAD);
    expect(fresh.key_id).toBe(rotated.activeId);
    expect(fresh.key_id).not.toBe(old.key_id);
  });

  it('rewrap moves a record to the active key id without changing nonce, ciphertext, tag or plaintext', () => {
    const keyring = newKeyring();
    const old = sealCredential(keyring, SECRET, AAD);
    const rotated = addVersion(keyring);
    const result = rewrapCredential(rotated, old, AAD);
    if (!result.ok) throw new Error(`rewrap failed: ${result.reason}`);
    expect(result.rewrapped).toBe(true);
    expect(result.sealed.key_id).toBe(rotated.activeId);
    expect(result.sealed.wrapped_key).not.toBe(old.wrapped_key);
    expect(result.sealed).toMatchObject({ nonce: old.nonce, ciphertext: old.ciphertext, tag: old.tag });
    expect(openCredential(rotated, result.sealed, AAD)).toEqual({ ok: true, credential: SECRET });
  });

  it('rewrap of a record already under the active key changes nothing', () => {
    const keyring = newKeyring();
    const sealed = sealCredential(keyring, SECRET, AAD);
    expect(rewrapCredential(keyring, sealed, AAD)).toEqual({ ok: true, sealed, rewrapped: false });
  });

  it('rewrap refuses a record that does not open (tampered, or another row)', () => {
    const keyring = newKeyring();
    const sealed = sealCredential(keyring, SECRET, AAD);
    const rotated = addVersion(keyring);
    expect(rewrapCredential(rotated, { ...sealed, ciphertext: flip(sealed.ciphertext) }, AAD)).toEqual({
      ok: false,
      reason: 'authentication_failed',
    });
    expect(rewrapCredential(rotated, sealed, { ...AAD, recordId: 'ptk_9' })).toEqual({
      ok: false,
      reason: 'authentication_failed',
    });
  });

  it('after the old version is retired a rewrapped record opens and an unrewrapped one fails with retired_key', () => {
    const keyring = newKeyring();
    const otherRow = { ...AAD, recordId: 'ptk_2' };
    const rewrappedLater = sealCredential(keyring, SECRET, AAD);
    const leftBehind = sealCredential(keyring, SECRET, otherRow);
    const rotated = addVersion(keyring);
    const moved = rewrapCredential(rotated, rewrappedLater, AAD);
    if (!moved.ok) throw new Error(`rewrap failed: ${moved.reason}`);
    const retired = retireVersion(rotated, keyring.activeId);
    expect(openCredential(retired, moved.sealed, AAD)).toEqual({ ok: true, credential: SECRET });
    expect(openCredential(retired, leftBehind, otherRow)).toEqual({
      ok: false,
      reason: 'retired_key',
      keyId: keyring.activeId,
    });
    expect(rewrapCredential(retired, leftBehind, otherRow)).toMatchObject({
      ok: false,
      reason: 'retired_key',
    });
  });
});

describe('the stored text of a sealed credential', () => {
  it('round-trips through serializeSealed and parseSealed', () => {
    const keyring = newKeyring();
    const sealed = sealCredential(keyring, SECRET, AAD);
    const parsed = parseSealed(serializeSealed(sealed));
    expect(parsed).toEqual({ ok: true, sealed });
    expect(parsed.ok && openCredential(keyring, parsed.sealed, AAD)).toEqual({
      ok: true,
      credential: SECRET,
    });
  });

  it('refuses anything but the exact shape', () => {
    const good = JSON.parse(serializeSealed(sealCredential(newKeyring(), SECRET, AAD))) as Record<
      string,
      unknown
    >;
    const cases: Array<[string, unknown]> = [
      ['not JSON', '{'],
      ['an array', []],
      ['an unknown field', { ...good, extra: 1 }],
      ['a missing field', { ...good, tag: undefined }],
      ['another version', { ...good, v: 2 }],
      ['another algorithm', { ...good, alg: 'AES-128-GCM' }],
      ['a bad key id', { ...good, key_id: 'mk_XYZ' }],
      ['a short nonce', { ...good, nonce: Buffer.alloc(8).toString('base64') }],
      ['non-base64 ciphertext', { ...good, ciphertext: 'not base64!' }],
      ['unpadded base64', { ...good, tag: String(good.tag).replace(/=+$/, '') }],
      ['a numeric wrapped key', { ...good, wrapped_key: 5 }],
    ];
    for (const [what, value] of cases) {
      const text = typeof value === 'string' ? value : JSON.stringify(value);
      const result = parseSealed(text);
      expect(result.ok, what).toBe(false);
    }
    expect(parseSealed('x'.repeat(70_000))).toMatchObject({ ok: false, reason: 'malformed' });
  });
});

describe('credential hints', () => {
  it('show the last 4 characters of a value of 16 characters or more', () => {
    expect(credentialHint('ionq-secret-0123456789abcdef')).toBe('cdef');
    expect(credentialHint('0123456789abcdef')).toBe('cdef');
  });

  it('show only the last 2 characters of a value of 8 to 15 characters', () => {
    expect(credentialHint('12345678')).toBe('78');
    expect(credentialHint('0123456789abcde')).toBe('de');
  });

  it('show nothing of a value shorter than 8 characters, and never split a character', () => {
    expect(credentialHint('1234567')).toBe('');
    expect(credentialHint('')).toBe('');
    expect(credentialHint('aaaaaaaa😀😀')).toBe('😀😀');
  });
});
