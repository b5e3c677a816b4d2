// The server under load for P1 (authenticated vs open requests), in its own process so that
// autocannon does not share its event loop. SQLite in a temporary folder, or PostgreSQL when
// BENCH_DATABASE_URL and BENCH_SCHEMA are set (the parent makes the schema and drops it).
// Seeds BENCH_TOKENS tokens, then prints one JSON line {port, token} when ready.
import { createKeyring, createPasswordHasher, generateMasterKey, masterKeyId, newId, systemClock } from '@qonduit/core';
import { createDb, migrateToLatest } from '@qonduit/db';
import { buildApp, fixedKeyring, loadConfig } from '@qonduit/server';
import type { FastifyPluginAsync } from 'fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { seedPostgresTokens, seedTokens } from './seed-tokens';

const TOKENS = Number(process.env.BENCH_TOKENS ?? 100_000);
const PG_URL = process.env.BENCH_DATABASE_URL;
const PG_SCHEMA = process.env.BENCH_SCHEMA;

const trivialRoutes: FastifyPluginAsync = async (app) => {
  app.get('/bench/open', { config: { access: 'public' } }, async () => ({ ok: true }));
  app.get('/bench/authed', { config: { access: 'read_api' } }, async () => ({ ok: true }));
};

const dir = mkdtempSync(path.join(os.tmpdir(), 'qonduit-bench-'));
const file = path.join(dir, 'qonduit.sqlite');
const database = PG_URL && PG_SCHEMA ? createDb({ kind: 'postgres', url: PG_URL, schema: PG_SCHEMA }) : createDb({ kind: 'sqlite', file });
await migrateToLatest(database.db, PG_SCHEMA);
const userId = newId();
await database.db
  .insertInto('users')
  .values({ id: userId, email: 'bench@example.com', name: 'Bench', password_hash: 'x', created_at: new Date().toISOString() })
  .execute();
let token: string | undefined;
if (PG_URL && PG_SCHEMA) {
  const client = new pg.Client({ connectionString: PG_URL, options: `-c search_path=${PG_SCHEMA}` });
  await client.connect();
  [token] = await seedPostgresTokens(client, userId, TOKENS, 1);
  await client.end();
} else {
  [token] = seedTokens(file, userId, TOKENS, 1);
}

const key = generateMasterKey();
const app = await buildApp({
  config: loadConfig({ QONDUIT_LOG_LEVEL: 'silent' }),
  database,
  clock: systemClock,
  passwords: createPasswordHasher(),
  extraPlugins: [trivialRoutes],
  keyring: fixedKeyring(createKeyring([{ id: masterKeyId(key), key, createdAt: new Date().toISOString() }], masterKeyId(key), 'memory')),
});
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
console.log(JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0, token }));
const stop = () => {
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
