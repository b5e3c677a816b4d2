// How long `qonduit --version` and `qonduit --help` take to start, against a bare `node -e 0` in
// the same run. The goal (issue 14): within 100 ms of node itself.
// Run: npm run bench -- cli   (or npx tsx bench/cli-startup.ts)
//
// The runs alternate (node, --version, --help, node, ...) so that a busy machine slows every
// command alike; the medians are compared. On Linux the CPU time each command used (user +
// system) is shown too: on a machine shared with other work, wall time mostly measures the wait
// for a core, CPU time what the command itself costs. The CLI is rebuilt first, so the numbers
// are for the sources as they are.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { size } from './common';
import { writeSection } from './report';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = `${ROOT}node_modules/.bin/qonduit`;
const RUNS = Number(process.env.BENCH_CLI_RUNS ?? size(30, 8));
const GOAL_MS = 100;

interface Case {
  label: string;
  command: string;
  args: string[];
  times: number[];
  cpu: number[];
}

/** CPU milliseconds used by this process's finished children (cutime + cstime), or null off Linux. */
function childrenCpuMs(): number | null {
  try {
    // Fields after the command name, which is in parentheses and may hold spaces.
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]?.split(' ') ?? [];
    const ticks = Number(fields[13]) + Number(fields[14]); // fields 16 and 17: cutime, cstime
    return Number.isFinite(ticks) ? ticks * 10 : null; // USER_HZ is 100 on Linux
  } catch {
    return null;
  }
}

function timeOnce(command: string, args: string[]): { ms: number; cpuMs: number | null } {
  const cpuBefore = childrenCpuMs();
  const started = process.hrtime.bigint();
  const run = spawnSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'], cwd: ROOT });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const cpuAfter = childrenCpuMs();
  if (run.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${run.status}: ${run.stderr.toString()}`);
  return { ms, cpuMs: cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

export async function main(): Promise<void> {
  const build = spawnSync(process.execPath, [`${ROOT}scripts/build-cli.mjs`], { stdio: 'inherit' });
  if (build.status !== 0) throw new Error('the CLI did not build');
  const cases: Case[] = [
    { label: 'node -e 0', command: process.execPath, args: ['-e', '0'], times: [], cpu: [] },
    { label: 'qonduit --version', command: BIN, args: ['--version'], times: [], cpu: [] },
    { label: 'qonduit --help', command: BIN, args: ['--help'], times: [], cpu: [] },
  ];
  for (const c of cases) timeOnce(c.command, c.args); // warm the file cache
  for (let i = 0; i < RUNS; i++) {
    for (const c of cases) {
      const { ms, cpuMs } = timeOnce(c.command, c.args);
      c.times.push(ms);
      if (cpuMs !== null) c.cpu.push(cpuMs);
    }
  }

  const fmt = (ms: number) => `${ms.toFixed(0).padStart(4)} ms`;
  const median = (c: Case) => percentile([...c.times].sort((a, b) => a - b), 50);
  const meanCpu = (c: Case) => c.cpu.reduce((a, b) => a + b, 0) / Math.max(1, c.cpu.length);
  const [node] = cases;
  if (!node) return;
  console.log(`\nCLI start-up, ${RUNS} alternating runs each: wall time including the spawn, and CPU time (user + system)`);
  for (const c of cases) {
    const sorted = [...c.times].sort((a, b) => a - b);
    const extra = median(c) - median(node);
    const vsNode = c === node ? '' : `   = node + ${fmt(extra)}${extra <= GOAL_MS ? '' : ` (goal: + ${GOAL_MS} ms)`}`;
    const cpu = c.cpu.length > 0 ? `   cpu ${fmt(meanCpu(c))}${c === node ? '' : ` = node + ${fmt(meanCpu(c) - meanCpu(node))}`}` : '';
    console.log(`  ${c.label.padEnd(18)} p50 ${fmt(median(c))}   min ${fmt(sorted[0] ?? 0)}${vsNode}${cpu}`);
  }
  const plain = (ms: number) => `${ms.toFixed(0)} ms`;
  const hasCpu = cases.every((c) => c.cpu.length > 0);
  writeSection({
    name: 'cli',
    title: 'CLI start-up: qonduit against a bare node',
    notes:
      `\`node_modules/.bin/qonduit\` (rebuilt first by scripts/build-cli.mjs, so the figures are for the sources as they are) against \`node -e 0\`, ${RUNS} runs each, alternating (node, --version, --help, node, …) so that a busy machine slows each alike; medians compared. ` +
      `Wall time includes the spawn. ${hasCpu ? 'CPU time (user + system, from /proc) is shown too: on a shared machine wall time partly measures the wait for a core, CPU time what the command itself costs.' : ''}`,
    table: [
      ['command', 'wall p50', 'wall min', 'wall p50 − node', ...(hasCpu ? ['CPU mean', 'CPU − node'] : [])],
      ...cases.map((c) => [
        `\`${c.label}\``,
        plain(median(c)),
        plain([...c.times].sort((a, b) => a - b)[0] ?? 0),
        c === node ? '—' : plain(median(c) - median(node)),
        ...(hasCpu ? [plain(meanCpu(c)), c === node ? '—' : plain(meanCpu(c) - meanCpu(node))] : []),
      ]),
    ],
    figures: cases
      .filter((c) => c !== node)
      .map((c) => ({ what: `\`${c.label}\` − \`node -e 0\`, wall p50`, value: plain(median(c) - median(node)), goal: `≤ ${GOAL_MS} ms`, met: median(c) - median(node) <= GOAL_MS })),
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
