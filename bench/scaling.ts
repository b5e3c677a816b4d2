// Scaling (issue 15): requests per second of a token-authenticated GET served by two server
// processes sharing one PostgreSQL, against one of them alone, side by side in the same run.
// Run: npm run bench -- scaling   (--quick: shorter rounds)
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { userWithToken } from '../packages/server/src/test/server-process';
import { freshPostgresSchema, median, medianRatio, pairedRounds, rps, size, startQonduit, urlWithSchema } from './common';
import type { QonduitProcess } from './common';
import { writeSection } from './report';

const ROUND_SECONDS = Number(process.env.BENCH_ROUND_SECONDS ?? size(3, 1));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? size(5, 2));
const CONNECTIONS = 32;

export async function main(): Promise<void> {
  const fresh = await freshPostgresSchema('bench_scaling');
  if ('skipped' in fresh) {
    console.log(`Scaling: skipped, ${fresh.skipped}`);
    return;
  }
  console.log(`Scaling: two servers against one on PostgreSQL, ${ROUNDS} paired rounds of ${ROUND_SECONDS} s`);
  const dirs = [mkdtempSync(path.join(os.tmpdir(), 'qonduit-bench-a-')), mkdtempSync(path.join(os.tmpdir(), 'qonduit-bench-b-'))];
  const servers: QonduitProcess[] = [];
  try {
    // One master key for both, as DESIGN.md requires of servers sharing a database.
    const masterKey = randomBytes(32).toString('base64');
    for (const [i, dir] of dirs.entries()) {
      servers.push(
        await startQonduit({
          QONDUIT_DATABASE_URL: urlWithSchema(fresh.url, fresh.schema, `qonduit_bench_${i}_${fresh.schema}`),
          QONDUIT_DATA_DIR: dir,
          QONDUIT_MASTER_KEY: masterKey,
          QONDUIT_RATE_LIMIT_SIGNUP: 'off',
          QONDUIT_RATE_LIMIT_TOKEN_CREATE: 'off',
        }),
      );
    }
    const [a, b] = servers;
    if (!a || !b) throw new Error('the servers did not start');
    const { token } = await userWithToken(a.url, `scaling-${Date.now()}@example.com`, ['read_api']);
    const load = (s: QonduitProcess) => ({ url: `${s.url}/api/v1/user`, headers: { authorization: `Bearer ${token}` }, connections: CONNECTIONS });
    await rps(load(a), 1);
    await rps(load(b), 1);
    const seen = await pairedRounds(
      {
        one: () => rps(load(a), ROUND_SECONDS),
        two: async () => (await Promise.all([rps(load(a), ROUND_SECONDS), rps(load(b), ROUND_SECONDS)])).reduce((x, y) => x + y, 0),
      },
      ROUNDS,
    );
    const ratio = medianRatio(seen.two, seen.one);
    const rounds = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(', ');
    console.log(`  one server ${median(seen.one).toFixed(0)} req/s, two servers ${median(seen.two).toFixed(0)} req/s, ratio ${ratio.toFixed(2)}`);
    const cores = availableParallelism();
    writeSection({
      name: 'scaling',
      title: 'Scaling: two servers on one PostgreSQL against one',
      notes:
        `Two real server processes (packages/server/src/main.ts) on one PostgreSQL schema; \`GET /api/v1/user\` with a \`read_api\` token (the token cached after its first request, the user read from the database), ` +
        `autocannon from this process with ${CONNECTIONS} connections per server; ${ROUNDS} rounds of ${ROUND_SECONDS} s each of "server A alone" and "A and B at once" (their sum), alternating which goes first; ` +
        `the ratio is the median of the rounds' ratios. This machine has ${cores} cores for both servers, PostgreSQL and the load generator: with fewer free cores than processes, ` +
        `a second server can only add what the first left idle, so the ratio here says whether two servers contend (below 1) rather than how far they scale (which needs a core per server).`,
      table: [
        ['setup', 'req/s (median)', 'per round'],
        ['one server', median(seen.one).toFixed(0), rounds(seen.one)],
        ['two servers together', median(seen.two).toFixed(0), rounds(seen.two)],
      ],
      figures: [{ what: 'two servers ÷ one', value: ratio.toFixed(2), goal: cores >= 4 ? '≥ 1.5' : '≥ 1.0 (2 cores: no contention)', met: ratio >= (cores >= 4 ? 1.5 : 1.0) }],
    });
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    await fresh.drop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
