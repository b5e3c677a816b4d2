// What every line of the bench shares: the --quick switch, percentiles, autocannon rounds, a
// fresh PostgreSQL schema, and a server process that prints one JSON line when it is ready.
import autocannon from 'autocannon';
import type { Request as AutocannonRequest } from 'autocannon';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { probePostgres, postgresTestUrl } from '../test/postgres-probe';

/** `npm run bench -- --quick`: every line at smaller sizes and shorter rounds, for development. */
export const QUICK = process.argv.includes('--quick') || process.env.BENCH_QUICK === '1';

/** The full size, or the quick one under --quick. */
export const size = <T>(full: T, quick: T): T => (QUICK ? quick : full);

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
}

export const median = (xs: readonly number[]): number => percentile([...xs].sort((a, b) => a - b), 50);

export const ms = (x: number): string => (x >= 100 ? `${x.toFixed(0)} ms` : x >= 10 ? `${x.toFixed(1)} ms` : `${x.toFixed(2)} ms`);
export const us = (milliseconds: number): string => (milliseconds >= 1 ? ms(milliseconds) : `${(milliseconds * 1000).toFixed(1)} µs`);
export const count = (n: number): string => n.toLocaleString('en');
export const pct = (ratio: number): string => `${(ratio * 100).toFixed(1)} %`;

export interface Load {
  url: string;
  headers?: Record<string, string>;
  connections?: number;
  /** Several requests to cycle through (e.g. one per token); overrides headers. */
  requests?: AutocannonRequest[];
}

/** Requests per second of one autocannon run; any non-2xx or error fails the run. */
export function rps(load: Load, seconds: number): Promise<number> {
  return new Promise((resolve, reject) => {
    autocannon(
      { url: load.url, headers: load.headers ?? {}, connections: load.connections ?? 32, duration: seconds, ...(load.requests ? { requests: load.requests } : {}) },
      (err, result) => {
        if (err) reject(err instanceof Error ? err : new Error(String(err)));
        else if (result.non2xx > 0 || result.errors > 0) reject(new Error(`${load.url}: ${result.non2xx} non-2xx, ${result.errors} errors`));
        else resolve(result.requests.average);
      },
    );
  });
}

/** Sends exactly `amount` requests (e.g. one per token, to fill a cache); fails on any non-2xx. Answers requests per second. */
export function requestsExactly(load: Load, amount: number): Promise<number> {
  return new Promise((resolve, reject) => {
    autocannon(
      { url: load.url, headers: load.headers ?? {}, connections: load.connections ?? 16, amount, ...(load.requests ? { requests: load.requests } : {}) },
      (err, result) => {
        if (err) reject(err instanceof Error ? err : new Error(String(err)));
        else if (result.non2xx > 0 || result.errors > 0) reject(new Error(`${load.url}: ${result.non2xx} non-2xx, ${result.errors} errors`));
        else resolve(amount / result.duration);
      },
    );
  });
}

/** One request per token, each with its own token, in order. */
export function oneRequestPerToken(tokens: readonly string[]): AutocannonRequest[] {
  let next = 0;
  return [
    {
      setupRequest: (request) => {
        const token = tokens[next++ % tokens.length] ?? '';
        return { ...request, headers: { ...request.headers, authorization: `Bearer ${token}` } };
      },
    },
  ];
}

/**
 * Alternating paired rounds of several loads: this machine's throughput drifts by tens of
 * percent from second to second (a shared VM), so each round runs every variant once, the
 * order rotating, and a ratio is the median of the ratios within rounds, which drift hits alike.
 */
export async function pairedRounds<K extends string>(variants: Record<K, () => Promise<number>>, rounds: number): Promise<Record<K, number[]>> {
  const names = Object.keys(variants) as K[];
  const seen = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<K, number[]>;
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + r) % names.length];
      if (name === undefined) continue;
      seen[name].push(await variants[name]());
    }
  }
  return seen;
}

/** Median over rounds of a[i] / b[i]. */
export const medianRatio = (a: readonly number[], b: readonly number[]): number => median(a.map((x, i) => x / (b[i] ?? Number.NaN)));

/** A fresh schema in the PostgreSQL test database, or null (with the reason) when it is unreachable. */
export async function freshPostgresSchema(prefix: string): Promise<{ url: string; schema: string; drop(): Promise<void> } | { skipped: string }> {
  const url = postgresTestUrl(process.env);
  const probe = await probePostgres(url);
  if (!probe.ok) return { skipped: `PostgreSQL at ${url} is unreachable (${probe.reason})` };
  const schema = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  return {
    url,
    schema,
    async drop() {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`drop schema if exists ${schema} cascade`);
      await c.end();
    },
  };
}

/** A connection string that selects `schema` on every connection. */
export function urlWithSchema(url: string, schema: string, applicationName?: string): string {
  // Not URLSearchParams: pg reads a '+' as itself, not as a space.
  const params = [`options=${encodeURIComponent(`-c search_path=${schema}`)}`, ...(applicationName ? [`application_name=${encodeURIComponent(applicationName)}`] : [])];
  return `${url}${url.includes('?') ? '&' : '?'}${params.join('&')}`;
}

export interface BenchChild<T> {
  child: ChildProcess;
  ready: T;
  /** Further JSON lines the child prints. */
  next(): Promise<string>;
  stop(): Promise<void>;
}

/** Runs a bench server script (bench/*.ts) in its own process, so that load and server do not share an event loop. */
export async function spawnBenchChild<T>(script: string, env: Record<string, string>, options: { stdin?: boolean } = {}): Promise<BenchChild<T>> {
  const child = spawn(process.execPath, ['--import', 'tsx', script], { env: { ...process.env, ...env }, stdio: [options.stdin ? 'pipe' : 'ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout ?? process.stdin });
  const queue: string[] = [];
  const waiting: Array<(line: string) => void> = [];
  lines.on('line', (line) => {
    const w = waiting.shift();
    if (w) w(line);
    else queue.push(line);
  });
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`))));
  exited.catch(() => undefined);
  const next = () => {
    const line = queue.shift();
    if (line !== undefined) return Promise.resolve(line);
    return Promise.race([new Promise<string>((resolve) => waiting.push(resolve)), exited]);
  };
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const force = setTimeout(() => child.kill('SIGKILL'), 5000);
    await gone;
    clearTimeout(force);
  };
  try {
    return { child, ready: JSON.parse(await next()) as T, next, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Resident set and its peak, in bytes, of a process (Linux /proc), or null elsewhere. */
export function residentSet(pid: number): { rss: number; peak: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) * 1024;
    return { rss: kb('VmRSS'), peak: kb('VmHWM') };
  } catch {
    return null;
  }
}

export const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

const MAIN = fileURLToPath(new URL('../packages/server/src/main.ts', import.meta.url));

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface QonduitProcess {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * A real Qonduit server (packages/server/src/main.ts, as `npm start` runs it) in its own process,
 * logging at warn: at info every request writes two lines, which a bench would also measure.
 * Ready once /healthz answers.
 */
export async function startQonduit(env: Record<string, string>): Promise<QonduitProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: { ...process.env, QONDUIT_LOG_LEVEL: 'warn', ...env, QONDUIT_PORT: String(port), QONDUIT_HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const force = setTimeout(() => child.kill('SIGKILL'), 5000);
    await gone;
    clearTimeout(force);
  };
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}: ${stderr}`);
    try {
      if ((await fetch(`${url}/healthz`)).status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the server did not start within 2 minutes: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, pid: child.pid ?? 0, stop };
}

/** CPU time (user + system) a process has used so far, in milliseconds (Linux /proc), or null. */
export function cpuMs(pid: number): number | null {
  try {
    // The fields after the command name, which is in parentheses and may hold spaces.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    const ticks = Number(fields[11]) + Number(fields[12]); // fields 14 and 15: utime, stime
    return Number.isFinite(ticks) ? ticks * 10 : null; // USER_HZ is 100 on Linux
  } catch {
    return null;
  }
}
