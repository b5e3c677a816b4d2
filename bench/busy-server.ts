// The server for the busy-simulator benchmark, in its own process: a token-authenticated GET
// route, and local simulations kept running on command. Reads `load <n>` lines on stdin (keep n
// 20-qubit simulations submitted at all times; 0 = none) and answers each with a JSON line once
// that load is in place. Prints {port, token} first, when ready.
import { createKeyring, createPasswordHasher, generateMasterKey, masterKeyId, newId, systemClock } from '@qonduit/core';
import { createDb, migrateToLatest } from '@qonduit/db';
import { buildApp, fixedKeyring, loadConfig } from '@qonduit/server';
import type { FastifyPluginAsync } from 'fastify';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { seedTokens } from './seed-tokens';

/** `layers` rounds of H on every qubit and a CX ladder: about a second of one core at 20 qubits. */
export function layeredQasm(qubits: number, layers: number): string {
  const lines = ['OPENQASM 3.0;', `qubit[${qubits}] q;`, `bit[${qubits}] c;`];
  for (let l = 0; l < layers; l++) {
    for (let i = 0; i < qubits; i++) lines.push(`h q[${i}];`);
    for (let i = 0; i + 1 < qubits; i++) lines.push(`cx q[${i}], q[${i + 1}];`);
  }
  lines.push('c = measure q;');
  return `${lines.join('\n')}\n`;
}

const CIRCUIT = layeredQasm(20, Number(process.env.BENCH_SIM_LAYERS ?? 10));

const trivialRoutes: FastifyPluginAsync = async (app) => {
  app.get('/bench/authed', { config: { access: 'read_api' } }, async () => ({ ok: true }));
};

const dir = mkdtempSync(path.join(os.tmpdir(), 'qonduit-bench-busy-'));
const file = path.join(dir, 'qonduit.sqlite');
const database = createDb({ kind: 'sqlite', file });
await migrateToLatest(database.db);
const userId = newId();
await database.db
  .insertInto('users')
  .values({ id: userId, email: 'bench@example.com', name: 'Bench', password_hash: 'x', created_at: new Date().toISOString() })
  .execute();
const [token = ''] = seedTokens(file, userId, 1000, 1);

const key = generateMasterKey();
const app = await buildApp({
  // The benchmark resubmits a simulation every second or so: the submission rate limit is off.
  config: loadConfig({ QONDUIT_LOG_LEVEL: 'silent', QONDUIT_WORKER_INTERVAL_MS: '50', QONDUIT_RATE_LIMIT_JOB_SUBMIT: 'off' }),
  database,
  clock: systemClock,
  passwords: createPasswordHasher(),
  extraPlugins: [trivialRoutes],
  keyring: fixedKeyring(createKeyring([{ id: masterKeyId(key), key, createdAt: new Date().toISOString() }], masterKeyId(key), 'memory')),
});
await app.listen({ port: 0, host: '127.0.0.1' });

let target = 0;
const active = async () =>
  Number(
    (
      await database.db
        .selectFrom('jobs')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('status', 'in', ['PENDING', 'RUNNING'])
        .executeTakeFirst()
    )?.n ?? 0,
  );
const running = async () =>
  Number(
    (
      await database.db
        .selectFrom('jobs')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('status', '=', 'PENDING')
        .where('lease_owner', 'is not', null)
        .executeTakeFirst()
    )?.n ?? 0,
  );

// Keeps `target` simulations submitted: a finished one is replaced through the API.
async function topUp(): Promise<void> {
  const missing = target - (await active());
  for (let i = 0; i < missing; i++) {
    const res = await app.inject({
      method: 'POST',
      url: '/quantum/jobs',
      headers: { authorization: `Bearer ${token}` },
      payload: { backend_id: 'local.simulator', shots: 100, input_format: 'OPEN_QASM_V3', input: CIRCUIT },
    });
    if (res.statusCode !== 201) throw new Error(`submission failed: ${res.statusCode} ${res.body}`);
  }
}
const timer = setInterval(() => void topUp().catch((err: unknown) => console.error(err)), 100);

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const m = /^load (\d+)$/.exec(line.trim());
  if (!m) return;
  void (async () => {
    target = Number(m[1]);
    // Fewer wanted: drop what waits; a simulation already running ends within its second.
    await database.db.updateTable('jobs').set({ status: 'CANCELLED', ended_at: new Date().toISOString() }).where('status', '=', 'PENDING').where('lease_owner', 'is', null).execute();
    await topUp();
    for (let i = 0; i < 200; i++) {
      const now = await running();
      if (target === 0 ? now === 0 : now > 0) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    console.log(JSON.stringify({ load: target, running: await running() }));
  })();
});

const address = app.server.address();
console.log(JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0, token }));
const stop = () => {
  clearInterval(timer);
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
