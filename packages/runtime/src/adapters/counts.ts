// Shared helpers that turn provider results into counts keyed like Qiskit's (bit 0 rightmost).

/**
 * Whole-shot counts from a probability distribution: each outcome gets floor(p·shots), and the
 * shots left over go to the largest remainders, so the counts always sum to `shots` and no
 * outcome is off by more than one from p·shots. Ties break by outcome, for stable output.
 */
export function countsFromProbabilities(
  probabilities: ReadonlyMap<string, number>,
  shots: number,
): Record<string, number> {
  const total = [...probabilities.values()].reduce((sum, p) => sum + p, 0);
  if (total <= 0) return {};
  const rows = [...probabilities].map(([outcome, p]) => {
    const exact = (p / total) * shots;
    return { outcome, count: Math.floor(exact), remainder: exact - Math.floor(exact) };
  });
  let left = shots - rows.reduce((sum, r) => sum + r.count, 0);
  const byRemainder = [...rows].sort((a, b) => b.remainder - a.remainder || (a.outcome < b.outcome ? -1 : 1));
  for (const row of byRemainder) {
    if (left <= 0) break;
    row.count += 1;
    left -= 1;
  }
  return sortedCounts(rows.filter((r) => r.count > 0).map((r) => [r.outcome, r.count]));
}

export function tally(outcomes: Iterable<string>): Record<string, number> {
  const counts = new Map<string, number>();
  for (const outcome of outcomes) counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
  return sortedCounts([...counts]);
}

// Sorted for stable output; JavaScript still lists integer-like keys such as "11" first.
export function sortedCounts(entries: Iterable<[string, number]>): Record<string, number> {
  return Object.fromEntries([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** A bitstring of `width` characters from per-bit values, bit k at position width-1-k. */
export function bitstring(width: number, bitOf: (bit: number) => number): string {
  let out = '';
  for (let bit = width - 1; bit >= 0; bit--) out += bitOf(bit) === 1 ? '1' : '0';
  return out;
}
