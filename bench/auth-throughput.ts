import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

// The same trivial route with and without PAT authentication, on one server holding
// 100,000 tokens, under autocannon. This machine's throughput drifts by tens of percent from
// second to second (a shared VM), so short rounds alternate and the figure is the median of
// the ratios of neighbouring rounds, which drift hits alike.
const ROUND_SECONDS = Number(process.env.BENCH_ROUND_SECONDS ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 8);

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

export async function main(): Promise<{ open: number; authed: number; ratio: number }> {
  const server = spawn(process.execPath, ['--import', 'tsx', 'bench/auth-server.ts'], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const lines = createInterface({ input: server.stdout });
    const ready = await new Promise<{ port: number; token: string }>((resolve, reject) => {
      lines.once('line', (line) => resolve(JSON.parse(line) as { port: number; token: string }));
      server.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
    });
    const base = `http://127.0.0.1:${ready.port}`;
    const auth = { authorization: `Bearer ${ready.token}` };
    await load(`${base}/bench/open`, {}, 2);
    await load(`${base}/bench/authed`, auth, 2);
    const open: number[] = [];
    const authed: number[] = [];
    const ratios: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      // Alternate which goes first, so neither always meets the warmer machine.
      if (i % 2 === 0) {
        open.push(await load(`${base}/bench/open`, {}, ROUND_SECONDS));
        authed.push(await load(`${base}/bench/authed`, auth, ROUND_SECONDS));
      } else {
        authed.push(await load(`${base}/bench/authed`, auth, ROUND_SECONDS));
        open.push(await load(`${base}/bench/open`, {}, ROUND_SECONDS));
      }
      ratios.push((authed[i] ?? 0) / (open[i] ?? 1));
    }
    const result = { open: median(open), authed: median(authed), ratio: median(ratios) };
    console.log(`\nAuthenticated requests (100,000 tokens stored, SQLite, 32 connections, ${ROUNDS} paired rounds of ${ROUND_SECONDS} s)`);
    console.log(`  without authentication  ${result.open.toFixed(0).padStart(8)} req/s   rounds: ${open.map((x) => x.toFixed(0)).join(', ')}`);
    console.log(`  with a PAT (Bearer)     ${result.authed.toFixed(0).padStart(8)} req/s   rounds: ${authed.map((x) => x.toFixed(0)).join(', ')}`);
    console.log(`  ratio (median of pairs) ${(result.ratio * 100).toFixed(1)} %   pairs: ${ratios.map((r) => (r * 100).toFixed(0)).join(', ')}`);
    return result;
  } finally {
    server.kill('SIGTERM');
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
