// P2 (issue 15): token verification latency in process, cold (the token's first use: one
// lookup by digest in the database) and warm (cached), p50 and p99, at 10³, 10⁴, 10⁵ and 10⁶
// tokens stored, on SQLite and on PostgreSQL; beside it, in the same run, the floor: SHA-256 of
// the token plus a Map lookup (what a cache hit cannot go below), and the same read straight
// through better-sqlite3 (by primary key, and by digest as the verifier reads) or pg.
// Goals: warm p99 ≤ 10 µs; cold p99 ≤ 50 µs on SQLite.
// Run: npm run bench -- verify   (--quick: up to 10⁵ tokens)
import BetterSqlite3 from 'better-sqlite3';
import { newId, patDigest, systemClock } from '@qonduit/core';
import { createDb, migrateToLatest } from '@qonduit/db';
import type { DbHandle } from '@qonduit/db';
import type { FastifyBaseLogger } from 'fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import pino from 'pino';
import { createInvalidationBus } from '../packages/server/src/cache/invalidation-bus';
import { createTokenVerifier } from '../packages/server/src/modules/tokens/token-verifier';
import { findTokenByDigest } from '../packages/server/src/modules/tokens/tokens.store';
import { count, freshPostgresSchema, percentile, size, urlWithSchema, us } from './common';
import { writeSection } from './report';
import type { Figure } from './report';
import { seedPostgresTokens, seedTokens } from './seed-tokens';

const SIZES = size([1_000, 10_000, 100_000, 1_000_000], [1_000, 10_000, 100_000]);
/** Tokens verified per size (each cold once, then warm), and as many again for the floor reads. */
const SAMPLE = size(10_000, 2_000);
const WARM_P99_GOAL_MS = 0.01;
const COLD_P99_GOAL_MS = 0.05;

interface Stats {
  p50: number;
  p99: number;
}
interface Row {
  db: 'SQLite' | 'PostgreSQL';
  stored: number;
  sample: number;
  cold: Stats;
  warm: Stats;
  /** SHA-256 + Map lookup. */
  hashMap: Stats;
  /** Raw driver reads: by primary key (SQLite only) and by digest. */
  rawById: Stats | null;
  rawByDigest: Stats;
  /** The verifier's own query (tokens.store) through Kysely, without the verifier around it. */
  kysely: Stats;
  seedSeconds: number;
}

const stats = (times: number[]): Stats => {
  const sorted = [...times].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
};

/** Times `fn` once per item, each call on its own. */
async function timeEach<T>(items: readonly T[], fn: (item: T) => unknown): Promise<number[]> {
  const times: number[] = [];
  for (const item of items) {
    const start = performance.now();
    const r = fn(item);
    if (r instanceof Promise) await r;
    times.push(performance.now() - start);
  }
  return times;
}

const log = pino({ level: 'silent' }) as FastifyBaseLogger;

/** The verifier as the server builds it (default cache size), fresh: nothing cached. */
async function measureVerifier(database: DbHandle, tokens: string[], warmUp: boolean): Promise<{ cold: Stats; warm: Stats }> {
  // The first size runs the code for the first time: compile it first with a throwaway verifier
  // (its rows were just written, so the database's pages are hot either way).
  if (warmUp) await measureVerifier(database, tokens.slice(0, 1000), false);
  const bus = createInvalidationBus(database, log);
  // On PostgreSQL nothing is cached until the LISTEN connection is up.
  for (let i = 0; i < 500 && !bus.isReliable(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!bus.isReliable()) throw new Error('the invalidation listener did not connect');
  const verifier = createTokenVerifier({ db: database.db, clock: systemClock, bus, log, cacheTtlMs: 3_600_000 });
  try {
    const check = async (token: string) => {
      const result = await verifier.verify(token, '127.0.0.1');
      if (!result.ok) throw new Error(`verification failed: ${result.reason}`);
    };
    const cold = await timeEach(tokens, check);
    // Warm calls are cheap: at small sizes the sample is passed over again, so that every p99
    // rests on about as many calls (one pause in a few hundred would otherwise be the p99).
    const warm: number[] = [];
    for (let pass = 0; pass < Math.ceil(SAMPLE / Math.max(1, tokens.length)); pass++) warm.push(...(await timeEach(tokens, check)));
    return { cold: stats(cold), warm: stats(warm) };
  } finally {
    await verifier.close();
    await bus.close();
  }
}

/** SHA-256 of the token and a Map lookup among as many entries as the verifier cached. */
async function measureHashMap(tokens: string[]): Promise<Stats> {
  const map = new Map(tokens.map((t, i) => [patDigest(t), { id: i }]));
  // Twice: the first pass warms the JIT, as the verifier's warm pass comes after its cold one.
  await timeEach(tokens, (t) => map.get(patDigest(t)));
  const times: number[] = [];
  for (let pass = 0; pass < Math.ceil(SAMPLE / Math.max(1, tokens.length)); pass++) times.push(...(await timeEach(tokens, (t) => map.get(patDigest(t)))));
  return stats(times);
}

const COLUMNS = 'id, user_id, scopes, expires_at, revoked_at';

async function onSqlite(rows: Row[]): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'qonduit-bench-verify-'));
  try {
    const file = path.join(dir, 'qonduit.sqlite');
    const database = createDb({ kind: 'sqlite', file });
    await migrateToLatest(database.db);
    const userId = newId();
    await database.db.insertInto('users').values({ id: userId, email: 'b@example.com', name: 'B', password_hash: 'x', created_at: new Date().toISOString() }).execute();
    const raw = new BetterSqlite3(file, { readonly: true });
    const byId = raw.prepare(`select ${COLUMNS} from personal_access_tokens where id = ?`);
    const byDigest = raw.prepare(`select ${COLUMNS} from personal_access_tokens where token_digest = ?`);
    let stored = 0;
    try {
      for (const n of SIZES) {
        const seedStart = performance.now();
        // Tokens never verified before, spread over the whole index: half for the verifier, half for the floor.
        const fresh = seedTokens(file, userId, n - stored, Math.min(2 * SAMPLE, n - stored));
        const seedSeconds = (performance.now() - seedStart) / 1000;
        stored = n;
        const mine = fresh.filter((_, i) => i % 2 === 0);
        const floor = fresh.filter((_, i) => i % 2 === 1);
        const { cold, warm } = await measureVerifier(database, mine, n === SIZES[0]);
        // Each floor on its own third of the fresh tokens, so that each reads rows nobody read before.
        const third = Math.floor(floor.length / 3);
        const ids = floor.slice(third, 2 * third).map((t) => (byDigest.get(patDigest(t)) as { id: string }).id);
        const rawByDigest = stats(await timeEach(floor.slice(0, third), (t) => byDigest.get(patDigest(t))));
        const rawById = stats(await timeEach(ids, (id) => byId.get(id)));
        const kysely = stats(await timeEach(floor.slice(2 * third), (t) => findTokenByDigest(database.db, patDigest(t))));
        const hashMap = await measureHashMap(mine);
        rows.push({ db: 'SQLite', stored: n, sample: mine.length, cold, warm, hashMap, rawById, rawByDigest, kysely, seedSeconds });
        console.log(`  SQLite ${count(n)}: cold p99 ${us(cold.p99)}, warm p99 ${us(warm.p99)} (seeded in ${seedSeconds.toFixed(1)} s)`);
      }
    } finally {
      raw.close();
      await database.db.destroy();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function onPostgres(rows: Row[]): Promise<string | null> {
  const fresh = await freshPostgresSchema('bench_verify');
  if ('skipped' in fresh) return fresh.skipped;
  try {
    const database = createDb({ kind: 'postgres', url: fresh.url, schema: fresh.schema });
    const client = new pg.Client({ connectionString: urlWithSchema(fresh.url, fresh.schema) });
    await client.connect();
    try {
      await migrateToLatest(database.db, fresh.schema);
      const userId = newId();
      await database.db.insertInto('users').values({ id: userId, email: 'b@example.com', name: 'B', password_hash: 'x', created_at: new Date().toISOString() }).execute();
      let stored = 0;
      for (const n of SIZES) {
        const seedStart = performance.now();
        const tokens = await seedPostgresTokens(client, userId, n - stored, Math.min(2 * SAMPLE, n - stored));
        const seedSeconds = (performance.now() - seedStart) / 1000;
        stored = n;
        const mine = tokens.filter((_, i) => i % 2 === 0);
        const floor = tokens.filter((_, i) => i % 2 === 1);
        const { cold, warm } = await measureVerifier(database, mine, n === SIZES[0]);
        // A named statement: parsed and planned once, as close to one round trip as pg gets.
        const half = Math.floor(floor.length / 2);
        const rawByDigest = stats(
          await timeEach(floor.slice(0, half), (t) =>
            client.query({ name: 'bench_by_digest', text: `select ${COLUMNS} from personal_access_tokens where token_digest = $1`, values: [patDigest(t)] }),
          ),
        );
        const kysely = stats(await timeEach(floor.slice(half), (t) => findTokenByDigest(database.db, patDigest(t))));
        const hashMap = await measureHashMap(mine);
        rows.push({ db: 'PostgreSQL', stored: n, sample: mine.length, cold, warm, hashMap, rawById: null, rawByDigest, kysely, seedSeconds });
        console.log(`  PostgreSQL ${count(n)}: cold p99 ${us(cold.p99)}, warm p99 ${us(warm.p99)} (seeded in ${seedSeconds.toFixed(1)} s)`);
      }
    } finally {
      await client.end();
      await database.db.destroy();
    }
  } finally {
    await fresh.drop();
  }
  return null;
}

export async function main(): Promise<void> {
  const rows: Row[] = [];
  console.log(`P2 verification latency at ${SIZES.map(count).join(', ')} tokens stored`);
  await onSqlite(rows);
  const skipped = await onPostgres(rows);
  if (skipped) console.log(`  PostgreSQL: skipped, ${skipped}`);

  const worst = (db: Row['db'], pick: (r: Row) => number) => {
    const of = rows.filter((r) => r.db === db);
    const top = of.reduce<Row | undefined>((w, r) => (w === undefined || pick(r) > pick(w) ? r : w), undefined);
    return top ? { value: pick(top), at: top.stored } : null;
  };
  const figures: Figure[] = [];
  for (const db of ['SQLite', 'PostgreSQL'] as const) {
    const warm = worst(db, (r) => r.warm.p99);
    const cold = worst(db, (r) => r.cold.p99);
    if (warm) figures.push({ what: `warm p99, ${db}, worst of the sizes (at ${count(warm.at)})`, value: us(warm.value), goal: `≤ ${us(WARM_P99_GOAL_MS)}`, met: warm.value <= WARM_P99_GOAL_MS });
    if (cold) {
      figures.push(
        db === 'SQLite'
          ? { what: `cold p99, ${db}, worst of the sizes (at ${count(cold.at)})`, value: us(cold.value), goal: `≤ ${us(COLD_P99_GOAL_MS)}`, met: cold.value <= COLD_P99_GOAL_MS }
          : { what: `cold p99, ${db}, worst of the sizes (at ${count(cold.at)})`, value: us(cold.value), goal: '—', met: null },
      );
    }
  }
  const goals = (r: Row) => {
    const warmOk = r.warm.p99 <= WARM_P99_GOAL_MS;
    const coldOk = r.db === 'SQLite' ? r.cold.p99 <= COLD_P99_GOAL_MS : null;
    return `warm ${warmOk ? 'yes' : '**no**'}${coldOk === null ? '' : `, cold ${coldOk ? 'yes' : '**no**'}`}`;
  };
  writeSection({
    name: 'p2',
    title: 'P2 token verification latency, cold and warm',
    notes:
      `In process, the server's own verifier (its default cache, TTL raised so nothing expires during the run) over its database handle. ` +
      `At each size, tokens seeded in that step and never verified before (${count(SAMPLE)}, or half of that step's at the smallest size: column "cold sample") are verified once (cold: the lookup by digest in the database), then again (warm: from the cache; at small sizes over several passes, so that every warm figure rests on ${count(SAMPLE)} calls or more); ` +
      `as many other fresh tokens give the floor in the same run: SHA-256 + a Map lookup (what a cache hit cannot beat), and the same row read straight through the driver ` +
      `(better-sqlite3 by primary key and by digest; on PostgreSQL a named pg statement by digest: one round trip to the server on 127.0.0.1), ` +
        `and the verifier's own query (tokens.store's findTokenByDigest) through Kysely without the verifier around it, each on its own share of those tokens: cold minus that column is the verifier's own work, that column minus the raw read Kysely's. ` +
      `Every call is timed on its own with performance.now(). Seeding: SQLite 50,000 rows per transaction; PostgreSQL one multi-row insert (unnest) per 20,000 rows, 100,000 per transaction, the unique digest index rebuilt at the end.` +
      (skipped ? ` PostgreSQL skipped: ${skipped}.` : ''),
    table: [
      ['database', 'tokens stored', 'seeded in', 'cold sample', 'cold p50', 'cold p99', 'warm p50', 'warm p99', 'floor: SHA-256 + Map p50 / p99', 'floor: raw read by primary key p50 / p99', 'floor: raw read by digest p50 / p99', 'the verifier\'s query through Kysely p50 / p99', 'goals met'],
      ...rows.map((r) => [
        r.db,
        count(r.stored),
        `${r.seedSeconds.toFixed(1)} s`,
        count(r.sample),
        us(r.cold.p50),
        us(r.cold.p99),
        us(r.warm.p50),
        us(r.warm.p99),
        `${us(r.hashMap.p50)} / ${us(r.hashMap.p99)}`,
        r.rawById ? `${us(r.rawById.p50)} / ${us(r.rawById.p99)}` : '—',
        `${us(r.rawByDigest.p50)} / ${us(r.rawByDigest.p99)}`,
        `${us(r.kysely.p50)} / ${us(r.kysely.p99)}`,
        goals(r),
      ]),
    ],
    figures,
  });
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
