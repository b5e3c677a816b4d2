import { newId, systemClock } from '@qonduit/core';
import { createDb, migrateToLatest } from '@qonduit/db';
import type { FastifyBaseLogger } from 'fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { createInvalidationBus } from '../packages/server/src/cache/invalidation-bus';
import { createTokenVerifier } from '../packages/server/src/modules/tokens/token-verifier';
import { seedTokens } from './seed-tokens';

// In-process verification with 1,000,000 tokens stored: cold (each token's first use: the
// digest lookup in the database) and warm (cached), p50 and p99.
const STORED = Number(process.env.BENCH_STORED_TOKENS ?? 1_000_000);
const SAMPLE = 20_000;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

export async function main() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'qonduit-verify-'));
  try {
    const file = path.join(dir, 'qonduit.sqlite');
    const database = createDb({ kind: 'sqlite', file });
    await migrateToLatest(database.db);
    const userId = newId();
    await database.db.insertInto('users').values({ id: userId, email: 'b@example.com', name: 'B', password_hash: 'x', created_at: new Date().toISOString() }).execute();
    const seedStart = performance.now();
    const tokens = seedTokens(file, userId, STORED, SAMPLE);
    const seedSeconds = (performance.now() - seedStart) / 1000;

    const log = pino({ level: 'silent' }) as FastifyBaseLogger;
    const bus = createInvalidationBus(database, log);
    const verifier = createTokenVerifier({ db: database.db, clock: systemClock, bus, log, maxCacheEntries: SAMPLE * 2 });
    const measure = async () => {
      const times: number[] = [];
      for (const token of tokens) {
        const start = performance.now();
        const result = await verifier.verify(token, '127.0.0.1');
        times.push(performance.now() - start);
        if (!result.ok) throw new Error(`verification failed: ${result.reason}`);
      }
      return times.sort((a, b) => a - b);
    };
    const cold = await measure();
    const warm = await measure();
    await verifier.close();
    await bus.close();
    await database.db.destroy();
    const fmt = (ms: number) => `${(ms * 1000).toFixed(1)} µs`;
    console.log(`\nToken verification, ${STORED.toLocaleString('en')} tokens stored in SQLite (seeded in ${seedSeconds.toFixed(1)} s), ${SAMPLE.toLocaleString('en')} tokens verified`);
    console.log(`  cold (database lookup)  p50 ${fmt(percentile(cold, 50))}   p99 ${fmt(percentile(cold, 99))}   max ${fmt(cold[cold.length - 1] ?? 0)}`);
    console.log(`  warm (cached)           p50 ${fmt(percentile(warm, 50))}   p99 ${fmt(percentile(warm, 99))}`);
    return { coldP50: percentile(cold, 50), coldP99: percentile(cold, 99), warmP50: percentile(warm, 50), warmP99: percentile(warm, 99) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
