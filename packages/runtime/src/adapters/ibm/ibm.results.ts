import { tally } from '../counts';
import { isRecord } from '../http';
import { ProviderError } from '../types';

const PROVIDER = 'IBM Quantum';

/** One SamplerV2 sample ("0x3": the integer whose bit k is classical bit k) over `bits` bits. */
export function hexSampleToBits(sample: string, bits: number): string {
  if (!/^0x[0-9a-fA-F]+$/.test(sample))
    throw new ProviderError('protocol', `${PROVIDER} sent a sample that is not hex`);
  const value = BigInt(sample);
  if (value >> BigInt(bits) !== 0n)
    throw new ProviderError('protocol', `${PROVIDER} sent a sample wider than ${bits} bits`);
  return value.toString(2).padStart(bits, '0');
}

/**
 * Counts from a SamplerV2 result for its first PUB. The result holds one entry per classical
 * register, in declaration order; as in Qiskit, later registers sit to the left of earlier ones.
 */
export function samplerResultToCounts(result: unknown): Record<string, number> {
  const pub: unknown = isRecord(result) && Array.isArray(result.results) ? result.results[0] : undefined;
  if (!isRecord(pub) || !isRecord(pub.data))
    throw new ProviderError('protocol', `${PROVIDER} sent a result without PUB data`);

  const registers: string[][] = [];
  for (const [name, register] of Object.entries(pub.data)) {
    if (!isRecord(register) || !Array.isArray(register.samples)) {
      throw new ProviderError('protocol', `${PROVIDER} sent register '${name.slice(0, 40)}' without samples`);
    }
    const bits = register.num_bits;
    if (typeof bits !== 'number' || !Number.isInteger(bits) || bits < 0) {
      throw new ProviderError(
        'protocol',
        `${PROVIDER} sent register '${name.slice(0, 40)}' without num_bits`,
      );
    }
    registers.push(
      register.samples.map((s: unknown) => {
        if (typeof s !== 'string')
          throw new ProviderError('protocol', `${PROVIDER} sent a sample that is not a string`);
        return hexSampleToBits(s, bits);
      }),
    );
  }
  if (registers.length === 0)
    throw new ProviderError('rejected', 'the circuit measures nothing, so IBM Quantum returned no samples');

  const shots = registers[0]?.length ?? 0;
  if (registers.some((r) => r.length !== shots))
    throw new ProviderError('protocol', `${PROVIDER} sent registers of different lengths`);
  const outcomes = Array.from({ length: shots }, (_, shot) =>
    registers
      .map((r) => r[shot] ?? '')
      .reverse()
      .join(''),
  );
  return tally(outcomes);
}
