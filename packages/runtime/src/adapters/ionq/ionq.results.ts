import { countsFromProbabilities } from '../counts';
import { ProviderError } from '../types';

/**
 * IonQ's probabilities are keyed by the measured state as a decimal integer whose bit k is
 * qubit k. Written in binary over `qubits` bits that puts qubit 0 rightmost, as our counts want.
 */
export function ionqProbabilitiesToCounts(
  probabilities: unknown,
  qubits: number,
  shots: number,
): Record<string, number> {
  if (typeof probabilities !== 'object' || probabilities === null || Array.isArray(probabilities)) {
    throw new ProviderError('protocol', 'IonQ sent probabilities that are not an object');
  }
  const limit = 1n << BigInt(qubits);
  const byBitstring = new Map<string, number>();
  for (const [key, value] of Object.entries(probabilities)) {
    if (!/^\d+$/.test(key) || typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new ProviderError('protocol', `IonQ sent an unreadable probability entry '${key.slice(0, 40)}'`);
    }
    const outcome = BigInt(key);
    if (outcome >= limit)
      throw new ProviderError('protocol', `IonQ reported outcome ${key}, beyond ${qubits} qubits`);
    const bits = outcome.toString(2).padStart(qubits, '0');
    byBitstring.set(bits, (byBitstring.get(bits) ?? 0) + value);
  }
  return countsFromProbabilities(byBitstring, shots);
}
