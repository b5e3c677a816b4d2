import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDb } from '../testing';
import type { TestDbHandle } from '../testing';
import { down, up } from './202611291800_org_slugs';

let t: TestDbHandle;
beforeEach(async () => {
  t = await createTestDb();
});
afterEach(async () => {
  await t.cleanup();
});

describe('migration 202611291800_org_slugs', () => {
  it('gives existing organizations slugs from their names, oldest first, numbered where two share a name', async () => {
    const untyped = t.db as unknown as Kysely<unknown>;
    await down(untyped);
    await sql`insert into users (id, email, name, password_hash, created_at) values ('u1', 'ada@example.com', 'Ada', 'x', '2026-11-28T12:00:00.000Z')`.execute(t.db);
    for (const [id, name, at] of [['o2', 'Quantum Lab', '2026-11-28T12:00:02.000Z'], ['o1', 'Quantum Lab', '2026-11-28T12:00:01.000Z'], ['o3', 'Ünïcode Ørg', '2026-11-28T12:00:03.000Z']]) {
      await sql`insert into organizations (id, name, created_at, created_by) values (${id}, ${name}, ${at}, 'u1')`.execute(t.db);
    }
    await up(untyped);
    const rows = await t.db.selectFrom('organizations').select(['id', 'slug']).orderBy('id').execute();
    expect(rows).toEqual([
      { id: 'o1', slug: 'quantum-lab' },
      { id: 'o2', slug: 'quantum-lab-2' },
      { id: 'o3', slug: 'unicode-rg' },
    ]);
    // The index keeps them unique.
    await expect(sql`update organizations set slug = 'quantum-lab' where id = 'o2'`.execute(t.db)).rejects.toThrow();
  });
});
