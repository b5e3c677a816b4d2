// P3 (issue 15): how fast a revocation on one server reaches another sharing its PostgreSQL.
// Two real server processes on a fresh schema; for each of N tokens: B verifies it (so B has it
// cached), A revokes it, and B is asked again back to back until it refuses. The figure is the
// time from A's 2xx to B's first 401 (the end of that refused request, so one round trip is
// included). Goal: p99 < 1 s (Unkey tolerates up to 10 s). B's cache TTL is the default (DEFAULT_AUTH_CACHE_TTL_MS),
// so only the notification can make B refuse sooner.
// Run: npm run bench -- propagation   (BENCH_P3_REVOCATIONS=100 by default; PostgreSQL at
// QONDUIT_TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test)
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { probePostgres, postgresTestUrl } from '../test/postgres-probe';
import { anotherToken, call, sharedPostgresSchema, userWithToken } from '../packages/server/src/test/server-process';
import { DEFAULT_AUTH_CACHE_TTL_MS } from '../packages/server/src/modules/tokens/token-verifier';
import { size } from './common';
import { writeSection } from './report';

const REVOCATIONS = Number(process.env.BENCH_P3_REVOCATIONS ?? size(100, 20));
const GOAL_P99_MS = 1000;
const GIVE_UP_MS = 30_000;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

export async function main(): Promise<void> {
  const url = postgresTestUrl(process.env);
  const probe = await probePostgres(url);
  if (!probe.ok) {
    console.log(`P3 revocation propagation: skipped, PostgreSQL at ${url} is unreachable (${probe.reason})`);
    return;
  }
  const shared = await sharedPostgresSchema();
  const env = { QONDUIT_LOG_LEVEL: 'info', QONDUIT_RATE_LIMIT_TOKEN_CREATE: 'off', QONDUIT_RATE_LIMIT_SIGNUP: 'off' };
  const a = await shared.start('bench_a', env);
  const b = await shared.start('bench_b', env);
  try {
    const owner = await userWithToken(a.url, `p3-${Date.now()}@example.com`, ['api']);
    const tokens: Array<{ id: string; token: string }> = [];
    for (let i = 0; i < REVOCATIONS; i++) tokens.push(await anotherToken(a.url, owner.token, `p3 ${i}`, ['read_api']));
    await provesBCaches(url, shared.schema, b.url, await anotherToken(a.url, owner.token, 'p3 cache check', ['read_api']));
    const times: number[] = [];
    let polls = 0;
    let firstAsk = 0;
    for (const victim of tokens) {
      if ((await call(b.url, 'GET', '/api/v1/user', { token: victim.token })).status !== 200) throw new Error('B refused a live token');
      const revoked = await call(a.url, 'DELETE', `/api/v1/user/tokens/${victim.id}`, { token: owner.token });
      const acknowledged = performance.now();
      if (revoked.status !== 204) throw new Error(`revocation answered ${revoked.status}`);
      let asked = 0;
      for (;;) {
        polls++;
        asked++;
        const status = (await call(b.url, 'GET', '/api/v1/user', { token: victim.token })).status;
        const now = performance.now();
        if (status === 401) {
          if (asked === 1) firstAsk++;
          times.push(now - acknowledged);
          break;
        }
        if (now - acknowledged > GIVE_UP_MS) throw new Error(`B still accepted a revoked token after ${GIVE_UP_MS} ms`);
      }
    }
    times.sort((x, y) => x - y);
    const p50 = percentile(times, 50);
    const p99 = percentile(times, 99);
    const max = times[times.length - 1] ?? 0;
    const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
    console.log(`P3 revocation propagation, ${times.length} revocations: p50 ${fmt(p50)}, p99 ${fmt(p99)}, max ${fmt(max)} (${(polls / times.length).toFixed(1)} requests to B per revocation)`);
    writeSection({
      name: 'p3',
      title: 'P3 revocation propagation between two servers on one PostgreSQL',
      notes:
        `Two server processes on one PostgreSQL schema; ${times.length} revocations on A, each timed from A's 2xx to the end of B's first refused request (B had the token cached; cache TTL the default, ${DEFAULT_AUTH_CACHE_TTL_MS / 1000} s). ` +
        `B was asked back to back, ${(polls / times.length).toFixed(1)} requests per revocation on average; it refused on the first ask ${firstAsk} times of ${times.length}, ` +
        `so these figures are mostly one request's round trip: an upper bound of the propagation itself. Before the run, a token revoked in the database with no notification was still accepted by B, so B was answering from its cache.`,
      figures: [
        { what: 'p50', value: fmt(p50), goal: '—', met: null },
        { what: 'p99', value: fmt(p99), goal: `< ${GOAL_P99_MS} ms`, met: p99 < GOAL_P99_MS },
        { what: 'max', value: fmt(max), goal: '—', met: null },
      ],
    });
  } finally {
    await Promise.all([a.stop(), b.stop()]);
    await shared.cleanup();
  }
}

/** B must really answer from its cache, or the figure would measure nothing: revoke behind its back. */
async function provesBCaches(url: string, schema: string, bUrl: string, token: { id: string; token: string }): Promise<void> {
  if ((await call(bUrl, 'GET', '/api/v1/user', { token: token.token })).status !== 200) throw new Error('B refused a live token');
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(`update ${schema}.personal_access_tokens set revoked_at = $1, revoked_reason = 'user' where id = $2`, [new Date().toISOString(), token.id]);
  } finally {
    await c.end();
  }
  if ((await call(bUrl, 'GET', '/api/v1/user', { token: token.token })).status !== 200) throw new Error('B does not cache verified tokens: P3 would measure nothing');
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
