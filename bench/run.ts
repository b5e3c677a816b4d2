// npm run bench: every line of the bench, one after another, each writing its section of
// BENCHMARKS.md (never part of the test suite).
//   npm run bench                     every line, full sizes (under 10 minutes on 2 cores)
//   npm run bench -- --quick          every line at smaller sizes
//   npm run bench -- p2 [p4 ...]      some lines, by name (or by their older names: verify, ...)
import { performance } from 'node:perf_hooks';
import { main as authThroughput } from './auth-throughput';
import { main as busy } from './busy-throughput';
import { main as cliStartup } from './cli-startup';
import { QUICK } from './common';
import { main as jobOverhead } from './job-overhead';
import { main as memory } from './memory';
import { gitCommit, loadAverage, machine, writeRunNote } from './report';
import { main as revocationPropagation } from './revocation-propagation';
import { main as scaling } from './scaling';
import { main as simulator } from './simulator';
import { main as verifyLatency } from './verify-latency';

const LINES: Array<{ name: string; alias?: string; what: string; run: () => Promise<unknown> }> = [
  { name: 'p1', alias: 'auth', what: 'authentication overhead, SQLite and PostgreSQL', run: authThroughput },
  { name: 'p2', alias: 'verify', what: 'verification latency at 10³–10⁶ tokens', run: verifyLatency },
  { name: 'p3', alias: 'propagation', what: 'revocation propagation between two servers', run: revocationPropagation },
  { name: 'p4', alias: 'jobs', what: 'job overhead', run: jobOverhead },
  { name: 'memory', what: 'resident set with 10⁶ tokens stored, 10⁵ cached', run: memory },
  { name: 'scaling', what: 'two servers against one on PostgreSQL', run: scaling },
  { name: 'cli', what: 'CLI start-up', run: cliStartup },
  { name: 'busy', what: 'throughput while simulations run', run: busy },
  { name: 'simulator', what: 'local simulator against quantum-circuit', run: simulator },
];

const asked = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const unknown = asked.filter((a) => !LINES.some((l) => l.name === a || l.alias === a));
if (unknown.length > 0) {
  console.error(`unknown bench line ${unknown.join(', ')}; the lines: ${LINES.map((l) => `${l.name}${l.alias ? ` (${l.alias})` : ''}`).join(', ')}`);
  process.exit(2);
}
const chosen = asked.length === 0 ? LINES : LINES.filter((l) => asked.includes(l.name) || (l.alias !== undefined && asked.includes(l.alias)));

const started = performance.now();
const startedAt = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
const loadAtStart = loadAverage();
const took: string[] = [];
let failed = 0;
for (const line of chosen) {
  const t = performance.now();
  console.log(`\n=== ${line.name}: ${line.what}${QUICK ? ' (quick)' : ''}`);
  try {
    await line.run();
    took.push(`${line.name} ${((performance.now() - t) / 1000).toFixed(0)} s`);
  } catch (err) {
    // One broken line must not cost the others' figures.
    failed++;
    took.push(`${line.name} FAILED after ${((performance.now() - t) / 1000).toFixed(0)} s`);
    console.error(`${line.name} failed:`, err);
  }
}
const seconds = (performance.now() - started) / 1000;
if (chosen === LINES) {
  writeRunNote(
    `Last run of every line: \`npm run bench${QUICK ? ' -- --quick' : ''}\` started ${startedAt} at commit ${gitCommit()} on ${machine()}, Node.js ${process.version}; ` +
      `load average ${loadAtStart} at the start, ${loadAverage()} at the end; it took ${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s (${took.join(', ')}).` +
      (QUICK ? ' **A --quick run: reduced sizes.**' : ''),
  );
}
console.log(`\nbench: ${took.join(', ')}; ${seconds.toFixed(0)} s in all; BENCHMARKS.md written`);
process.exit(failed > 0 ? 1 : 0);
