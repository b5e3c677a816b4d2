import type { Database, DbHandle } from '@qonduit/db';
import type { FastifyBaseLogger } from 'fastify';
import { sql } from 'kysely';
import type { Kysely, Transaction } from 'kysely';
import type pg from 'pg';

/** Queues an invalidation of `key` on `channel` inside the transaction it was given to. */
export type Invalidate = (channel: string, key: string) => Promise<void>;

/**
 * Tells every server process sharing the database that cached entries changed (DESIGN.md: a
 * cache is allowed only with cross-instance invalidation). On PostgreSQL it is LISTEN/NOTIFY;
 * on SQLite, which one process owns, it is local.
 *
 * A notification is sent inside the transaction that makes the change, so PostgreSQL delivers
 * it when, and only if, that change commits: no crash between commit and notify can lose it.
 * What can still be lost is the listening connection; then every subscriber is told to drop
 * its whole cache, nothing is cached until the listener is back (reconnecting with backoff),
 * and the cache is dropped again once it is, since notifications may have been missed. Cache
 * entries also live for a bounded time, so even a loss nobody noticed heals by itself.
 */
export interface InvalidationBus {
  /**
   * Runs `work` in one transaction on `db`; every `invalidate` it calls goes out with that
   * transaction, and reaches this process's subscribers right after the commit, before the
   * caller answers.
   */
  transaction<T>(db: Kysely<Database>, work: (trx: Transaction<Database>, invalidate: Invalidate) => Promise<T>): Promise<T>;
  subscribe(channel: string, onKey: (key: string) => void, onReset: () => void): void;
  /** False while notifications could be missed (PostgreSQL listener down): do not cache then. */
  isReliable(): boolean;
  close(): Promise<void>;
}

export interface InvalidationBusOptions {
  /** How often the listening connection is checked with a round trip (it may die silently). */
  healthCheckMs?: number;
  /** Reconnection backoff: the first delay, doubled per failed attempt up to the last. */
  retryMinMs?: number;
  retryMaxMs?: number;
}

// One channel per schema: servers of different tenants (or tests) in one database do not hear
// each other. A hex digest keeps the name a plain identifier within PostgreSQL's 63 bytes.
const CHANNEL_SQL = "'qonduit_' || left(md5(current_schema()), 20)";

export function createInvalidationBus(database: DbHandle, log: FastifyBaseLogger, options: InvalidationBusOptions = {}): InvalidationBus {
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

  async function transaction<T>(db: Kysely<Database>, work: (trx: Transaction<Database>, invalidate: Invalidate) => Promise<T>): Promise<T> {
    const queued: Array<[string, string]> = [];
    const result = await db.transaction().execute(async (trx) => {
      queued.length = 0; // a retried callback starts over
      return work(trx, async (channel, key) => {
        queued.push([channel, key]);
        if (pool) await sql`select pg_notify(${sql.raw(CHANNEL_SQL)}, ${`${channel}:${key}`})`.execute(trx);
      });
    });
    // Committed: this process forgets now, whatever its own listener is doing.
    for (const [channel, key] of queued) deliver(channel, key);
    return result;
  }

  if (!pool) {
    return { transaction, subscribe, isReliable: () => true, close: async () => {} };
  }

  const healthCheckMs = options.healthCheckMs ?? 5000;
  const retryMinMs = options.retryMinMs ?? 100;
  const retryMaxMs = options.retryMaxMs ?? 10_000;
  let listener: pg.PoolClient | null = null;
  let closed = false;
  let retryTimer: NodeJS.Timeout | null = null;
  let failures = 0;
  // Each connection is given up exactly once, whichever of error, end, a failed health check
  // or close() comes first.
  const retire = new Map<pg.PoolClient, (err: unknown) => void>();

  const connect = async () => {
    if (closed) return;
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (err) {
      log.warn({ err }, 'invalidation listener could not connect; retrying');
      scheduleRetry();
      return;
    }
    const current = client;
    let done = false;
    const lost = (err: unknown) => {
      if (done) return;
      done = true;
      retire.delete(current);
      if (listener === current) {
        listener = null;
        resetAll();
      }
      current.release(true);
      if (!closed) {
        log.warn({ err }, 'invalidation listener lost; caches dropped, reconnecting');
        scheduleRetry();
      }
    };
    retire.set(current, lost);
    client.on('error', lost);
    client.on('end', () => lost(new Error('connection ended')));
    client.on('notification', (msg) => {
      const payload = msg.payload ?? '';
      const sep = payload.indexOf(':');
      if (sep > 0) deliver(payload.slice(0, sep), payload.slice(sep + 1));
    });
    try {
      // Operators (and tests) can tell the listener from the pool's other connections.
      await client.query(`select set_config('application_name', left(current_setting('application_name') || '/listen', 63), false)`);
      const { rows } = await client.query<{ channel: string }>(`select ${CHANNEL_SQL} as channel`);
      const channel = rows[0]?.channel ?? '';
      if (!/^qonduit_[0-9a-f]{20}$/.test(channel)) throw new Error(`unexpected channel name ${channel}`);
      await client.query(`LISTEN "${channel}"`);
    } catch (err) {
      lost(err);
      return;
    }
    if (done) return;
    if (closed) {
      lost(null);
      return;
    }
    listener = current;
    failures = 0;
    // Whatever changed while nobody listened was missed: start from an empty cache.
    resetAll();
    watch(current);
    log.info('invalidation listener connected');
  };

  // A connection can die without a word (a dropped network, a frozen failover): a round trip
  // that does not come back in time counts as a loss.
  const watch = (client: pg.PoolClient) => {
    const timer = setInterval(() => {
      const lost = retire.get(client);
      if (listener !== client || !lost) {
        clearInterval(timer);
        return;
      }
      let deadline: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        deadline = setTimeout(() => reject(new Error('listener health check timed out')), healthCheckMs);
      });
      Promise.race([client.query('select 1'), timeout])
        .catch((err: unknown) => {
          clearInterval(timer);
          lost(err);
        })
        .finally(() => clearTimeout(deadline));
    }, healthCheckMs);
    timer.unref();
  };

  const scheduleRetry = () => {
    if (closed || retryTimer) return;
    // Exponential backoff with jitter, so that many servers do not reconnect in lockstep.
    const ceiling = Math.min(retryMaxMs, retryMinMs * 2 ** Math.min(failures, 20));
    failures++;
    retryTimer = setTimeout(
      () => {
        retryTimer = null;
        void connect();
      },
      ceiling / 2 + Math.random() * (ceiling / 2),
    );
    retryTimer.unref();
  };
  void connect();

  return {
    transaction,
    subscribe,
    isReliable: () => listener !== null,
    async close() {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      const client = listener;
      if (client) await client.query('UNLISTEN *').catch(() => undefined);
      // Its application_name was changed: it is destroyed, never handed back to the pool.
      for (const lost of [...retire.values()]) lost(null);
    },
  };
}
