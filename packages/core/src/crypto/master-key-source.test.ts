import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../clock';
import { openCredential, sealCredential } from './envelope';
import {
  KEY_FILE_NAME,
  MASTER_KEY_ENV,
  keyFilePath,
  loadMasterKeyring,
  saveKeyFile,
} from './master-key-source';
import type { KeyringError } from './master-keyring';
import { activeVersion, addVersion, generateMasterKey, masterKeyId, retireVersion } from './master-keyring';

const AAD = { accountId: 'acc_1', provider: 'ionq', recordId: 'ptk_1' };
const dirs: string[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'qonduit-keyring-'));
  dirs.push(dir);
  return dir;
}

function modeOf(path: string): number {
  return statSync(path).mode & 0o777;
}

/** The KeyringError a call throws, so a test can look at its code and message. */
function thrown(fn: () => unknown): KeyringError {
  try {
    fn();
  } catch (err) {
    return err as KeyringError;
  }
  throw new Error('expected an error');
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('master key from QONDUIT_MASTER_KEY', () => {
  it('a single base64 32-byte key is the active version', () => {
    const key = generateMasterKey();
    const dataDir = tempDir();
    const { keyring, keyFile } = loadMasterKeyring({
      env: { [MASTER_KEY_ENV]: key.toString('base64') },
      dataDir,
    });
    expect(keyring.source).toBe('env');
    expect(keyring.activeId).toBe(masterKeyId(key));
    expect(activeVersion(keyring).key.equals(key)).toBe(true);
    expect(keyFile).toBeUndefined();
    // The environment wins: no key file is created beside it.
    expect(readdirSync(dataDir)).toEqual([]);
  });

  it('several comma-separated keys: the first is active, the others still open their records', () => {
    const [older, newer] = [generateMasterKey(), generateMasterKey()];
    const before = loadMasterKeyring({
      env: { [MASTER_KEY_ENV]: older.toString('base64') },
      dataDir: tempDir(),
    }).keyring;
    const sealed = sealCredential(before, { token: 'leap-token-0123456789' }, AAD);
    const env = { [MASTER_KEY_ENV]: ` ${newer.toString('base64')} , ${older.toString('base64')}` };
    const { keyring } = loadMasterKeyring({ env, dataDir: tempDir() });
    expect(keyring.activeId).toBe(masterKeyId(newer));
    expect(keyring.versions.map((v) => v.id)).toEqual([masterKeyId(newer), masterKeyId(older)]);
    expect(openCredential(keyring, sealed, AAD)).toEqual({
      ok: true,
      credential: { token: 'leap-token-0123456789' },
    });
  });

  it('bad base64 is refused with the entry position and never the value', () => {
    const good = generateMasterKey().toString('base64');
    const bad = 'this-is-not-base64-at-all!!';
    const err = thrown(() =>
      loadMasterKeyring({ env: { [MASTER_KEY_ENV]: `${good},${bad}` }, dataDir: tempDir() }),
    );
    expect(err.code).toBe('invalid_env_key');
    expect(err.message).toContain('entry 2 of 2');
    expect(err.message).toContain('not valid base64');
    expect(err.message).not.toContain(bad);
    expect(err.message).not.toContain(good);
  });

  it('a key of the wrong length is refused with the entry position and never the value', () => {
    const short = generateMasterKey().subarray(0, 16).toString('base64');
    const err = thrown(() => loadMasterKeyring({ env: { [MASTER_KEY_ENV]: short }, dataDir: tempDir() }));
    expect(err.code).toBe('invalid_env_key');
    expect(err.message).toContain('entry 1 of 1');
    expect(err.message).toContain('16 bytes');
    expect(err.message).not.toContain(short);
    expect(err.message).not.toContain(short.slice(0, 8));
  });

  it('an empty variable, an empty entry and a repeated key are refused', () => {
    const key = generateMasterKey().toString('base64');
    const load = (value: string) =>
      thrown(() => loadMasterKeyring({ env: { [MASTER_KEY_ENV]: value }, dataDir: tempDir() }));
    expect(load('  ').message).toMatch(/set but empty/);
    expect(load(`${key},`).message).toMatch(/entry 2 of 2 is empty/);
    const repeated = load(`${key},${key}`);
    expect(repeated.message).toMatch(/entry 2 of 2 repeats entry 1/);
    expect(repeated.message).not.toContain(key);
  });

  it('saving a keyring that came from the environment is refused with what to do instead', () => {
    const dataDir = tempDir();
    const { keyring } = loadMasterKeyring({
      env: { [MASTER_KEY_ENV]: generateMasterKey().toString('base64') },
      dataDir,
    });
    const err = thrown(() => saveKeyFile(dataDir, addVersion(keyring)));
    expect(err.code).toBe('keyring_from_env');
    expect(err.message).toContain(`update the environment variable`);
    expect(readdirSync(dataDir)).toEqual([]);
  });
});

describe('master key file in the data folder', () => {
  it('is created on first start with mode 0600, in a data folder created if missing', () => {
    const dataDir = join(tempDir(), 'nested', 'data');
    const clock = fixedClock(new Date('2026-04-01T12:00:00Z'));
    const { keyring, keyFile } = loadMasterKeyring({ env: {}, dataDir, clock });
    const path = keyFilePath(dataDir);
    expect(keyFile).toEqual({ path, created: true });
    expect(modeOf(path)).toBe(0o600);
    expect(keyring.source).toBe('file');
    const stored = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    expect(stored).toEqual({
      active: keyring.activeId,
      versions: [
        {
          id: keyring.activeId,
          key: activeVersion(keyring).key.toString('base64'),
          created_at: '2026-04-01T12:00:00.000Z',
        },
      ],
    });
    // No temp file is left behind.
    expect(readdirSync(dataDir)).toEqual([KEY_FILE_NAME]);
  });

  it('is reloaded to the same key id on the next start, and the old records open', () => {
    const dataDir = tempDir();
    const first = loadMasterKeyring({ env: {}, dataDir }).keyring;
    const sealed = sealCredential(first, { api_key: 'ibm-api-key-0123456789' }, AAD);
    const second = loadMasterKeyring({ env: {}, dataDir });
    expect(second.keyFile?.created).toBe(false);
    expect(second.keyring.activeId).toBe(first.activeId);
    expect(openCredential(second.keyring, sealed, AAD)).toMatchObject({ ok: true });
  });

  it('is refused when group or others may access it, like ssh does', () => {
    const dataDir = tempDir();
    loadMasterKeyring({ env: {}, dataDir });
    chmodSync(keyFilePath(dataDir), 0o644);
    const err = thrown(() => loadMasterKeyring({ env: {}, dataDir }));
    expect(err.code).toBe('key_file_permissions');
    expect(err.message).toContain('0644');
    expect(err.message).toContain('chmod 600');
  });

  it('a corrupt file is refused, never replaced, and its content never quoted', () => {
    const dataDir = tempDir();
    const path = keyFilePath(dataDir);
    const key = generateMasterKey().toString('base64');
    const text = `{"active": "mk_0123456789abcdef", "versions": [{"key": "${key}"`;
    writeFileSync(path, text, { mode: 0o600 });
    const err = thrown(() => loadMasterKeyring({ env: {}, dataDir }));
    expect(err.code).toBe('key_file_corrupt');
    expect(err.message).toContain('not valid JSON');
    expect(err.message).toContain('Restore it from a backup');
    expect(err.message).not.toContain(key);
    expect(readFileSync(path, 'utf8')).toBe(text);
  });

  it('a file whose id does not match its key, or whose active version is retired, is refused', () => {
    const dataDir = tempDir();
    const path = keyFilePath(dataDir);
    const key = generateMasterKey().toString('base64');
    const at = '2026-01-01T00:00:00.000Z';
    writeFileSync(
      path,
      JSON.stringify({
        active: 'mk_0123456789abcdef',
        versions: [{ id: 'mk_0123456789abcdef', key, created_at: at }],
      }),
      {
        mode: 0o600,
      },
    );
    expect(thrown(() => loadMasterKeyring({ env: {}, dataDir })).message).toMatch(
      /version 1: "id" does not match its key/,
    );
    const id = masterKeyId(Buffer.from(key, 'base64'));
    writeFileSync(
      path,
      JSON.stringify({ active: id, versions: [{ id, key, created_at: at, retired_at: at }] }),
    );
    const err = thrown(() => loadMasterKeyring({ env: {}, dataDir }));
    expect(err.code).toBe('key_file_corrupt');
    expect(err.message).toMatch(/is retired/);
  });

  it('saving after rotation and retirement rewrites the file atomically with mode 0600', () => {
    const dataDir = tempDir();
    const path = keyFilePath(dataDir);
    const first = loadMasterKeyring({ env: {}, dataDir }).keyring;
    const rotated = retireVersion(addVersion(first), first.activeId, new Date('2026-05-01T00:00:00Z'));
    saveKeyFile(dataDir, rotated);
    expect(modeOf(path)).toBe(0o600);
    expect(readdirSync(dataDir)).toEqual([KEY_FILE_NAME]);
    const reloaded = loadMasterKeyring({ env: {}, dataDir }).keyring;
    expect(reloaded.activeId).toBe(rotated.activeId);
    expect(reloaded.versions.map((v) => [v.id, v.retiredAt])).toEqual([
      [first.activeId, '2026-05-01T00:00:00.000Z'],
      [rotated.activeId, undefined],
    ]);
  });
});

describe('a missing key file that may not be created', () => {
  it('is refused with a message that says why and what to do, and nothing is written', () => {
    const dataDir = tempDir();
    const err = thrown(() => loadMasterKeyring({ env: {}, dataDir, createIfMissing: false, missingReason: 'the database holds 3 sealed provider tokens' }));
    expect(err.code).toBe('key_file_missing');
    expect(err.message).toMatch(/master-key\.json is missing, but the database holds 3 sealed provider tokens.*restore master-key\.json from a backup/);
    expect(readdirSync(dataDir)).toEqual([]);
  });

  it('still loads an existing key file', () => {
    const dataDir = tempDir();
    const created = loadMasterKeyring({ env: {}, dataDir }).keyring;
    expect(loadMasterKeyring({ env: {}, dataDir, createIfMissing: false }).keyring.activeId).toBe(created.activeId);
  });
});
