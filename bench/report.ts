// BENCHMARKS.md: one section per benchmark line, each replaced when its line runs again, so that
// `npm run bench -- <name>` refreshes one line and keeps the others. Every section says on which
// machine, with which Node.js and when it was measured, and each figure its goal and whether it
// is met.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

const FILE = fileURLToPath(new URL('../BENCHMARKS.md', import.meta.url));
const HEADER = '# Benchmarks\n\nWritten by `npm run bench` (bench/run.ts); each section by its own line of the bench.\n';

export interface Figure {
  what: string;
  value: string;
  goal: string;
  met: boolean | null;
}

export function machine(): string {
  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
  const load = os.loadavg().map((l) => l.toFixed(2)).join(' ');
  return `${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, ${os.type()} ${os.release()}; load average ${load}`;
}

export function writeSection(name: string, title: string, notes: string, figures: Figure[]): void {
  const body = [
    `## ${title}`,
    '',
    `Measured ${new Date().toISOString()} on ${machine()}, Node.js ${process.version}.`,
    '',
    notes,
    '',
    '| figure | value | goal | met |',
    '|---|---|---|---|',
    ...figures.map((f) => `| ${f.what} | ${f.value} | ${f.goal} | ${f.met === null ? '—' : f.met ? 'yes' : '**no**'} |`),
  ].join('\n');
  const start = `<!-- bench:${name} -->`;
  const end = `<!-- /bench:${name} -->`;
  const section = `${start}\n${body}\n${end}`;
  let text = existsSync(FILE) ? readFileSync(FILE, 'utf8') : HEADER;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  text = from >= 0 && to > from ? text.slice(0, from) + section + text.slice(to + end.length) : `${text.trimEnd()}\n\n${section}\n`;
  writeFileSync(FILE, text);
}
