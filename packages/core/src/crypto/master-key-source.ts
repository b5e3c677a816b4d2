import {
  closeSync,
  fchmodSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import type { Clock } from '../clock';
import { systemClock } from '../clock';
import { decodeBase64Strict, encodeBase64 } from './base64';
import type { MasterKeyVersion, MasterKeyring } from './master-keyring';
import {
  KeyringError,
  MASTER_KEY_BYTES,
  MASTER_KEY_ID_PATTERN,
  createKeyring,
  generateMasterKey,
  masterKeyId,
} from './master-keyring';

// Where the master keyring comes from (docs/adr/0002): the environment when the operator
// manages the key (QONDUIT_MASTER_KEY), otherwise a 0600 key file in the data folder that
// Qonduit creates on first start and rewrites on rotation.

export const MASTER_KEY_ENV = 'QONDUIT_MASTER_KEY';
export const KEY_FILE_NAME = 'master-key.json';
const KEY_FILE_MODE = 0o600;
const GENERATE_HINT = 'generate one with `openssl rand -base64 32`';

export interface LoadMasterKeyringOptions {
  env: Readonly<Record<string, string | undefined>>;
  dataDir: string;
  clock?: Clock;
  /**
   * Whether a missing key file may be created (default true). The server passes false while the
   * database holds any sealed record: a fresh key would silently orphan every one of them.
   */
  createIfMissing?: boolean;
  /** Said in the refusal when the file is missing and may not be created. */
  missingReason?: string;
}

export interface LoadedMasterKeyring {
  keyring: MasterKeyring;
  /** Set when the keyring came from the key file; `created` asks the operator to back it up. */
  keyFile?: { path: string; created: boolean };
}

export function keyFilePath(dataDir: string): string {
  return join(dataDir, KEY_FILE_NAME);
}

/**
 * The keyring from `QONDUIT_MASTER_KEY` when it is set (comma-separated base64 keys, the first
 * one active), otherwise from `<dataDir>/master-key.json`, created on first start.
 * Throws `KeyringError` for anything it will not use; the message never contains a key.
 */
export function loadMasterKeyring(options: LoadMasterKeyringOptions): LoadedMasterKeyring {
  const now = (options.clock ?? systemClock).now();
  const fromEnv = options.env[MASTER_KEY_ENV];
  if (fromEnv !== undefined) return { keyring: keyringFromEnv(fromEnv, now) };

  const path = keyFilePath(options.dataDir);
  const existing = readKeyFile(path);
  if (existing) return { keyring: existing, keyFile: { path, created: false } };
  if (options.createIfMissing === false) {
    throw new KeyringError(
      'key_file_missing',
      `the master key file ${path} is missing${options.missingReason ? `, but ${options.missingReason}` : ''}. ` +
        `Qonduit will not create a new key, which could never open them: restore ${KEY_FILE_NAME} from a backup ` +
        `(mode 0600) or set ${MASTER_KEY_ENV} to the key, then start again`,
    );
  }

  const key = generateMasterKey();
  try {
    const id = masterKeyId(key);
    const fresh = createKeyring([{ id, key, createdAt: now.toISOString() }], id, 'file');
    if (writeKeyFile(path, keyFileText(fresh), 'create')) {
      return { keyring: fresh, keyFile: { path, created: true } };
    }
  } finally {
    key.fill(0);
  }
  // Another process created the file between our check and our write: its key wins.
  const winner = readKeyFile(path);
  if (!winner) {
    throw new KeyringError('key_file_io', `the master key file ${path} vanished while it was being created`);
  }
  return { keyring: winner, keyFile: { path, created: false } };
}

/** Writes the keyring to `<dataDir>/master-key.json` atomically with mode 0600 (rotation, retirement). */
export function saveKeyFile(dataDir: string, keyring: MasterKeyring): void {
  if (keyring.source === 'env') {
    throw new KeyringError(
      'keyring_from_env',
      `the master keyring comes from ${MASTER_KEY_ENV}, so Qonduit cannot save it: update the environment variable instead ` +
        '(the new key first, then the older keys that records still need, comma-separated) and restart',
    );
  }
  writeKeyFile(keyFilePath(dataDir), keyFileText(keyring), 'replace');
}

function keyringFromEnv(value: string, now: Date): MasterKeyring {
  if (value.trim() === '') {
    throw new KeyringError(
      'invalid_env_key',
      `${MASTER_KEY_ENV} is set but empty: set it to a base64 32-byte key (${GENERATE_HINT}), or unset it to use the key file in the data folder`,
    );
  }
  const entries = value.split(',');
  const keys: Buffer[] = [];
  try {
    entries.forEach((raw, i) => {
      // Positions only: the value itself must never reach a log line.
      const where = `${MASTER_KEY_ENV} entry ${i + 1} of ${entries.length}`;
      const entry = raw.trim();
      if (entry === '') throw new KeyringError('invalid_env_key', `${where} is empty (a stray comma?)`);
      const key = decodeBase64Strict(entry);
      if (!key) {
        throw new KeyringError(
          'invalid_env_key',
          `${where} is not valid base64 (standard alphabet, = padding); ${GENERATE_HINT}`,
        );
      }
      keys.push(key);
      if (key.length !== MASTER_KEY_BYTES) {
        throw new KeyringError(
          'invalid_env_key',
          `${where} decodes to ${key.length} bytes, but a master key is exactly ${MASTER_KEY_BYTES} bytes; ${GENERATE_HINT}`,
        );
      }
      const earlier = keys.findIndex((k) => k !== key && k.equals(key));
      if (earlier >= 0) throw new KeyringError('invalid_env_key', `${where} repeats entry ${earlier + 1}`);
    });
    // The environment carries no dates: a version counts as created when it is loaded.
    const versions = keys.map((key) => ({ id: masterKeyId(key), key, createdAt: now.toISOString() }));
    const first = versions[0];
    if (!first) throw new KeyringError('invalid_env_key', `${MASTER_KEY_ENV} holds no key`);
    return createKeyring(versions, first.id, 'env');
  } finally {
    for (const key of keys) key.fill(0);
  }
}

function readKeyFile(path: string): MasterKeyring | undefined {
  let stats;
  try {
    stats = statSync(path);
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return undefined;
    throw new KeyringError(
      'key_file_io',
      `cannot read the master key file ${path} (${errorCode(err) ?? 'error'})`,
      { cause: err },
    );
  }
  if (!stats.isFile()) throw corruptFile(path, 'it is not a regular file');
  // As ssh does with private keys: a key others could read may already be copied, so refuse it.
  // Windows has no such mode bits, only ACLs.
  if (process.platform !== 'win32' && (stats.mode & 0o077) !== 0) {
    const mode = (stats.mode & 0o777).toString(8).padStart(4, '0');
    throw new KeyringError(
      'key_file_permissions',
      `permissions ${mode} for the master key file ${path} are too open: it must not be accessible by group or others. ` +
        `Run \`chmod 600 ${path}\`, and consider rotating the master key if others may have read it`,
    );
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new KeyringError(
      'key_file_io',
      `cannot read the master key file ${path} (${errorCode(err) ?? 'error'})`,
      { cause: err },
    );
  }
  return parseKeyFile(text, path);
}

function parseKeyFile(text: string, path: string): MasterKeyring {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    // JSON.parse quotes the text around the error: its message could carry key material.
    throw corruptFile(path, 'it is not valid JSON');
  }
  if (!isRecord(data)) throw corruptFile(path, 'it is not a JSON object');
  const extra = Object.keys(data).find((k) => k !== 'active' && k !== 'versions');
  if (extra !== undefined) throw corruptFile(path, `unknown field "${extra}"`);
  const { active, versions } = data;
  if (typeof active !== 'string' || !MASTER_KEY_ID_PATTERN.test(active))
    throw corruptFile(path, '"active" is not a key id');
  if (!Array.isArray(versions) || versions.length === 0)
    throw corruptFile(path, '"versions" is not a non-empty list');

  const parsed: MasterKeyVersion[] = [];
  try {
    versions.forEach((entry: unknown, i) => parsed.push(parseFileVersion(entry, `version ${i + 1}`, path)));
    return createKeyring(parsed, active, 'file');
  } catch (err) {
    if (err instanceof KeyringError && err.code === 'invalid_keyring') throw corruptFile(path, err.message);
    throw err;
  } finally {
    for (const v of parsed) v.key.fill(0);
  }
}

function parseFileVersion(entry: unknown, where: string, path: string): MasterKeyVersion {
  if (!isRecord(entry)) throw corruptFile(path, `${where} is not an object`);
  const extra = Object.keys(entry).find((k) => !['id', 'key', 'created_at', 'retired_at'].includes(k));
  if (extra !== undefined) throw corruptFile(path, `${where} has an unknown field "${extra}"`);
  const { id, key, created_at: createdAt, retired_at: retiredAt } = entry;
  if (typeof id !== 'string' || !MASTER_KEY_ID_PATTERN.test(id))
    throw corruptFile(path, `${where}: "id" is not a key id`);
  if (typeof key !== 'string') throw corruptFile(path, `${where}: "key" is missing`);
  const bytes = decodeBase64Strict(key);
  if (!bytes || bytes.length !== MASTER_KEY_BYTES) {
    bytes?.fill(0);
    throw corruptFile(path, `${where}: "key" is not base64 of ${MASTER_KEY_BYTES} bytes`);
  }
  if (masterKeyId(bytes) !== id) {
    bytes.fill(0);
    throw corruptFile(path, `${where}: "id" does not match its key`);
  }
  if (typeof createdAt !== 'string') {
    bytes.fill(0);
    throw corruptFile(path, `${where}: "created_at" is missing`);
  }
  if (retiredAt !== undefined && typeof retiredAt !== 'string') {
    bytes.fill(0);
    throw corruptFile(path, `${where}: "retired_at" is not a string`);
  }
  return { id, key: bytes, createdAt, ...(retiredAt === undefined ? {} : { retiredAt }) };
}

function keyFileText(keyring: MasterKeyring): string {
  const versions = keyring.versions.map((v) => ({
    id: v.id,
    key: encodeBase64(v.key),
    created_at: v.createdAt,
    ...(v.retiredAt === undefined ? {} : { retired_at: v.retiredAt }),
  }));
  return `${JSON.stringify({ active: keyring.activeId, versions }, null, 2)}\n`;
}

/**
 * Writes a temp file created with mode 0600 and moves it into place, so the key file never
 * exists half-written or with a wider mode. `create` uses link(), which fails when the target
 * exists, so two processes starting together cannot replace each other's fresh key; it returns
 * false when the file was already there.
 */
function writeKeyFile(path: string, text: string, mode: 'create' | 'replace'): boolean {
  const dir = dirname(path);
  const tmp = join(dir, `.${KEY_FILE_NAME}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const body = Buffer.from(text, 'utf8');
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const fd = openSync(tmp, 'wx', KEY_FILE_MODE);
    try {
      // The umask can only narrow the mode; this makes 0600 exact whatever it is.
      fchmodSync(fd, KEY_FILE_MODE);
      writeFileSync(fd, body);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    if (mode === 'replace') {
      renameSync(tmp, path);
    } else if (!linkNoClobber(tmp, path)) {
      return false;
    }
    syncDirectory(dir);
    return true;
  } catch (err) {
    throw new KeyringError(
      'key_file_io',
      `cannot write the master key file ${path} (${errorCode(err) ?? 'error'})`,
      { cause: err },
    );
  } finally {
    body.fill(0);
    rmSync(tmp, { force: true });
  }
}

function linkNoClobber(from: string, to: string): boolean {
  try {
    linkSync(from, to);
    return true;
  } catch (err) {
    const code = errorCode(err);
    if (code === 'EEXIST') return false;
    // A file system without hard links: fall back to a check and a rename (a small race).
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'ENOSYS') {
      if (exists(to)) return false;
      renameSync(from, to);
      return true;
    }
    throw err;
  }
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

// Makes the rename durable across a power cut; not possible on every platform, hence best effort.
function syncDirectory(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Best effort only.
  }
}

function corruptFile(path: string, why: string): KeyringError {
  return new KeyringError(
    'key_file_corrupt',
    `the master key file ${path} is unusable: ${why}. Restore it from a backup; Qonduit will not replace it, ` +
      'because records sealed under its keys could never be opened again',
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function errorCode(err: unknown): string | undefined {
  return isRecord(err) && typeof err.code === 'string' ? err.code : undefined;
}
