import { describe, expect, it } from 'vitest';
import { ProviderError } from '../types';
import { hexSampleToBits, samplerResultToCounts } from './ibm.results';

describe('IBM SamplerV2 results', () => {
  it('reads a hex sample as classical bits with bit 0 rightmost, padded to num_bits', () => {
    expect(hexSampleToBits('0x1', 3)).toBe('001');
    expect(hexSampleToBits('0x6', 3)).toBe('110');
    expect(hexSampleToBits('0x0', 2)).toBe('00');
  });

  it('reads samples wider than 53 bits exactly', () => {
    expect(hexSampleToBits('0x20000000000001', 60)).toBe(`${'0'.repeat(6)}1${'0'.repeat(52)}1`);
  });

  it('refuses a sample wider than its register', () => {
    expect(() => hexSampleToBits('0x4', 2)).toThrow(ProviderError);
  });

  it('tallies the samples of one register', () => {
    const result = {
      results: [{ data: { c: { samples: ['0x0', '0x3', '0x3', '0x0', '0x3'], num_bits: 2 } }, metadata: {} }],
      metadata: {},
    };
    expect(samplerResultToCounts(result)).toEqual({ '00': 2, '11': 3 });
  });

  it('places later registers to the left of earlier ones, as Qiskit does', () => {
    const result = {
      results: [
        {
          data: { a: { samples: ['0x1'], num_bits: 2 }, b: { samples: ['0x1'], num_bits: 1 } },
          metadata: {},
        },
      ],
      metadata: {},
    };
    expect(samplerResultToCounts(result)).toEqual({ '101': 1 });
  });

  it('treats a result without PUB data as a protocol error', () => {
    expect(() => samplerResultToCounts({ results: [] })).toThrow(
      expect.objectContaining({ kind: 'protocol' }),
    );
  });
});
