// BENCHMARKS.md: one section per line of the bench, each replaced when its line runs again, so
// that `npm run bench -- <name>` refreshes one line and keeps the others. Every section says on
// which machine, with which Node.js, at which commit and when it was measured; each figure its
// goal and whether it is met. The summary at the top is rebuilt from the sections' figures.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { QUICK } from './common';

const FILE = fileURLToPath(new URL('../BENCHMARKS.md', import.meta.url));
const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The order of the sections in the file, whichever ran last. */
export const SECTION_ORDER = ['p1', 'p2', 'p3', 'p4', 'memory', 'scaling', 'cli', 'busy', 'simulator'];

export interface Figure {
  what: string;
  value: string;
  goal: string;
  /** null: no goal. */
  met: boolean | null;
}

export interface Section {
  name: string;
  title: string;
  notes: string;
  /** A detail table: the first row is the header. */
  table?: string[][];
  /** The figures with their goals (also listed in the summary when they have one). */
  figures: Figure[];
}

export function machine(): string {
  const cpus = os.cpus();
  const cpu = cpus[0]?.model.trim() ?? 'unknown CPU';
  return `${cpu}, ${cpus.length} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${os.type()} ${os.release()}`;
}

export function loadAverage(): string {
  return os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
}

export function gitCommit(): string {
  try {
    const hash = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no', '--', '.', ':(exclude)BENCHMARKS.md'], { cwd: ROOT, encoding: 'utf8' }).trim();
    return dirty ? `${hash} (with uncommitted changes)` : hash;
  } catch {
    return 'unknown commit';
  }
}

function markdownTable(rows: string[][]): string[] {
  const [header, ...body] = rows;
  if (!header) return [];
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...body.map((r) => `| ${r.join(' | ')} |`)];
}

const met = (m: boolean | null) => (m === null ? '—' : m ? 'yes' : '**no**');

const START = (name: string) => `<!-- bench:${name} -->`;
const END = (name: string) => `<!-- /bench:${name} -->`;
const DATA = /<!-- bench-figures (\{.*\}) -->/;

function sectionText(s: Section): string {
  const measured = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const lines = [
    START(s.name),
    `## ${s.title}`,
    '',
    `Measured ${measured} at commit ${gitCommit()} on ${machine()}; load average ${loadAverage()}; Node.js ${process.version}${QUICK ? '; **--quick run: reduced sizes, not the reference figures**' : ''}.`,
    '',
    s.notes,
    '',
    ...(s.table ? [...markdownTable(s.table), ''] : []),
    ...markdownTable([['figure', 'value', 'goal', 'met'], ...s.figures.map((f) => [f.what, f.value, f.goal, met(f.met)])]),
    `<!-- bench-figures ${JSON.stringify({ title: s.title, measured, quick: QUICK, figures: s.figures })} -->`,
    END(s.name),
  ];
  return lines.join('\n');
}

/** Every section now in the file, by name. */
function readSections(text: string): Map<string, string> {
  const found = new Map<string, string>();
  const re = /<!-- bench:([a-z0-9_-]+) -->[\s\S]*?<!-- \/bench:\1 -->/g;
  for (const m of text.matchAll(re)) if (m[1]) found.set(m[1], m[0]);
  return found;
}

function summary(sections: Map<string, string>, order: string[]): string[] {
  const rows: string[][] = [['line', 'figure', 'value', 'goal', 'met', 'measured']];
  for (const name of order) {
    const text = sections.get(name);
    const data = text ? DATA.exec(text)?.[1] : undefined;
    if (!data) {
      // A section written before figures were kept with it: name it, with nothing to check.
      const title = text ? (/^## (.*)$/m.exec(text)?.[1] ?? name) : name;
      rows.push([title, '(see its section)', '', '', '', '']);
      continue;
    }
    const parsed = JSON.parse(data) as { title: string; measured: string; quick?: boolean; figures: Figure[] };
    const withGoal = parsed.figures.filter((f) => f.goal !== '—');
    for (const f of withGoal.length > 0 ? withGoal : parsed.figures.slice(0, 1)) {
      rows.push([parsed.title.split(':')[0] ?? parsed.title, f.what, f.value, f.goal, met(f.met), `${parsed.measured.slice(0, 16).replace('T', ' ')}${parsed.quick ? ' (quick)' : ''}`]);
    }
  }
  return markdownTable(rows);
}

/** Writes (or replaces) one section of BENCHMARKS.md and rebuilds the summary. */
export function writeSection(section: Section): void {
  rewrite((sections) => sections.set(section.name, sectionText(section)));
}

/** Records a run of every line: when, where, how long it took, and which lines failed. */
export function writeRunNote(note: string): void {
  rewrite((sections) => sections.set(RUN, `${START(RUN)}\n${note}\n${END(RUN)}`));
}

const RUN = 'run';

function rewrite(change: (sections: Map<string, string>) => void): void {
  const text = existsSync(FILE) ? readFileSync(FILE, 'utf8') : '';
  const sections = readSections(text);
  change(sections);
  const run = sections.get(RUN);
  sections.delete(RUN);
  const order = [...SECTION_ORDER.filter((n) => sections.has(n)), ...[...sections.keys()].filter((n) => !SECTION_ORDER.includes(n))];
  const out = [
    '# Benchmarks',
    '',
    'Written by `npm run bench` (bench/run.ts; `npm run bench -- <line>` refreshes one section, `--quick` runs smaller sizes). ' +
      'Each section names the machine, Node.js version, commit and time it was measured; every ratio in it was measured side by side in one run. ' +
      'The figures of a shared machine drift with its load: compare ratios, not absolute numbers.',
    '',
    ...(run ? [run, ''] : []),
    '## Summary',
    '',
    ...summary(sections, order),
    '',
    ...order.map((n) => `${sections.get(n) ?? ''}\n`),
  ];
  writeFileSync(FILE, `${out.join('\n').trimEnd()}\n`);
}
