import { KeyringError, keyFilePath, loadMasterKeyring, openCredential, parseSealed } from '@qonduit/core';
import type { MasterKeyring } from '@qonduit/core';
import type { Database } from '@qonduit/db';
import type { Kysely } from 'kysely';
import { statSync } from 'node:fs';
import { createKeyringHolder } from './keyring-holder';
import type { KeyringHolder } from './keyring-holder';

// How a server process comes by its master keyring without ever losing a key in silence: a key
// file is created only while the database holds no sealed record, and a key that cannot open
// the newest record (another server sealed it under another key) stops the start.

export async function countSealedRecords(db: Kysely<Database>): Promise<number> {
  const row = await db.selectFrom('provider_tokens').select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirst();
  return Number(row?.n ?? 0);
}

export interface ServerKeyring {
  keyring: KeyringHolder;
  /** The key file this start created (first start on an empty database): the operator must back it up. */
  createdKeyFile: string | null;
}

/**
 * The keyring for a server start, after the database is migrated. Reloads (after `qonduit keys
 * rotate`) never create a key file either.
 */
export async function openServerKeyring(options: { env: Readonly<Record<string, string | undefined>>; dataDir: string; db: Kysely<Database> }): Promise<ServerKeyring> {
  const sealed = await countSealedRecords(options.db);
  const missingReason = `the database holds ${sealed} provider token(s) sealed under a master key`;
  const first = loadMasterKeyring({ env: options.env, dataDir: options.dataDir, createIfMissing: sealed === 0, missingReason });
  let initial: MasterKeyring | null = first.keyring;
  const keyring = createKeyringHolder(
    () => {
      if (initial) {
        const k = initial;
        initial = null;
        return k;
      }
      return loadMasterKeyring({ env: options.env, dataDir: options.dataDir, createIfMissing: false, missingReason: 'provider tokens are sealed under a master key' }).keyring;
    },
    () => statSync(keyFilePath(options.dataDir), { throwIfNoEntry: false })?.mtimeMs ?? 0,
  );
  await checkKeyOpensNewestRecord(options.db, keyring.current());
  return { keyring, createdKeyFile: first.keyFile?.created ? first.keyFile.path : null };
}

/**
 * Refuses a keyring that cannot open the most recently written provider token. Several servers
 * on one PostgreSQL must share one master key; one that made its own would seal records the
 * others can never open. A malformed row is skipped (it says nothing about the key).
 */
export async function checkKeyOpensNewestRecord(db: Kysely<Database>, keyring: MasterKeyring): Promise<void> {
  const newest = await db
    .selectFrom('provider_tokens')
    .select(['id', 'account_id', 'provider', 'sealed', 'key_id'])
    .orderBy('updated_at', 'desc')
    .orderBy('id', 'desc')
    .limit(5)
    .execute();
  for (const row of newest) {
    const parsed = parseSealed(row.sealed);
    if (!parsed.ok) continue;
    const opened = openCredential(keyring, parsed.sealed, { accountId: row.account_id, provider: row.provider, recordId: row.id });
    if (opened.ok) return;
    const why =
      opened.reason === 'unknown_key'
        ? `it is sealed under master key version ${row.key_id}, which this server's keyring (${keyring.versions.map((v) => v.id).join(', ')}) does not have`
        : opened.reason === 'retired_key'
          ? `it is sealed under master key version ${row.key_id}, which this server's keyring has retired`
          : 'its data key does not unwrap with this server\'s master key';
    throw new KeyringError(
      'key_mismatch',
      `the master key cannot open the newest provider token (record ${row.id}): ${why}. Every server sharing this database ` +
        `must use the same master key: copy master-key.json from the server that sealed it (mode 0600), or set the same ` +
        `QONDUIT_MASTER_KEY, then start again. If this server just created a new master-key.json, remove it and restore ` +
        `the right one`,
    );
  }
}
