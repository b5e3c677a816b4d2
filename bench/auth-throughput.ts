// P1 (issue 15): the cost of authentication. Requests per second of the same trivial route with
// and without PAT authentication, on one server process holding 100,000 tokens, under
// autocannon (32 connections), on SQLite and on PostgreSQL; goal: authenticated ÷ open ≥ 0.95.
// The one token used is cached after its first request, so this is the steady state of a
// client that keeps its token: per request, the digest, a cache hit and the scope check.
// Run: npm run bench -- auth   (--quick: 10,000 tokens, shorter rounds)
import { count, cpuMs, freshPostgresSchema, medianRatio, median, pairedRounds, pct, rps, size, spawnBenchChild } from './common';
import type { Load } from './common';
import { writeSection } from './report';
import type { Figure } from './report';

const TOKENS = size(100_000, 10_000);
const ROUND_SECONDS = Number(process.env.BENCH_ROUND_SECONDS ?? size(3, 1));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? size(5, 3));
const GOAL = 0.95;

interface Result {
  db: string;
  open: number[];
  authed: number[];
  ratio: number;
  /** The server's CPU time per request (µs), per round; empty off Linux. */
  openCpu: number[];
  authedCpu: number[];
}

async function measure(db: string, env: Record<string, string>): Promise<Result> {
  const server = await spawnBenchChild<{ port: number; token: string }>('bench/auth-server.ts', { BENCH_TOKENS: String(TOKENS), ...env });
  try {
    const base = `http://127.0.0.1:${server.ready.port}`;
    const open = { url: `${base}/bench/open` };
    const authed = { url: `${base}/bench/authed`, headers: { authorization: `Bearer ${server.ready.token}` } };
    await rps(open, 1);
    await rps(authed, 1);
    // Beside the rate, the server's CPU time per request: what the machine's other work cannot
    // slow down, only the server's own code.
    const cpu: Record<'open' | 'authed', number[]> = { open: [], authed: [] };
    const round = async (name: 'open' | 'authed', load: Load) => {
      const pid = server.child.pid ?? 0;
      const before = cpuMs(pid);
      const rate = await rps(load, ROUND_SECONDS);
      const after = cpuMs(pid);
      if (before !== null && after !== null) cpu[name].push(((after - before) * 1000) / (rate * ROUND_SECONDS));
      return rate;
    };
    const seen = await pairedRounds({ open: () => round('open', open), authed: () => round('authed', authed) }, ROUNDS);
    const result = { db, open: seen.open, authed: seen.authed, ratio: medianRatio(seen.authed, seen.open), openCpu: cpu.open, authedCpu: cpu.authed };
    console.log(`  ${db}: open ${median(result.open).toFixed(0)} req/s, authenticated ${median(result.authed).toFixed(0)} req/s, ratio ${pct(result.ratio)}`);
    return result;
  } finally {
    await server.stop();
  }
}

export async function main(): Promise<void> {
  console.log(`P1 authentication overhead, ${count(TOKENS)} tokens stored, ${ROUNDS} paired rounds of ${ROUND_SECONDS} s`);
  const results: Result[] = [await measure('SQLite', {})];
  const fresh = await freshPostgresSchema('bench_auth');
  let skipped = '';
  if ('skipped' in fresh) skipped = fresh.skipped;
  else {
    try {
      results.push(await measure('PostgreSQL', { BENCH_DATABASE_URL: fresh.url, BENCH_SCHEMA: fresh.schema }));
    } finally {
      await fresh.drop();
    }
  }
  const rounds = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(', ');
  const figures: Figure[] = results.map((r) => ({ what: `authenticated ÷ open, ${r.db}`, value: pct(r.ratio), goal: `≥ ${pct(GOAL)}`, met: r.ratio >= GOAL }));
  writeSection({
    name: 'p1',
    title: 'P1 authentication overhead: a token-authenticated route against the same route open',
    notes:
      `One server process (the bench's auth-server.ts: the real app with two trivial routes, \`/bench/open\` public and \`/bench/authed\` needing \`read_api\`) holding ${count(TOKENS)} tokens; ` +
      `autocannon from this process, 32 connections, ${ROUNDS} rounds of ${ROUND_SECONDS} s each for both routes, alternating which goes first; the ratio is the median of the rounds' ratios, ` +
      `so that the machine's drift hits both alike. One token is sent throughout: after its first request it is verified from the cache (SHA-256 of the token, a Map lookup, the scope check). ` +
      `The server's CPU time per request (user + system from /proc, over each round) is shown beside: on a machine shared with other work it is the steadier measure of what authentication costs; its ratio is what the rates' ratio would be if the server alone used the cores.` +
      (skipped ? ` PostgreSQL skipped: ${skipped}.` : ''),
    table: [
      ['database', 'open req/s (median)', 'authenticated req/s (median)', 'ratio (median of rounds)', 'open, per round', 'authenticated, per round', 'server CPU per request, open / authenticated (median)', 'open ÷ authenticated CPU per request'],
      ...results.map((r) => [
        r.db,
        median(r.open).toFixed(0),
        median(r.authed).toFixed(0),
        pct(r.ratio),
        rounds(r.open),
        rounds(r.authed),
        r.openCpu.length > 0 ? `${median(r.openCpu).toFixed(1)} µs / ${median(r.authedCpu).toFixed(1)} µs` : '—',
        r.openCpu.length > 0 ? pct(medianRatio(r.openCpu, r.authedCpu)) : '—',
      ]),
    ],
    figures,
  });
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
