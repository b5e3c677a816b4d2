import { findPats, maskPat } from '@qonduit/core';
import { lstatSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

// `qonduit scan`: Qonduit tokens in files, recognised offline by prefix and checksum, so a
// random string that merely looks like one is not reported.

export interface Finding {
  /** The file as given or found, relative to the working directory where possible. */
  file: string;
  line: number;
  column: number;
  token: string;
}

export interface ScanReport {
  findings: Finding[];
  filesScanned: number;
  /** Files left out: too large, binary, or unreadable. */
  skipped: Array<{ file: string; reason: string }>;
}

const SKIP_DIRS = new Set(['.git', 'node_modules', '.hg', '.svn']);
export const MAX_FILE_BYTES = 10 * 1024 * 1024;

/** 1-based line and column of a character index. */
export function positionOf(text: string, index: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: index - lineStart + 1 };
}

export function findingsIn(text: string, file: string): Finding[] {
  return findPats(text).map(({ token, index }) => ({ file, token, ...positionOf(text, index) }));
}

export function maskFinding(finding: Finding): Omit<Finding, 'token'> & { token: string } {
  return { ...finding, token: maskPat(finding.token) };
}

export function scanPaths(paths: readonly string[], cwd: string): ScanReport {
  const report: ScanReport = { findings: [], filesScanned: 0, skipped: [] };
  const display = (absolute: string) => {
    const relative = path.relative(cwd, absolute);
    return relative && !relative.startsWith('..') ? relative : absolute;
  };
  const visit = (absolute: string, explicit: boolean) => {
    let stats;
    try {
      stats = lstatSync(absolute);
    } catch {
      report.skipped.push({ file: display(absolute), reason: 'not found' });
      return;
    }
    // Symbolic links are not followed: a link out of the tree (or a loop) is not this tree's.
    if (stats.isSymbolicLink() && !explicit) return;
    if (stats.isDirectory()) {
      if (!explicit && SKIP_DIRS.has(path.basename(absolute))) return;
      for (const entry of readdirSync(absolute).sort()) visit(path.join(absolute, entry), false);
      return;
    }
    if (!stats.isFile() && !explicit) return;
    if (stats.size > MAX_FILE_BYTES) {
      report.skipped.push({ file: display(absolute), reason: 'larger than 10 MB' });
      return;
    }
    let content: Buffer;
    try {
      content = readFileSync(absolute);
    } catch {
      report.skipped.push({ file: display(absolute), reason: 'unreadable' });
      return;
    }
    if (content.subarray(0, 8000).includes(0)) return; // binary
    report.filesScanned++;
    report.findings.push(...findingsIn(content.toString('utf8'), display(absolute)));
  };
  for (const p of paths) visit(path.resolve(cwd, p), true);
  return report;
}
