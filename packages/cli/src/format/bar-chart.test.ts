import { describe, expect, it } from 'vitest';
import { bar, renderCounts, sortCounts } from './bar-chart';

describe('the counts chart', () => {
  it('draws bars in eighths of a cell, scaled to the largest count', () => {
    expect(bar(10, 10, 4)).toBe('████');
    expect(bar(5, 10, 4)).toBe('██');
    expect(bar(1, 8, 1)).toBe('▏');
    expect(bar(0, 10, 4)).toBe('');
  });

  it('sorts outcomes by count, most frequent first, ties by outcome', () => {
    const { rows, total } = sortCounts({ '11': 3, '00': 5, '01': 3 });
    expect(rows.map((r) => r.outcome)).toEqual(['00', '01', '11']);
    expect(total).toBe(11);
    expect(rows[0]?.probability).toBeCloseTo(5 / 11);
  });

  it('shows each outcome with count, share and bar, and the shots', () => {
    expect(renderCounts({ '00': 512, '11': 488 }, { width: 50 })).toBe(
      'OUTCOME  COUNT  SHARE\n' + '00         512  51.2%  ██████████\n' + '11         488  48.8%  █████████▌\n' + '1000 shots\n',
    );
  });

  it('keeps the top outcomes and says how many more there are', () => {
    const counts = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [i.toString(2).padStart(6, '0'), 40 - i]));
    const text = renderCounts(counts, { top: 3 });
    expect(text.split('\n').filter((l) => /^[01]{6} /.test(l))).toHaveLength(3);
    expect(text).toContain('… and 37 more outcomes\n');
  });

  it('says so when there are no counts', () => {
    expect(renderCounts({})).toBe('no counts\n');
  });
});
