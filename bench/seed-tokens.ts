import BetterSqlite3 from 'better-sqlite3';
import { generatePat, newId, patDigest, patHint } from '@qonduit/core';

/**
 * Inserts `count` active tokens for one user straight into a SQLite file (the API would take
 * hours for a million), returning the secrets of the first `keep` of them.
 */
export function seedTokens(file: string, userId: string, count: number, keep: number): string[] {
  const db = new BetterSqlite3(file);
  db.pragma('journal_mode = WAL');
  const now = new Date();
  const expires = new Date(now.getTime() + 300 * 86_400_000).toISOString();
  const insert = db.prepare(
    `insert into personal_access_tokens (id, user_id, name, scopes, token_digest, hint, created_at, expires_at, family_id)
     values (?, ?, ?, 'api read_api quantum_tokens', ?, ?, ?, ?, ?)`,
  );
  const kept: string[] = [];
  const batch = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const token = generatePat();
      if (kept.length < keep) kept.push(token);
      const id = newId();
      insert.run(id, userId, `bench ${i}`, patDigest(token), patHint(token), now.toISOString(), expires, id);
    }
  });
  for (let i = 0; i < count; i += 50_000) batch(i, Math.min(count, i + 50_000));
  db.close();
  return kept;
}
