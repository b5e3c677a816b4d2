// Memory (issue 15): the resident set of one real server process with 10⁶ tokens stored
// (SQLite, in its data folder) and 10⁵ of them in its verification cache, beside the same
// process before any token was cached. The cache is filled by 10⁵ authenticated requests, each
// with its own token; a second pass over some of them shows they are served from the cache.
// Run: npm run bench -- memory   (--quick: 10⁵ stored, 10⁴ cached)
import { newId, systemClock } from '@qonduit/core';
import { createDb, migrateToLatest } from '@qonduit/db';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { FastifyBaseLogger } from 'fastify';
import pino from 'pino';
import { createInvalidationBus } from '../packages/server/src/cache/invalidation-bus';
import { createTokenVerifier } from '../packages/server/src/modules/tokens/token-verifier';
import { count, mib, oneRequestPerToken, requestsExactly, residentSet, size, startQonduit } from './common';
import type { QonduitProcess } from './common';
import { writeSection } from './report';
import { seedTokens } from './seed-tokens';

const STORED = size(1_000_000, 100_000);

/** A full garbage collection, without starting node with --expose-gc. */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/**
 * The heap the verifier's cache keeps per token, in this process: the same verifier the server
 * builds, over the same file, heap measured after a full collection before and after caching.
 */
async function retainedPerToken(file: string, tokens: string[]): Promise<number> {
  const database = createDb({ kind: 'sqlite', file });
  const log = pino({ level: 'silent' }) as FastifyBaseLogger;
  const bus = createInvalidationBus(database, log);
  const verifier = createTokenVerifier({ db: database.db, clock: systemClock, bus, log, cacheTtlMs: 3_600_000 });
  try {
    collectGarbage();
    const before = process.memoryUsage().heapUsed;
    for (const token of tokens) if (!(await verifier.verify(token, '127.0.0.1')).ok) throw new Error('a seeded token was refused');
    // Last-used times wait in memory for the next flush; they are not the cache.
    await verifier.flush();
    collectGarbage();
    return (process.memoryUsage().heapUsed - before) / tokens.length;
  } finally {
    await verifier.close();
    await bus.close();
    await database.db.destroy();
  }
}
const CACHED = size(100_000, 10_000);

export async function main(): Promise<void> {
  console.log(`Memory: one server, ${count(STORED)} tokens stored, ${count(CACHED)} cached`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'qonduit-bench-memory-'));
  let server: QonduitProcess | null = null;
  try {
    const file = path.join(dir, 'qonduit.sqlite');
    const database = createDb({ kind: 'sqlite', file });
    await migrateToLatest(database.db);
    const userId = newId();
    await database.db.insertInto('users').values({ id: userId, email: 'm@example.com', name: 'M', password_hash: 'x', created_at: new Date().toISOString() }).execute();
    await database.db.destroy();
    const seedStart = performance.now();
    const tokens = seedTokens(file, userId, STORED, CACHED + 1);
    const seedSeconds = (performance.now() - seedStart) / 1000;
    const [warmUpToken = ''] = tokens.splice(CACHED, 1);

    // Entries must not expire while the cache fills; the cache holds 100,000 entries by default.
    server = await startQonduit({ QONDUIT_DATA_DIR: dir, QONDUIT_MASTER_KEY: randomBytes(32).toString('base64'), QONDUIT_AUTH_CACHE_TTL_MS: '3600000' });
    const url = `${server.url}/api/v1/user`;
    // The process as it serves: its code compiled by a few thousand requests, one token cached.
    await requestsExactly({ url, headers: { authorization: `Bearer ${warmUpToken}` } }, 5000);
    await new Promise((r) => setTimeout(r, 1000));
    const before = residentSet(server.pid);
    const coldRate = await requestsExactly({ url, requests: oneRequestPerToken(tokens) }, tokens.length);
    // A part suffices to show the cache at work.
    const again = tokens.slice(0, Math.min(tokens.length, 20_000));
    const warmRate = await requestsExactly({ url, requests: oneRequestPerToken(again) }, again.length);
    await new Promise((r) => setTimeout(r, 1000));
    const after = residentSet(server.pid);
    if (!before || !after) throw new Error('no /proc here: the resident set cannot be read');
    await server.stop();
    server = null;
    const perToken = await retainedPerToken(file, tokens);
    console.log(`  resident set: ${mib(before.rss)} with 1 token cached, ${mib(after.rss)} with ${count(CACHED)} cached (peak ${mib(after.peak)}); heap kept per cached token ${perToken.toFixed(0)} bytes`);
    writeSection({
      name: 'memory',
      title: `Memory: one server with ${count(STORED)} tokens stored and ${count(CACHED)} cached`,
      notes:
        `A real server process (packages/server/src/main.ts) on SQLite, its data folder seeded with ${count(STORED)} tokens (in ${seedSeconds.toFixed(1)} s), QONDUIT_AUTH_CACHE_TTL_MS raised so no entry expires during the run. ` +
        `Resident set (VmRSS, /proc) after 5,000 requests with one token, then after ${count(CACHED)} \`GET /api/v1/user\` requests each with its own token (filling the cache, whose default size is 100,000 entries), and a second pass over the first ${count(Math.min(CACHED, 20_000))} of them. ` +
        `Both passes: autocannon, 16 connections; the second pass answers from the cache (compare the rates). The resident set includes what the JavaScript heap has not yet collected (and keeps as room to grow), and SQLite's page cache. ` +
        `So the cache's own cost is measured apart too, in the bench's process: the server's verifier over the same file, the JavaScript heap after a full collection before and after verifying the same ${count(CACHED)} tokens (last-used times flushed first).`,
      table: [
        ['state', 'resident set', 'peak so far'],
        [`${count(STORED)} stored, 1 cached`, mib(before.rss), mib(before.peak)],
        [`${count(STORED)} stored, ${count(CACHED)} cached`, mib(after.rss), mib(after.peak)],
        ['difference', mib(after.rss - before.rss), ''],
        [`heap kept by the cache, per token (in process, after a full collection)`, `${perToken.toFixed(0)} bytes (${mib(perToken * tokens.length)} for ${count(tokens.length)})`, ''],
        [`requests/s, first pass (${count(CACHED)} tokens, each cold)`, coldRate.toFixed(0), ''],
        [`requests/s, second pass (${count(Math.min(CACHED, 20_000))} of the same tokens, cached)`, warmRate.toFixed(0), ''],
      ],
      figures: [
        { what: `resident set, ${count(STORED)} stored, ${count(CACHED)} cached`, value: mib(after.rss), goal: '—', met: null },
        { what: `of which the ${count(CACHED)} cached tokens (difference)`, value: mib(after.rss - before.rss), goal: '—', met: null },
        { what: 'heap kept by the cache per token', value: `${perToken.toFixed(0)} bytes`, goal: '—', met: null },
      ],
    });
  } finally {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
