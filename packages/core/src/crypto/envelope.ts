import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { decodeBase64Strict, encodeBase64 } from './base64';
import type { MasterKeyVersion, MasterKeyring } from './master-keyring';
import { KeyringError, MASTER_KEY_ID_PATTERN, activeVersion, keyFor } from './master-keyring';

// Envelope encryption of provider credentials (docs/adr/0002): each record gets its own random
// data key; the data key encrypts the credential and the active master key encrypts (wraps) the
// data key. Rotating the master key then means rewrapping 60 bytes per record, not re-encrypting
// every credential, and a leaked data key exposes one record only.

export const SEALED_VERSION = 1;
export const SEALED_ALG = 'AES-256-GCM';
const CIPHER = 'aes-256-gcm';
const DATA_KEY_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const WRAPPED_KEY_BYTES = NONCE_BYTES + DATA_KEY_BYTES + TAG_BYTES;
// Credentials are a few short fields; the caps keep a corrupt or hostile row from costing much.
const MAX_PLAINTEXT_BYTES = 16 * 1024;
const MAX_SEALED_TEXT = 64 * 1024;
const MAX_AAD_FIELD = 1024;
// Distinct labels: a data-key wrap can never be taken for a credential ciphertext or the reverse.
const CREDENTIAL_AAD_LABEL = 'qonduit/provider-credential/v1';
const WRAP_AAD_LABEL = 'qonduit/provider-credential-data-key/v1';
const SEALED_FIELDS = ['v', 'alg', 'key_id', 'wrapped_key', 'nonce', 'ciphertext', 'tag'] as const;

/** The row a credential belongs to: the ciphertext opens only for the same three values. */
export interface CredentialAad {
  accountId: string;
  provider: string;
  recordId: string;
}

export type Credential = Record<string, string>;

export interface SealedCredential {
  readonly v: typeof SEALED_VERSION;
  readonly alg: typeof SEALED_ALG;
  /** The master key version that wraps the data key. */
  readonly key_id: string;
  /** base64 of nonce(12) ‖ encrypted data key(32) ‖ tag(16). */
  readonly wrapped_key: string;
  readonly nonce: string;
  readonly ciphertext: string;
  readonly tag: string;
}

export type OpenFailure =
  | { ok: false; reason: 'unknown_key' | 'retired_key'; keyId: string }
  /** Wrong row (account, provider or record id), or a tampered field: GCM cannot tell which. */
  | { ok: false; reason: 'authentication_failed' }
  | { ok: false; reason: 'malformed' };

export type OpenResult = { ok: true; credential: Credential } | OpenFailure;

/** `rewrapped` is false when the record was already under the active key (nothing to write). */
export type RewrapResult = { ok: true; sealed: SealedCredential; rewrapped: boolean } | OpenFailure;

export type ParseSealedResult =
  { ok: true; sealed: SealedCredential } | { ok: false; reason: 'malformed'; message: string };

/** Encrypts a credential for one row under a fresh data key, wrapped by the active master key. */
export function sealCredential(
  keyring: MasterKeyring,
  plaintext: Credential,
  aad: CredentialAad,
): SealedCredential {
  assertAad(aad);
  const body = encodeCredential(plaintext);
  const master = activeVersion(keyring);
  const dataKey = randomBytes(DATA_KEY_BYTES);
  try {
    const nonce = randomBytes(NONCE_BYTES);
    const { ciphertext, tag } = gcmEncrypt(dataKey, nonce, body, credentialAad(aad));
    return Object.freeze({
      v: SEALED_VERSION,
      alg: SEALED_ALG,
      key_id: master.id,
      wrapped_key: encodeBase64(wrapDataKey(master, dataKey, aad)),
      nonce: encodeBase64(nonce),
      ciphertext: encodeBase64(ciphertext),
      tag: encodeBase64(tag),
    });
  } finally {
    dataKey.fill(0);
    body.fill(0);
  }
}

/** The credential, or why it cannot be opened for this row with this keyring. */
export function openCredential(
  keyring: MasterKeyring,
  sealed: SealedCredential,
  aad: CredentialAad,
): OpenResult {
  return withDataKey(keyring, sealed, aad, (dataKey, parts) => {
    const body = gcmDecrypt(dataKey, parts, credentialAad(aad));
    if (!body) return { ok: false, reason: 'authentication_failed' };
    try {
      const credential = decodeCredential(body);
      return credential ? { ok: true, credential } : { ok: false, reason: 'malformed' };
    } finally {
      body.fill(0);
    }
  });
}

/**
 * The same record with its data key wrapped under the active master key: nonce, ciphertext and
 * tag are unchanged. It succeeds only for a record that opens, so a rotation run reports broken
 * rows instead of carrying them forward.
 */
export function rewrapCredential(
  keyring: MasterKeyring,
  sealed: SealedCredential,
  aad: CredentialAad,
): RewrapResult {
  return withDataKey(keyring, sealed, aad, (dataKey, parts): RewrapResult => {
    const body = gcmDecrypt(dataKey, parts, credentialAad(aad));
    if (!body) return { ok: false, reason: 'authentication_failed' };
    body.fill(0);
    const master = activeVersion(keyring);
    if (master.id === sealed.key_id) return { ok: true, sealed, rewrapped: false };
    const rewrapped: SealedCredential = Object.freeze({
      v: SEALED_VERSION,
      alg: SEALED_ALG,
      key_id: master.id,
      wrapped_key: encodeBase64(wrapDataKey(master, dataKey, aad)),
      nonce: sealed.nonce,
      ciphertext: sealed.ciphertext,
      tag: sealed.tag,
    });
    return { ok: true, sealed: rewrapped, rewrapped: true };
  });
}

/** The text stored in the database column (fixed field order). */
export function serializeSealed(sealed: SealedCredential): string {
  const ordered: SealedCredential = {
    v: sealed.v,
    alg: sealed.alg,
    key_id: sealed.key_id,
    wrapped_key: sealed.wrapped_key,
    nonce: sealed.nonce,
    ciphertext: sealed.ciphertext,
    tag: sealed.tag,
  };
  return JSON.stringify(ordered);
}

/** Reads the database column back; anything but the exact shape is refused. */
export function parseSealed(text: string): ParseSealedResult {
  const malformed = (message: string): ParseSealedResult => ({ ok: false, reason: 'malformed', message });
  if (text.length > MAX_SEALED_TEXT) return malformed(`longer than ${MAX_SEALED_TEXT} characters`);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return malformed('not valid JSON');
  }
  const checked = checkSealed(data);
  return typeof checked === 'string' ? malformed(checked) : { ok: true, sealed: checked.sealed };
}

/**
 * What may be shown of a secret: at most a quarter of it and never more than 4 characters.
 * 16 characters or more: the last 4; 8 to 15: the last 2; fewer than 8: nothing (empty string).
 * Real provider keys are long, so in practice this is the "last 4" hint of the design.
 */
export function credentialHint(value: string): string {
  // Code points, so a hint never splits a surrogate pair.
  const chars = Array.from(value);
  if (chars.length >= 16) return chars.slice(-4).join('');
  if (chars.length >= 8) return chars.slice(-2).join('');
  return '';
}

interface SealedParts {
  wrappedKey: Buffer;
  nonce: Buffer;
  ciphertext: Buffer;
  tag: Buffer;
}

function withDataKey<T>(
  keyring: MasterKeyring,
  sealed: SealedCredential,
  aad: CredentialAad,
  use: (dataKey: Buffer, parts: SealedParts) => T | OpenFailure,
): T | OpenFailure {
  assertAad(aad);
  // The static type is a promise, not a proof: a hand-built or widened object is checked too.
  const checked = checkSealed(sealed);
  if (typeof checked === 'string') return { ok: false, reason: 'malformed' };
  const lookup = keyFor(keyring, sealed.key_id);
  if (!lookup.ok) return { ok: false, reason: lookup.reason, keyId: lookup.keyId };
  const dataKey = unwrapDataKey(lookup.version, checked.parts.wrappedKey, aad);
  if (!dataKey) return { ok: false, reason: 'authentication_failed' };
  try {
    return use(dataKey, checked.parts);
  } finally {
    dataKey.fill(0);
  }
}

function wrapDataKey(master: MasterKeyVersion, dataKey: Buffer, aad: CredentialAad): Buffer {
  const nonce = randomBytes(NONCE_BYTES);
  const { ciphertext, tag } = gcmEncrypt(master.key, nonce, dataKey, wrapAad(master.id, aad));
  return Buffer.concat([nonce, ciphertext, tag]);
}

function unwrapDataKey(master: MasterKeyVersion, wrapped: Buffer, aad: CredentialAad): Buffer | undefined {
  const parts = {
    nonce: wrapped.subarray(0, NONCE_BYTES),
    ciphertext: wrapped.subarray(NONCE_BYTES, NONCE_BYTES + DATA_KEY_BYTES),
    tag: wrapped.subarray(NONCE_BYTES + DATA_KEY_BYTES),
  };
  return gcmDecrypt(master.key, parts, wrapAad(master.id, aad));
}

function gcmEncrypt(
  key: Buffer,
  nonce: Buffer,
  plaintext: Buffer,
  aad: Buffer,
): { ciphertext: Buffer; tag: Buffer } {
  const cipher = createCipheriv(CIPHER, key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { ciphertext, tag: cipher.getAuthTag() };
}

/** The plaintext, or undefined when authentication fails. */
function gcmDecrypt(
  key: Buffer,
  parts: { nonce: Buffer; ciphertext: Buffer; tag: Buffer },
  aad: Buffer,
): Buffer | undefined {
  // authTagLength pins the tag at 16 bytes: Node would otherwise accept a truncated tag.
  const decipher = createDecipheriv(CIPHER, key, parts.nonce, { authTagLength: TAG_BYTES });
  decipher.setAAD(aad);
  decipher.setAuthTag(parts.tag);
  const chunk = decipher.update(parts.ciphertext);
  try {
    return Buffer.concat([chunk, decipher.final()]);
  } catch {
    return undefined;
  } finally {
    // Unauthenticated output must never be used, and authenticated output is copied above.
    chunk.fill(0);
  }
}

/**
 * Length-prefixed fields (4-byte big-endian byte length, then UTF-8), after a label: unlike
 * joining with `|`, ("a|b", "c") and ("a", "b|c") encode differently.
 */
function encodeFields(label: string, fields: readonly string[]): Buffer {
  const parts: Buffer[] = [];
  for (const field of [label, ...fields]) {
    const bytes = Buffer.from(field, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    parts.push(length, bytes);
  }
  return Buffer.concat(parts);
}

// The credential's AAD leaves out the key id, so rewrapping never touches the ciphertext.
function credentialAad(aad: CredentialAad): Buffer {
  return encodeFields(CREDENTIAL_AAD_LABEL, [aad.accountId, aad.provider, aad.recordId]);
}

// The wrap's AAD binds the key id and the row: a wrapped key moved to another row or relabelled fails.
function wrapAad(keyId: string, aad: CredentialAad): Buffer {
  return encodeFields(WRAP_AAD_LABEL, [keyId, aad.accountId, aad.provider, aad.recordId]);
}

function assertAad(aad: CredentialAad): void {
  for (const field of ['accountId', 'provider', 'recordId'] as const) {
    const value: unknown = aad[field];
    if (typeof value !== 'string' || value.length === 0 || value.length > MAX_AAD_FIELD) {
      throw new KeyringError(
        'invalid_input',
        `aad.${field} must be a non-empty string of at most ${MAX_AAD_FIELD} characters`,
      );
    }
  }
}

function encodeCredential(plaintext: Credential): Buffer {
  if (!isRecord(plaintext))
    throw new KeyringError('invalid_input', 'a credential must be an object of string fields');
  for (const [name, value] of Object.entries(plaintext)) {
    // Names only: the value is the secret.
    if (typeof value !== 'string')
      throw new KeyringError('invalid_input', `credential field "${name}" must be a string`);
  }
  const body = Buffer.from(JSON.stringify(plaintext), 'utf8');
  if (body.length > MAX_PLAINTEXT_BYTES) {
    body.fill(0);
    throw new KeyringError(
      'invalid_input',
      `a credential must be at most ${MAX_PLAINTEXT_BYTES} bytes as JSON`,
    );
  }
  return body;
}

function decodeCredential(body: Buffer): Credential | undefined {
  let data: unknown;
  try {
    data = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  if (!isRecord(data)) return undefined;
  const entries = Object.entries(data);
  if (!entries.every(([, value]) => typeof value === 'string')) return undefined;
  // fromEntries defines own properties: a field named "__proto__" stays a plain field.
  return Object.fromEntries(entries) as Credential;
}

/** The sealed record and its decoded bytes, or a message saying what is wrong (never a value). */
function checkSealed(data: unknown): { sealed: SealedCredential; parts: SealedParts } | string {
  if (!isRecord(data)) return 'not a JSON object';
  const extra = Object.keys(data).find((k) => !(SEALED_FIELDS as readonly string[]).includes(k));
  if (extra !== undefined) return `unknown field "${extra}"`;
  const { v, alg, key_id: keyId, wrapped_key: wrappedKey, nonce, ciphertext, tag } = data;
  if (v !== SEALED_VERSION) return `unsupported version (expected v: ${SEALED_VERSION})`;
  if (alg !== SEALED_ALG) return `unsupported algorithm (expected ${SEALED_ALG})`;
  if (typeof keyId !== 'string' || !MASTER_KEY_ID_PATTERN.test(keyId))
    return '"key_id" is not a master key id';
  if (
    typeof wrappedKey !== 'string' ||
    typeof nonce !== 'string' ||
    typeof ciphertext !== 'string' ||
    typeof tag !== 'string'
  ) {
    return '"wrapped_key", "nonce", "ciphertext" and "tag" must be strings';
  }
  const parts = {
    wrappedKey: decodeField(wrappedKey, WRAPPED_KEY_BYTES),
    nonce: decodeField(nonce, NONCE_BYTES),
    ciphertext: decodeField(ciphertext),
    tag: decodeField(tag, TAG_BYTES),
  };
  if (!parts.wrappedKey) return `"wrapped_key" is not base64 of ${WRAPPED_KEY_BYTES} bytes`;
  if (!parts.nonce) return `"nonce" is not base64 of ${NONCE_BYTES} bytes`;
  // JSON of an object is at least "{}": a shorter ciphertext cannot be one of ours.
  if (!parts.ciphertext || parts.ciphertext.length < 2)
    return '"ciphertext" is not base64 of at least 2 bytes';
  if (!parts.tag) return `"tag" is not base64 of ${TAG_BYTES} bytes`;
  const sealed: SealedCredential = Object.freeze({
    v: SEALED_VERSION,
    alg: SEALED_ALG,
    key_id: keyId,
    wrapped_key: wrappedKey,
    nonce,
    ciphertext,
    tag,
  });
  return {
    sealed,
    parts: { wrappedKey: parts.wrappedKey, nonce: parts.nonce, ciphertext: parts.ciphertext, tag: parts.tag },
  };
}

function decodeField(value: string, length?: number): Buffer | undefined {
  const bytes = decodeBase64Strict(value);
  if (!bytes || (length !== undefined && bytes.length !== length)) return undefined;
  return bytes;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
