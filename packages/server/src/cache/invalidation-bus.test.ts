import { createTestDb } from '@qonduit/db/testing';
import type { FastifyBaseLogger } from 'fastify';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { terminateConnections } from '../test/pg-connections';
import { createInvalidationBus } from './invalidation-bus';
import type { InvalidationBus } from './invalidation-bus';

const silent = pino({ level: 'silent' }) as FastifyBaseLogger;
const onPostgres = process.env.QONDUIT_TEST_DB === 'postgres';

async function until(what: string, check: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function record(bus: InvalidationBus) {
  const seen = { keys: [] as string[], resets: 0 };
  bus.subscribe(
    'thing',
    (key) => seen.keys.push(key),
    () => seen.resets++,
  );
  return seen;
}

describe('the invalidation bus', () => {
  it('tells this process of an invalidation once its transaction commits, and never of a rolled-back one', async () => {
    const database = await createTestDb();
    const bus = createInvalidationBus(database, silent);
    const seen = record(bus);
    try {
      await expect(
        bus.transaction(database.db, async (_trx, invalidate) => {
          await invalidate('thing', 'rolled-back');
          expect(seen.keys).toEqual([]);
          throw new Error('changed my mind');
        }),
      ).rejects.toThrow('changed my mind');
      await bus.transaction(database.db, async (_trx, invalidate) => {
        await invalidate('thing', 'committed');
        // Not yet: another request could still read the old row and cache it.
        expect(seen.keys).toEqual([]);
      });
      expect(seen.keys).toContain('committed');
      expect(seen.keys).not.toContain('rolled-back');
    } finally {
      await bus.close();
      await database.cleanup();
    }
  });

  it.runIf(onPostgres)('reaches another server only when the transaction commits', async () => {
    const database = await createTestDb();
    const other = database.connectAgain();
    const busA = createInvalidationBus(database, silent);
    const busB = createInvalidationBus(other, silent);
    const seenB = record(busB);
    try {
      await until('B listens', () => busB.isReliable());
      await rollBack(busA, database.db);
      await busA.transaction(database.db, async (_trx, invalidate) => invalidate('thing', 'committed'));
      await until('B hears of the commit', () => seenB.keys.includes('committed'));
      expect(seenB.keys).toEqual(['committed']);
    } finally {
      await busB.close();
      await busA.close();
      await other.db.destroy();
      await database.cleanup();
    }
  });

  it.runIf(onPostgres)('drops every cache when its listener is killed, reconnects, and hears again', async () => {
    const database = await createTestDb();
    const other = database.connectAgain();
    const busA = createInvalidationBus(database, silent);
    const busB = createInvalidationBus(other, silent, { retryMinMs: 20, retryMaxMs: 200 });
    const seenB = record(busB);
    try {
      await until('B listens', () => busB.isReliable());
      const resetsBefore = seenB.resets;
      expect(await terminateConnections(other.applicationName ?? '', 'listener')).toBe(1);
      await until('B drops its caches', () => seenB.resets > resetsBefore);
      await until('B listens again', () => busB.isReliable());
      // Once more on reconnecting: what changed while nobody listened was missed.
      expect(seenB.resets).toBeGreaterThanOrEqual(resetsBefore + 2);
      await busA.transaction(database.db, async (_trx, invalidate) => invalidate('thing', 'after-reconnect'));
      await until('B hears again', () => seenB.keys.includes('after-reconnect'));
    } finally {
      await busB.close();
      await busA.close();
      await other.db.destroy();
      await database.cleanup();
    }
  });

  it.runIf(onPostgres)('does not hear servers of another schema in the same database', async () => {
    const first = await createTestDb();
    const second = await createTestDb();
    const busA = createInvalidationBus(first, silent);
    const busB = createInvalidationBus(second, silent);
    const seenB = record(busB);
    try {
      await until('B listens', () => busB.isReliable());
      const secondAgain = second.connectAgain();
      const sameSchema = createInvalidationBus(secondAgain, silent);
      const seenSame = record(sameSchema);
      await until('the second listener listens', () => sameSchema.isReliable());
      await busA.transaction(first.db, async (_trx, invalidate) => invalidate('thing', 'elsewhere'));
      await busB.transaction(second.db, async (_trx, invalidate) => invalidate('thing', 'here'));
      await until('the same schema hears', () => seenSame.keys.includes('here'));
      expect(seenSame.keys).not.toContain('elsewhere');
      expect(seenB.keys).not.toContain('elsewhere');
      await sameSchema.close();
      await secondAgain.db.destroy();
    } finally {
      await busB.close();
      await busA.close();
      await second.cleanup();
      await first.cleanup();
    }
  });
});

async function rollBack(bus: InvalidationBus, db: Parameters<InvalidationBus['transaction']>[0]): Promise<void> {
  await bus
    .transaction(db, async (_trx, invalidate) => {
      await invalidate('thing', 'rolled-back');
      throw new Error('rollback');
    })
    .catch(() => undefined);
}
