import { describe, expect, it } from 'vitest';
import { bitstring, countsFromProbabilities, tally } from './counts';

describe('counts helpers', () => {
  it('gives the leftover shots to the largest remainders, never more than one each', () => {
    const counts = countsFromProbabilities(
      new Map([
        ['00', 0.495],
        ['01', 0.005],
        ['11', 0.5],
      ]),
      10,
    );
    expect(counts).toEqual({ '00': 5, '11': 5 });
  });

  it('normalises probabilities that do not quite sum to one', () => {
    expect(
      countsFromProbabilities(
        new Map([
          ['0', 0.49999],
          ['1', 0.49999],
        ]),
        4,
      ),
    ).toEqual({ '0': 2, '1': 2 });
  });

  it('tallies outcomes', () => {
    expect(tally(['11', '00', '11'])).toEqual({ '00': 1, '11': 2 });
  });

  it('writes bit 0 rightmost', () => {
    expect(bitstring(4, (bit) => (bit === 0 || bit === 2 ? 1 : 0))).toBe('0101');
  });
});
