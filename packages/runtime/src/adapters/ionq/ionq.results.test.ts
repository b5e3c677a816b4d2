import { describe, expect, it } from 'vitest';
import { ionqProbabilitiesToCounts } from './ionq.results';

describe('IonQ probabilities', () => {
  it('writes the decimal outcome in binary over all qubits, qubit 0 (the least significant bit) rightmost', () => {
    // 1 = qubit 0 set; 4 = qubit 2 set.
    expect(ionqProbabilitiesToCounts({ '1': 0.5, '4': 0.5 }, 3, 100)).toEqual({ '001': 50, '100': 50 });
  });

  it('reads a Bell distribution as 00 and 11', () => {
    expect(ionqProbabilitiesToCounts({ '0': 0.5, '3': 0.5 }, 2, 1000)).toEqual({ '00': 500, '11': 500 });
  });

  it('rounds to whole shots that always sum to the shot count', () => {
    const counts = ionqProbabilitiesToCounts({ '0': 1 / 3, '1': 1 / 3, '2': 1 / 3 }, 2, 100);
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(100);
    expect(Object.values(counts).sort()).toEqual([33, 33, 34]);
  });

  it('refuses an outcome beyond the qubit count and keys that are not decimal', () => {
    expect(() => ionqProbabilitiesToCounts({ '4': 1 }, 2, 10)).toThrow(/beyond 2 qubits/);
    expect(() => ionqProbabilitiesToCounts({ '0x1': 1 }, 2, 10)).toThrow();
  });
});
