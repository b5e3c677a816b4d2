import { createHash, randomBytes } from 'node:crypto';

// The master keyring: every master key version Qonduit knows and the one that wraps new data
// keys (docs/adr/0002). Older versions stay so that records wrapped under them can still be
// opened until they are rewrapped; a retired version opens nothing.

export const MASTER_KEY_BYTES = 32;
export const MASTER_KEY_ID_PATTERN = /^mk_[0-9a-f]{16}$/;
// A fixed label keeps this digest apart from any other SHA-256 of the key material.
const KEY_ID_LABEL = 'qonduit/master-key-id/v1\0';

export type KeyringErrorCode =
  | 'invalid_master_key'
  | 'invalid_keyring'
  | 'unknown_key_version'
  | 'active_key_version'
  | 'invalid_env_key'
  | 'key_file_permissions'
  | 'key_file_corrupt'
  | 'key_file_io'
  /** No key file, and records sealed under a master key exist: a new key could never open them. */
  | 'key_file_missing'
  /** The master key does not open what the database holds: another server sealed it under another key. */
  | 'key_mismatch'
  | 'keyring_from_env'
  | 'invalid_input';

/**
 * Thrown for configuration and operator mistakes (a bad key, a refused rotation step), which
 * stop the command or the start-up. Per-record outcomes (a record that does not open) are
 * values instead: see `openCredential`. Messages never contain key material.
 */
export class KeyringError extends Error {
  readonly code: KeyringErrorCode;

  constructor(code: KeyringErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'KeyringError';
    this.code = code;
  }
}

/** Where the keyring was loaded from: only a file keyring can be saved back. */
export type KeyringSource = 'env' | 'file' | 'memory';

export interface MasterKeyVersion {
  readonly id: string;
  /** Not enumerable, so a logged or JSON-serialised keyring never shows key bytes. */
  readonly key: Buffer;
  readonly createdAt: string;
  readonly retiredAt?: string;
}

export interface MasterKeyring {
  readonly versions: readonly MasterKeyVersion[];
  readonly activeId: string;
  readonly source: KeyringSource;
}

export type KeyLookup =
  | { ok: true; version: MasterKeyVersion }
  | { ok: false; reason: 'unknown_key' | 'retired_key'; keyId: string };

/** `mk_` + 16 hex of SHA-256(label ‖ key): the same key always gets the same id, and the id reveals nothing usable. */
export function masterKeyId(key: Buffer): string {
  assertKeyBytes(key, 'the master key');
  return `mk_${createHash('sha256').update(KEY_ID_LABEL, 'utf8').update(key).digest('hex').slice(0, 16)}`;
}

export function generateMasterKey(): Buffer {
  return randomBytes(MASTER_KEY_BYTES);
}

/** Validates and freezes a keyring; the key buffers are copied, so the caller may wipe its own. */
export function createKeyring(
  versions: readonly MasterKeyVersion[],
  activeId: string,
  source: KeyringSource = 'memory',
): MasterKeyring {
  return buildKeyring(
    versions.map((v, i) => {
      assertKeyBytes(v.key, `master key version ${i + 1}`);
      return ownVersion({ ...v, key: Buffer.from(v.key) });
    }),
    activeId,
    source,
  );
}

/** A new keyring in which `key` (a fresh one by default) is the active version: rotation. */
export function addVersion(
  keyring: MasterKeyring,
  key: Buffer = generateMasterKey(),
  now: Date = new Date(),
): MasterKeyring {
  assertKeyBytes(key, 'the new master key');
  const id = masterKeyId(key);
  if (keyring.versions.some((v) => v.id === id)) {
    throw new KeyringError('invalid_keyring', `master key version ${id} is already in the keyring`);
  }
  const version = ownVersion({ id, key: Buffer.from(key), createdAt: now.toISOString() });
  return buildKeyring([...keyring.versions, version], id, keyring.source);
}

/**
 * A new keyring in which version `id` no longer opens anything. The active version cannot be
 * retired: rotate first, rewrap every record, then retire the old version.
 */
export function retireVersion(keyring: MasterKeyring, id: string, now: Date = new Date()): MasterKeyring {
  const target = keyring.versions.find((v) => v.id === id);
  if (!target)
    throw new KeyringError('unknown_key_version', `master key version ${id} is not in the keyring`);
  if (id === keyring.activeId) {
    throw new KeyringError(
      'active_key_version',
      `master key version ${id} is the active one and cannot be retired: add a new version, rewrap every record, then retire it`,
    );
  }
  if (target.retiredAt !== undefined) return keyring;
  const versions = keyring.versions.map((v) =>
    v.id === id
      ? ownVersion({ id: v.id, key: v.key, createdAt: v.createdAt, retiredAt: now.toISOString() })
      : v,
  );
  return buildKeyring(versions, keyring.activeId, keyring.source);
}

/** The version that may open a record wrapped under `id`: a retired or unknown one may not. */
export function keyFor(keyring: MasterKeyring, id: string): KeyLookup {
  const version = keyring.versions.find((v) => v.id === id);
  if (!version) return { ok: false, reason: 'unknown_key', keyId: id };
  if (version.retiredAt !== undefined) return { ok: false, reason: 'retired_key', keyId: id };
  return { ok: true, version };
}

/** The version that wraps new data keys. */
export function activeVersion(keyring: MasterKeyring): MasterKeyVersion {
  const version = keyring.versions.find((v) => v.id === keyring.activeId);
  // buildKeyring guarantees it; a hand-made object that breaks the rule is a programming error.
  if (!version || version.retiredAt !== undefined) {
    throw new KeyringError(
      'invalid_keyring',
      `the active master key version ${keyring.activeId} is missing or retired`,
    );
  }
  return version;
}

function assertKeyBytes(key: unknown, what: string): asserts key is Buffer {
  if (!Buffer.isBuffer(key) || key.length !== MASTER_KEY_BYTES) {
    const size = Buffer.isBuffer(key) ? `${key.length} bytes` : 'not a Buffer';
    throw new KeyringError(
      'invalid_master_key',
      `${what} must be exactly ${MASTER_KEY_BYTES} bytes (got ${size})`,
    );
  }
}

function isTimestamp(value: unknown): value is string {
  return typeof value === 'string' && !Number.isNaN(Date.parse(value));
}

function ownVersion(v: MasterKeyVersion): MasterKeyVersion {
  const version = {
    id: v.id,
    createdAt: v.createdAt,
    ...(v.retiredAt === undefined ? {} : { retiredAt: v.retiredAt }),
  };
  Object.defineProperty(version, 'key', {
    value: v.key,
    enumerable: false,
    writable: false,
    configurable: false,
  });
  return Object.freeze(version) as MasterKeyVersion;
}

function buildKeyring(versions: MasterKeyVersion[], activeId: string, source: KeyringSource): MasterKeyring {
  if (versions.length === 0)
    throw new KeyringError('invalid_keyring', 'a master keyring needs at least one key version');
  const seen = new Set<string>();
  versions.forEach((v, i) => {
    const where = `master key version ${i + 1}`;
    // The id is derived from the key; a mismatch means keys and ids were mixed up.
    if (masterKeyId(v.key) !== v.id)
      throw new KeyringError('invalid_keyring', `${where}: its id does not match its key`);
    if (seen.has(v.id)) throw new KeyringError('invalid_keyring', `${where}: ${v.id} appears more than once`);
    seen.add(v.id);
    if (!isTimestamp(v.createdAt))
      throw new KeyringError('invalid_keyring', `${where}: createdAt is not a timestamp`);
    if (v.retiredAt !== undefined && !isTimestamp(v.retiredAt)) {
      throw new KeyringError('invalid_keyring', `${where}: retiredAt is not a timestamp`);
    }
  });
  const active = versions.find((v) => v.id === activeId);
  if (!active)
    throw new KeyringError(
      'invalid_keyring',
      `the active master key version ${activeId} is not in the keyring`,
    );
  if (active.retiredAt !== undefined) {
    throw new KeyringError('invalid_keyring', `the active master key version ${activeId} is retired`);
  }
  return Object.freeze({ versions: Object.freeze(versions), activeId, source });
}
