import type { DbHandle } from '@qonduit/db';
import type { FastifyBaseLogger } from 'fastify';
import type pg from 'pg';

/**
 * Tells every server process sharing the database that cached entries changed (DESIGN.md: a
 * cache is allowed only with cross-instance invalidation). On PostgreSQL it is LISTEN/NOTIFY;
 * on SQLite, which one process owns, it is local. When the listening connection is lost, every
 * subscriber is told to drop its whole cache, since notifications may have been missed.
 */
export interface InvalidationBus {
  publish(channel: string, key: string): Promise<void>;
  subscribe(channel: string, onKey: (key: string) => void, onReset: () => void): void;
  /** False while notifications could be missed (PostgreSQL listener down): do not cache then. */
  isReliable(): boolean;
  close(): Promise<void>;
}

const PG_CHANNEL = 'qonduit_invalidate';

export function createInvalidationBus(database: DbHandle, log: FastifyBaseLogger): InvalidationBus {
  const subscribers = new Map<string, Array<{ onKey: (key: string) => void; onReset: () => void }>>();
  const deliver = (channel: string, key: string) => {
    for (const s of subscribers.get(channel) ?? []) s.onKey(key);
  };
  const resetAll = () => {
    for (const list of subscribers.values()) for (const s of list) s.onReset();
  };
  const subscribe: InvalidationBus['subscribe'] = (channel, onKey, onReset) => {
    subscribers.set(channel, [...(subscribers.get(channel) ?? []), { onKey, onReset }]);
  };

  const pool = database.pgPool;
  if (!pool) {
    return { publish: async (channel, key) => deliver(channel, key), subscribe, isReliable: () => true, close: async () => {} };
  }

  let listener: pg.PoolClient | null = null;
  let closed = false;
  let retryTimer: NodeJS.Timeout | null = null;

  const connect = async () => {
    try {
      const client = await pool.connect();
      client.on('notification', (msg) => {
        const payload = msg.payload ?? '';
        const sep = payload.indexOf(':');
        if (sep > 0) deliver(payload.slice(0, sep), payload.slice(sep + 1));
      });
      client.on('error', (err) => {
        log.warn({ err }, 'invalidation listener lost; caches dropped until it is back');
        lost(client);
      });
      await client.query(`LISTEN ${PG_CHANNEL}`);
      listener = client;
    } catch (err) {
      log.warn({ err }, 'invalidation listener could not connect; retrying');
      scheduleRetry();
    }
  };
  const lost = (client: pg.PoolClient) => {
    if (listener === client) listener = null;
    client.release(true);
    resetAll();
    scheduleRetry();
  };
  const scheduleRetry = () => {
    if (closed || retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      void connect();
    }, 1000);
    retryTimer.unref();
  };
  void connect();

  return {
    async publish(channel, key) {
      deliver(channel, key);
      await pool.query('select pg_notify($1, $2)', [PG_CHANNEL, `${channel}:${key}`]);
    },
    subscribe,
    isReliable: () => listener !== null,
    async close() {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      const client = listener;
      listener = null;
      if (client) {
        await client.query(`UNLISTEN ${PG_CHANNEL}`).catch(() => undefined);
        client.release();
      }
    },
  };
}
