import { renderTable } from './table';

// Measurement counts in the terminal: a table with a bar per outcome, longest first.

const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/** A bar `value / max` of `width` cells, in eighths of a cell. */
export function bar(value: number, max: number, width: number): string {
  if (max <= 0 || value <= 0) return '';
  const eighths = Math.round((value / max) * width * 8);
  return '█'.repeat(Math.floor(eighths / 8)) + (EIGHTHS[eighths % 8] ?? '');
}

export interface CountRow {
  outcome: string;
  count: number;
  probability: number;
}

/** Outcomes by count (most frequent first; ties by outcome), with their share of the shots. */
export function sortCounts(counts: Readonly<Record<string, number>>, top?: number): { rows: CountRow[]; hidden: number; total: number } {
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const sorted = Object.entries(counts)
    .map(([outcome, count]) => ({ outcome, count, probability: total > 0 ? count / total : 0 }))
    .sort((a, b) => b.count - a.count || a.outcome.localeCompare(b.outcome));
  const rows = top !== undefined ? sorted.slice(0, top) : sorted;
  return { rows, hidden: sorted.length - rows.length, total };
}

export function renderCounts(counts: Readonly<Record<string, number>>, options: { width?: number; top?: number } = {}): string {
  const { rows, hidden, total } = sortCounts(counts, options.top ?? 32);
  if (rows.length === 0) return 'no counts\n';
  const max = rows[0]?.count ?? 0;
  const barWidth = Math.max(10, Math.min(50, (options.width ?? 80) - 40));
  const table = renderTable<CountRow>(
    [
      { header: 'Outcome', value: (r) => r.outcome },
      { header: 'Count', value: (r) => String(r.count), align: 'right' },
      { header: 'Share', value: (r) => `${(r.probability * 100).toFixed(1)}%`, align: 'right' },
      { header: '', value: (r) => bar(r.count, max, barWidth) },
    ],
    rows,
  );
  const more = hidden > 0 ? `… and ${hidden} more outcome${hidden === 1 ? '' : 's'}\n` : '';
  return `${table}${more}${total} shots\n`;
}
