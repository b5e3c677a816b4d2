import { describe, expect, it } from 'vitest';
import { countBars } from './counts';

describe('countBars', () => {
  it('orders outcomes by count, with their share of the shots', () => {
    const { bars, total, hidden } = countBars({ '00': 480, '11': 520 });
    expect(total).toBe(1000);
    expect(hidden).toBe(0);
    expect(bars).toEqual([
      { outcome: '11', count: 520, share: 0.52 },
      { outcome: '00', count: 480, share: 0.48 },
    ]);
  });

  it('draws at most `limit` bars and says how many it left out', () => {
    const { bars, hidden } = countBars({ a: 1, b: 2, c: 3 }, 2);
    expect(bars.map((b) => b.outcome)).toEqual(['c', 'b']);
    expect(hidden).toBe(1);
  });
});
