import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createDb, migrateToLatest } from './create-db';
import type { DbHandle } from './create-db';

/**
 * A fresh, migrated, empty database for one test: a temporary SQLite file, or a new schema in
 * the PostgreSQL test database, chosen by QONDUIT_TEST_DB (set per vitest project).
 */
export type TestDbHandle = DbHandle & {
  cleanup(): Promise<void>;
  /**
   * A second, independent connection to the same database, as another server process would
   * have. On PostgreSQL its connections carry `applicationName` (default: the first handle's
   * name + `_2`), so that a test can terminate one server's connections and no one else's.
   */
  connectAgain(applicationName?: string): DbHandle;
};

export async function createTestDb(): Promise<TestDbHandle> {
  const which = process.env.QONDUIT_TEST_DB ?? 'sqlite';
  if (which === 'postgres') {
    const url = process.env.QONDUIT_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
    const schema = `t_${randomBytes(8).toString('hex')}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    await admin.end();
    const applicationName = `qonduit_${schema}`;
    const handle = createDb({ kind: 'postgres', url, schema, maxConnections: 5, applicationName });
    await migrateToLatest(handle.db, schema);
    return {
      ...handle,
      connectAgain: (name = `${applicationName}_2`) => createDb({ kind: 'postgres', url, schema, maxConnections: 5, applicationName: name }),
      async cleanup() {
        await handle.db.destroy();
        const c = new pg.Client({ connectionString: url });
        await c.connect();
        await c.query(`drop schema ${schema} cascade`);
        await c.end();
      },
    };
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'qonduit-test-'));
  const file = path.join(dir, 'qonduit.sqlite');
  const handle = createDb({ kind: 'sqlite', file });
  await migrateToLatest(handle.db);
  return {
    ...handle,
    connectAgain: () => createDb({ kind: 'sqlite', file }),
    async cleanup() {
      await handle.db.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
