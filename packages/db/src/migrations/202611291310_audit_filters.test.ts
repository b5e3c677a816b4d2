import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDb } from '../testing';
import type { TestDbHandle } from '../testing';
import { down, up } from './202611291310_audit_filters';

let t: TestDbHandle;
beforeEach(async () => {
  t = await createTestDb();
});
afterEach(async () => {
  await t.cleanup();
});

describe('migration 202611291310_audit_filters', () => {
  it("gives events recorded before it their actor's and token's names, and nothing for ones that are gone", async () => {
    // A migration sees the database untyped, as it was when the migration was written.
    const untyped = t.db as unknown as Kysely<unknown>;
    await down(untyped);
    const at = '2026-11-28T12:00:00.000Z';
    await sql`insert into users (id, email, name, password_hash, created_at) values ('u1', 'ada@example.com', 'Ada Lovelace', 'x', ${at})`.execute(t.db);
    await sql`insert into personal_access_tokens (id, user_id, name, scopes, token_digest, hint, created_at, expires_at, family_id)
              values ('t1', 'u1', 'laptop', 'api', 'd1', 'qdp_abcd', ${at}, ${at}, 't1')`.execute(t.db);
    for (const [id, user, token] of [['e1', 'u1', 't1'], ['e2', 'u1', null], ['e3', 'gone', 'gone'], ['e4', null, null]]) {
      await sql`insert into audit_events (id, account_id, account_type, actor_user_id, actor_token_id, action, target_type, details, created_at)
                values (${id}, 'u1', 'user', ${user}, ${token}, 'personal_access_token.created', 'personal_access_token', '{}', ${at})`.execute(t.db);
    }
    await up(untyped);
    const rows = await t.db.selectFrom('audit_events').select(['id', 'actor_name', 'actor_token_name']).orderBy('id').execute();
    expect(rows).toEqual([
      { id: 'e1', actor_name: 'Ada Lovelace', actor_token_name: 'laptop' },
      { id: 'e2', actor_name: 'Ada Lovelace', actor_token_name: null },
      { id: 'e3', actor_name: null, actor_token_name: null },
      { id: 'e4', actor_name: null, actor_token_name: null },
    ]);
  });
});
