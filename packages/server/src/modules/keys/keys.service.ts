import { addVersion, loadMasterKeyring, parseSealed, retireVersion, rewrapCredential, saveKeyFile, serializeSealed } from '@qonduit/core';
import type { MasterKeyring } from '@qonduit/core';
import type { Database } from '@qonduit/db';
import type { Kysely } from 'kysely';
import * as notices from '../notices/notices.store';
import * as factors from '../identity/second-factors/second-factors.store';
import * as store from '../provider-tokens/provider-tokens.store';

// Master key administration (`qonduit keys ...`), run by an operator against the data folder
// and the database. Rotation only adds a version; nothing is re-encrypted until rewrap, and a
// version is retired only when no record needs it any more.

export interface KeyVersionStatus {
  id: string;
  created_at: string;
  retired_at: string | null;
  active: boolean;
  records: number;
}

export function loadKeyring(env: NodeJS.ProcessEnv, dataDir: string): MasterKeyring {
  return loadMasterKeyring({ env, dataDir }).keyring;
}

export async function keyStatus(db: Kysely<Database>, keyring: MasterKeyring): Promise<KeyVersionStatus[]> {
  const counts = new Map((await store.countByKeyId(db)).map((r) => [r.key_id, Number(r.n)]));
  // Notice webhooks' signing secrets are sealed under the same versions.
  for (const r of await notices.countWebhooksByKeyId(db)) counts.set(r.key_id, (counts.get(r.key_id) ?? 0) + Number(r.n));
  // And the secrets of authenticator apps (second factors).
  for (const r of await factors.countTotpByKeyId(db)) if (r.key_id !== null) counts.set(r.key_id, (counts.get(r.key_id) ?? 0) + Number(r.n));
  return keyring.versions.map((v) => ({
    id: v.id,
    created_at: v.createdAt,
    retired_at: v.retiredAt ?? null,
    active: v.id === keyring.activeId,
    records: counts.get(v.id) ?? 0,
  }));
}

/** Adds a new master key version to the key file and makes it the one that encrypts. */
export function rotateMasterKey(dataDir: string, keyring: MasterKeyring, now: Date): MasterKeyring {
  const next = addVersion(keyring, undefined, now);
  saveKeyFile(dataDir, next);
  return next;
}

/**
 * Re-wraps every record's data key under the active version, in batches; credentials and
 * their ciphertexts stay as they are. A record that cannot be opened is counted, not skipped
 * silently, so that the operator knows before retiring its key.
 */
export async function rewrapAll(db: Kysely<Database>, keyring: MasterKeyring): Promise<{ rewrapped: number; failed: Array<{ id: string; reason: string }> }> {
  let rewrapped = 0;
  const failed: Array<{ id: string; reason: string }> = [];
  const seen = new Set<string>();
  for (;;) {
    const batch = (await store.listWrappedWith(db, keyring.activeId, 500 + seen.size)).filter((r) => !seen.has(r.id));
    if (batch.length === 0) break;
    for (const row of batch) {
      seen.add(row.id);
      const parsed = parseSealed(row.sealed);
      if (!parsed.ok) {
        failed.push({ id: row.id, reason: 'malformed' });
        continue;
      }
      const result = rewrapCredential(keyring, parsed.sealed, { accountId: row.account_id, provider: row.provider, recordId: row.id });
      if (!result.ok) {
        failed.push({ id: row.id, reason: result.reason });
        continue;
      }
      if (await store.updateSealed(db, row.id, serializeSealed(result.sealed), result.sealed.key_id, row.sealed)) rewrapped++;
    }
  }
  const seenHooks = new Set<string>();
  for (;;) {
    const batch = (await notices.webhooksWrappedWithout(db, keyring.activeId, 500 + seenHooks.size)).filter((r) => !seenHooks.has(r.account_id));
    if (batch.length === 0) break;
    for (const row of batch) {
      seenHooks.add(row.account_id);
      const parsed = parseSealed(row.sealed_secret);
      const result = parsed.ok ? rewrapCredential(keyring, parsed.sealed, { accountId: row.account_id, provider: 'notice-webhook', recordId: row.account_id }) : null;
      if (!result?.ok) {
        failed.push({ id: `notice webhook of ${row.account_id}`, reason: result ? result.reason : 'malformed' });
        continue;
      }
      if (await notices.updateWebhookSealed(db, row.account_id, serializeSealed(result.sealed), result.sealed.key_id, row.sealed_secret)) rewrapped++;
    }
  }
  const seenFactors = new Set<string>();
  for (;;) {
    const batch = (await factors.totpWrappedWithout(db, keyring.activeId, 500 + seenFactors.size)).filter((r) => !seenFactors.has(r.id));
    if (batch.length === 0) break;
    for (const row of batch) {
      seenFactors.add(row.id);
      const parsed = row.sealed_secret === null ? null : parseSealed(row.sealed_secret);
      const result = parsed?.ok ? rewrapCredential(keyring, parsed.sealed, { accountId: row.user_id, provider: 'totp', recordId: row.id }) : null;
      if (!result?.ok || row.sealed_secret === null) {
        failed.push({ id: `authenticator app ${row.id}`, reason: result && !result.ok ? result.reason : 'malformed' });
        continue;
      }
      if (await factors.updateTotpSealed(db, row.id, serializeSealed(result.sealed), result.sealed.key_id, row.sealed_secret)) rewrapped++;
    }
  }
  return { rewrapped, failed };
}

export type RetireOutcome = { ok: true; keyring: MasterKeyring } | { ok: false; message: string };

/** Retires a version, refusing while any record is still wrapped under it. */
export async function retireMasterKey(db: Kysely<Database>, dataDir: string, keyring: MasterKeyring, id: string, now: Date): Promise<RetireOutcome> {
  const status = (await keyStatus(db, keyring)).find((v) => v.id === id);
  if (!status) return { ok: false, message: `there is no master key version ${id}` };
  if (status.active) return { ok: false, message: `${id} is the active version; rotate first` };
  if (status.records > 0) {
    const hooks = Number((await notices.countWebhooksByKeyId(db)).find((r) => r.key_id === id)?.n ?? 0);
    const apps = Number((await factors.countTotpByKeyId(db)).find((r) => r.key_id === id)?.n ?? 0);
    const tokens = status.records - hooks - apps;
    const what = [tokens > 0 ? `${tokens} provider token(s)` : null, hooks > 0 ? `${hooks} notice webhook secret(s)` : null, apps > 0 ? `${apps} authenticator app secret(s)` : null].filter(Boolean).join(' and ');
    return { ok: false, message: `${what} are still wrapped under ${id}; run 'qonduit keys rewrap' first` };
  }
  const next = retireVersion(keyring, id, now);
  saveKeyFile(dataDir, next);
  return { ok: true, keyring: next };
}
