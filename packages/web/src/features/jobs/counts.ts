export interface CountBar {
  outcome: string;
  count: number;
  /** Share of all shots, 0..1. */
  share: number;
}

/** The outcomes to draw, most frequent first (ties by outcome), and how many were left out. */
export function countBars(counts: Readonly<Record<string, number>>, limit = 16): { bars: CountBar[]; total: number; hidden: number } {
  const entries = Object.entries(counts);
  const total = entries.reduce((sum, [, n]) => sum + n, 0);
  const sorted = entries.sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
  const bars = sorted.slice(0, limit).map(([outcome, count]) => ({ outcome, count, share: total > 0 ? count / total : 0 }));
  return { bars, total, hidden: Math.max(0, entries.length - limit) };
}
