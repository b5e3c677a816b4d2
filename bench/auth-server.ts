// The server under load for the authenticated-request benchmark, in its own process so that
// autocannon does not share its event loop. Prints one JSON line {port, token} when ready.
import { createKeyring, createPasswordHasher, generateMasterKey, masterKeyId, newId, systemClock } from '@qonduit/core';
import { createDb, migrateToLatest } from '@qonduit/db';
import { buildApp, fixedKeyring, loadConfig } from '@qonduit/server';
import type { FastifyPluginAsync } from 'fastify';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { seedTokens } from './seed-tokens';

const TOKENS = Number(process.env.BENCH_TOKENS ?? 100_000);

const trivialRoutes: FastifyPluginAsync = async (app) => {
  app.get('/bench/open', { config: { access: 'public' } }, async () => ({ ok: true }));
  app.get('/bench/authed', { config: { access: 'read_api' } }, async () => ({ ok: true }));
};

const dir = mkdtempSync(path.join(os.tmpdir(), 'qonduit-bench-'));
const file = path.join(dir, 'qonduit.sqlite');
const database = createDb({ kind: 'sqlite', file });
await migrateToLatest(database.db);
const userId = newId();
await database.db
  .insertInto('users')
  .values({ id: userId, email: 'bench@example.com', name: 'Bench', password_hash: 'x', created_at: new Date().toISOString() })
  .execute();
const [token] = seedTokens(file, userId, TOKENS, 1);

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
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
