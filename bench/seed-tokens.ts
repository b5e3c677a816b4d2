import BetterSqlite3 from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { generatePat, patDigest, patHint } from '@qonduit/core';

// Seeds active tokens straight into the database (the API would take hours for a million).
// Only the tokens whose secrets the bench keeps are real PATs; the others get a random 256-bit
// digest, which is what a SHA-256 digest looks like to the index, and cost no hashing.
// SQLite: one prepared insert, 50,000 rows per transaction. PostgreSQL: one multi-row insert
// per 20,000 rows (unnest of column arrays), 100,000 rows per transaction.

const SCOPES = 'api quantum_tokens read_api';
const EXPIRES_IN_MS = 300 * 86_400_000;

interface Row {
  id: string;
  digest: string;
  hint: string;
}

// UUIDv7 ids as newId() makes them (time, then a 12-bit counter, then randomness), drawn from
// one random buffer per batch: a randomBytes call per id costs seconds per million.
let lastMs = 0;
function bulkIds(n: number): string[] {
  const random = randomBytes(16 * n);
  const ids: string[] = [];
  let ms = Math.max(Date.now(), lastMs + 1);
  let sequence = 0;
  for (let i = 0; i < n; i++) {
    if (sequence > 0xfff) {
      ms++;
      sequence = 0;
    }
    const bytes = random.subarray(16 * i, 16 * i + 16);
    bytes.writeUIntBE(ms, 0, 6);
    bytes[6] = 0x70 | (sequence >> 8);
    bytes[7] = sequence & 0xff;
    bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
    sequence++;
    const hex = bytes.toString('hex');
    ids.push(`${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`);
  }
  lastMs = ms;
  return ids;
}

function rows(from: number, to: number, keep: number, kept: string[]): Row[] {
  const ids = bulkIds(to - from);
  const digests = randomBytes(32 * (to - from));
  const out: Row[] = [];
  for (let i = 0; i < to - from; i++) {
    const id = ids[i] ?? '';
    if (kept.length < keep) {
      const token = generatePat();
      kept.push(token);
      out.push({ id, digest: patDigest(token), hint: patHint(token) });
    } else {
      const digest = digests.toString('hex', 32 * i, 32 * i + 32);
      out.push({ id, digest, hint: `qdp_${digest.slice(0, 4)}` });
    }
  }
  return out;
}

/** Inserts `count` tokens of `userId` into a SQLite file; returns the secrets of the first `keep`. */
export function seedTokens(file: string, userId: string, count: number, keep: number): string[] {
  const db = new BetterSqlite3(file);
  db.pragma('journal_mode = WAL');
  // A bench file: nothing is lost if the machine dies while seeding.
  db.pragma('synchronous = OFF');
  // Random digests land all over the unique index: keep it in memory while seeding.
  db.pragma('cache_size = -262144');
  const now = new Date().toISOString();
  const expires = new Date(Date.now() + EXPIRES_IN_MS).toISOString();
  const insert = db.prepare(
    `insert into personal_access_tokens (id, user_id, name, scopes, token_digest, hint, created_at, expires_at, family_id)
     values (?, ?, 'bench', '${SCOPES}', ?, ?, ?, ?, ?)`,
  );
  const kept: string[] = [];
  const batch = db.transaction((batchRows: Row[]) => {
    for (const r of batchRows) insert.run(r.id, userId, r.digest, r.hint, now, expires, r.id);
  });
  for (let i = 0; i < count; i += 50_000) batch(rows(i, Math.min(count, i + 50_000), keep, kept));
  db.close();
  return kept;
}

/** The same on PostgreSQL, through a client whose search_path is the bench's schema. */
export async function seedPostgresTokens(client: pg.ClientBase, userId: string, count: number, keep: number): Promise<string[]> {
  const now = new Date().toISOString();
  const expires = new Date(Date.now() + EXPIRES_IN_MS).toISOString();
  const kept: string[] = [];
  // A bulk load: no wait for the WAL flush at each commit, and no per-row foreign key trigger
  // (every row has the same, existing owner; session_replication_role needs a superuser, as the
  // test database's postgres is: elsewhere the triggers simply run).
  await client.query('set synchronous_commit = off');
  await client.query('set session_replication_role = replica').catch(() => undefined);
  // Random digests land all over the unique index: for a large load, building it once at the
  // end (a sort) is several times faster than a million random inserts. Re-added as it was.
  const unique =
    count >= 100_000
      ? (
          await client.query<{ name: string; definition: string }>(
            `select conname as name, pg_get_constraintdef(oid) as definition from pg_constraint
             where conrelid = 'personal_access_tokens'::regclass and contype = 'u'`,
          )
        ).rows
      : [];
  for (const c of unique) await client.query(`alter table personal_access_tokens drop constraint "${c.name}"`);
  for (let txStart = 0; txStart < count; txStart += 100_000) {
    await client.query('begin');
    try {
      for (let i = txStart; i < Math.min(count, txStart + 100_000); i += 20_000) {
        const batch = rows(i, Math.min(count, txStart + 100_000, i + 20_000), keep, kept);
        await client.query(
          `insert into personal_access_tokens (id, user_id, name, scopes, token_digest, hint, created_at, expires_at, family_id)
           select id, $1, 'bench', '${SCOPES}', digest, hint, $2, $3, id from unnest($4::text[], $5::text[], $6::text[]) as t(id, digest, hint)`,
          [userId, now, expires, batch.map((r) => r.id), batch.map((r) => r.digest), batch.map((r) => r.hint)],
        );
      }
      await client.query('commit');
    } catch (err) {
      await client.query('rollback');
      throw err;
    }
  }
  for (const c of unique) await client.query(`alter table personal_access_tokens add constraint "${c.name}" ${c.definition}`);
  await client.query('reset session_replication_role').catch(() => undefined);
  await client.query('reset synchronous_commit');
  await client.query('analyze personal_access_tokens');
  return kept;
}
