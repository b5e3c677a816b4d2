import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { createInterface } from 'node:readline';
import { pct, size } from './common';
import { writeSection } from './report';

// Requests per second of a token-authenticated GET on an idle server, while one 20-qubit
// simulation runs, and while 2 × cores of them are submitted, each as a ratio to idle (the
// target: ≥ 0.8). The loads alternate in short rounds, because this machine's throughput drifts
// from second to second; the figures are medians over rounds.
const ROUND_SECONDS = Number(process.env.BENCH_ROUND_SECONDS ?? size(3, 1));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? size(4, 2));
const GOAL = 0.8;

function load(url: string, headers: Record<string, string>, seconds: number): Promise<number> {
  return new Promise((resolve, reject) => {
    autocannon({ url, headers, connections: 32, duration: seconds }, (err, result) => {
      if (err) reject(err instanceof Error ? err : new Error(String(err)));
      else if (result.non2xx > 0 || result.errors > 0) reject(new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`));
      else resolve(result.requests.average);
    });
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

export async function main(): Promise<{ idle: number; one: number; many: number; oneRatio: number; manyRatio: number }> {
  const server = spawn(process.execPath, ['--import', 'tsx', 'bench/busy-server.ts'], { stdio: ['pipe', 'pipe', 'inherit'] });
  try {
    const lines = createInterface({ input: server.stdout });
    const exited = new Promise<never>((_, reject) => server.once('exit', (code) => reject(new Error(`bench server exited with ${code}`))));
    exited.catch(() => undefined);
    const next = () => Promise.race([new Promise<string>((resolve) => lines.once('line', resolve)), exited]);
    const ready = JSON.parse(await next()) as { port: number; token: string };
    const url = `http://127.0.0.1:${ready.port}/bench/authed`;
    const auth = { authorization: `Bearer ${ready.token}` };
    const setLoad = async (n: number) => {
      server.stdin.write(`load ${n}\n`);
      await next();
    };
    const many = 2 * availableParallelism();
    const loads: Array<[string, number]> = [
      ['idle', 0],
      ['one', 1],
      ['many', many],
    ];
    await load(url, auth, 2);
    const seen: Record<string, number[]> = { idle: [], one: [], many: [] };
    for (let r = 0; r < ROUNDS; r++) {
      // Rotate which load goes first, so that none always meets the warmer machine.
      for (let i = 0; i < loads.length; i++) {
        const [name, n] = loads[(i + r) % loads.length] ?? ['idle', 0];
        await setLoad(n);
        seen[name]?.push(await load(url, auth, ROUND_SECONDS));
      }
    }
    await setLoad(0);
    const idle = median(seen.idle ?? []);
    const result = { idle, one: median(seen.one ?? []), many: median(seen.many ?? []), oneRatio: 0, manyRatio: 0 };
    result.oneRatio = result.one / idle;
    result.manyRatio = result.many / idle;
    const fmt = (xs: number[] | undefined) => (xs ?? []).map((x) => x.toFixed(0)).join(', ');
    console.log(`\nToken-authenticated GET while the local simulator is busy (20 qubits, ${availableParallelism()} cores, 32 connections, ${ROUNDS} rounds of ${ROUND_SECONDS} s)`);
    console.log(`  idle                          ${idle.toFixed(0).padStart(8)} req/s   rounds: ${fmt(seen.idle)}`);
    console.log(`  1 simulation                  ${result.one.toFixed(0).padStart(8)} req/s   rounds: ${fmt(seen.one)}   ratio ${(result.oneRatio * 100).toFixed(1)} %`);
    console.log(`  ${String(many).padEnd(2)} simulations (2 x cores)  ${result.many.toFixed(0).padStart(8)} req/s   rounds: ${fmt(seen.many)}   ratio ${(result.manyRatio * 100).toFixed(1)} %`);
    console.log(`  target: ratio >= 80 % ${result.oneRatio >= GOAL && result.manyRatio >= GOAL ? '(met)' : '(NOT met)'}`);
    writeSection({
      name: 'busy',
      title: 'Busy server: a token-authenticated GET while the local simulator runs',
      notes:
        `One server process (the bench's busy-server.ts: the real app with a trivial \`read_api\` route, SQLite, worker interval 50 ms) answering autocannon (32 connections) while it keeps no simulation, one, and ${many} (2 × ${availableParallelism()} cores) 20-qubit simulations submitted through \`/quantum/jobs\`; ` +
        `${ROUNDS} rounds of ${ROUND_SECONDS} s per load, the loads rotating within each round; medians over rounds, each as a ratio to idle. Simulations run in worker threads (cores − 1), so the event loop should keep answering.`,
      table: [
        ['load', 'req/s (median)', 'per round', 'ratio to idle'],
        ['idle', idle.toFixed(0), fmt(seen.idle), '—'],
        ['1 simulation', result.one.toFixed(0), fmt(seen.one), pct(result.oneRatio)],
        [`${many} simulations (2 × cores)`, result.many.toFixed(0), fmt(seen.many), pct(result.manyRatio)],
      ],
      figures: [
        { what: '1 simulation ÷ idle', value: pct(result.oneRatio), goal: `≥ ${pct(GOAL)}`, met: result.oneRatio >= GOAL },
        { what: `${many} simulations ÷ idle`, value: pct(result.manyRatio), goal: `≥ ${pct(GOAL)}`, met: result.manyRatio >= GOAL },
      ],
    });
    return result;
  } finally {
    server.kill('SIGTERM');
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
