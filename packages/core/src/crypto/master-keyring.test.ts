import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  KeyringError,
  activeVersion,
  addVersion,
  createKeyring,
  generateMasterKey,
  keyFor,
  masterKeyId,
  retireVersion,
} from './master-keyring';

function singleKeyring() {
  const key = generateMasterKey();
  return {
    key,
    keyring: createKeyring(
      [{ id: masterKeyId(key), key, createdAt: '2026-01-01T00:00:00.000Z' }],
      masterKeyId(key),
    ),
  };
}

describe('master keyring', () => {
  it('derives the key id from the key alone: mk_ and 16 hex, the same for the same key', () => {
    const key = generateMasterKey();
    expect(masterKeyId(key)).toMatch(/^mk_[0-9a-f]{16}$/);
    expect(masterKeyId(Buffer.from(key))).toBe(masterKeyId(key));
    expect(masterKeyId(generateMasterKey())).not.toBe(masterKeyId(key));
    expect(masterKeyId(key)).not.toContain(key.toString('hex').slice(0, 16));
  });

  it('accepts only 32-byte master keys', () => {
    expect(() => masterKeyId(Buffer.alloc(16))).toThrow(KeyringError);
    expect(() => addVersion(singleKeyring().keyring, Buffer.alloc(31))).toThrow(/exactly 32 bytes/);
  });

  it('refuses an id that does not match its key, a duplicate version, and a missing active version', () => {
    const a = generateMasterKey();
    const b = generateMasterKey();
    const at = '2026-01-01T00:00:00.000Z';
    expect(() => createKeyring([{ id: masterKeyId(b), key: a, createdAt: at }], masterKeyId(b))).toThrow(
      /does not match/,
    );
    expect(() =>
      createKeyring(
        [
          { id: masterKeyId(a), key: a, createdAt: at },
          { id: masterKeyId(a), key: a, createdAt: at },
        ],
        masterKeyId(a),
      ),
    ).toThrow(/more than once/);
    expect(() => createKeyring([{ id: masterKeyId(a), key: a, createdAt: at }], masterKeyId(b))).toThrow(
      /not in the keyring/,
    );
    expect(() => createKeyring([], masterKeyId(a))).toThrow(/at least one/);
  });

  it('adding a version makes it active and leaves the previous keyring unchanged', () => {
    const { keyring } = singleKeyring();
    const newKey = generateMasterKey();
    const rotated = addVersion(keyring, newKey, new Date('2026-02-01T00:00:00Z'));
    expect(rotated.activeId).toBe(masterKeyId(newKey));
    expect(rotated.versions.map((v) => v.id)).toEqual([keyring.activeId, masterKeyId(newKey)]);
    expect(rotated.versions[1]?.createdAt).toBe('2026-02-01T00:00:00.000Z');
    expect(keyring.versions).toHaveLength(1);
    expect(Object.isFrozen(rotated)).toBe(true);
    expect(() => addVersion(rotated, newKey)).toThrow(/already in the keyring/);
  });

  it('the active version cannot be retired; a retired one no longer yields its key', () => {
    const { keyring } = singleKeyring();
    expect(() => retireVersion(keyring, keyring.activeId)).toThrow(
      expect.objectContaining({ code: 'active_key_version' }),
    );
    const rotated = addVersion(keyring);
    const retired = retireVersion(rotated, keyring.activeId, new Date('2026-03-01T00:00:00Z'));
    expect(keyFor(retired, keyring.activeId)).toEqual({
      ok: false,
      reason: 'retired_key',
      keyId: keyring.activeId,
    });
    expect(retired.versions[0]?.retiredAt).toBe('2026-03-01T00:00:00.000Z');
    expect(keyFor(rotated, keyring.activeId).ok).toBe(true);
    expect(() => retireVersion(retired, 'mk_0000000000000000')).toThrow(
      expect.objectContaining({ code: 'unknown_key_version' }),
    );
  });

  it('keyFor answers unknown_key for an id it has never seen', () => {
    expect(keyFor(singleKeyring().keyring, 'mk_0123456789abcdef')).toEqual({
      ok: false,
      reason: 'unknown_key',
      keyId: 'mk_0123456789abcdef',
    });
  });

  it('copies the key it is given, so wiping the caller buffer does not break the keyring', () => {
    const { key, keyring } = singleKeyring();
    const copy = Buffer.from(key);
    key.fill(0);
    expect(activeVersion(keyring).key.equals(copy)).toBe(true);
  });

  it('never shows key bytes when the keyring is logged or serialised', () => {
    const { keyring } = singleKeyring();
    const key = activeVersion(keyring).key;
    for (const text of [JSON.stringify(keyring), inspect(keyring, { depth: 10 })]) {
      expect(text).toContain(keyring.activeId);
      expect(text).not.toContain(key.toString('base64'));
      expect(text).not.toContain(key.toString('hex').slice(0, 8));
    }
  });
});
