import { createTestDb } from '@qonduit/db/testing';
import { describe, expect, it } from 'vitest';
import { createPat, createTestAppOn, signUp, withToken } from '../test/harness';
import { terminateConnections } from '../test/pg-connections';

const onPostgres = process.env.QONDUIT_TEST_DB === 'postgres';

describe.runIf(onPostgres)('losing the database connections', () => {
  it('the server keeps answering while PostgreSQL terminates its connections under load', async () => {
    const database = await createTestDb();
    const t = await createTestAppOn(database, { startWorker: false });
    const name = database.applicationName ?? '';
    try {
      const ada = await signUp(t);
      const pat = await createPat(t, ada);
      const answered: number[] = [];
      let running = true;
      const load = (async () => {
        while (running) {
          const batch = await Promise.all(
            Array.from({ length: 4 }, () => t.request({ method: 'GET', url: '/api/v1/user/tokens', headers: withToken(pat.token) })),
          );
          answered.push(...batch.map((r) => r.statusCode));
        }
      })();
      for (let round = 0; round < 3; round++) {
        await new Promise((r) => setTimeout(r, 100));
        expect(await terminateConnections(name)).toBeGreaterThan(0);
      }
      await new Promise((r) => setTimeout(r, 100));
      running = false;
      await load;
      // A query on a connection killed under it may fail (500); the process must survive it.
      expect(answered.length).toBeGreaterThan(0);
      expect(answered.every((s) => s === 200 || s === 500)).toBe(true);
      const after = await t.request({ method: 'GET', url: '/api/v1/user/tokens', headers: withToken(pat.token) });
      expect(after.statusCode).toBe(200);
    } finally {
      await t.close();
    }
  });
});
