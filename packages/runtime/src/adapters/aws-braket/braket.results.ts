import { bitstring, countsFromProbabilities, tally } from '../counts';
import { isRecord } from '../http';
import { ProviderError } from '../types';

// Braket's results.json (braket.task_result.gate_model_task_result v1) lists the measured
// qubits and, per shot, one value per measured qubit in that order: its bitstrings put
// measuredQubits[0] leftmost, the opposite of ours. Counts here are keyed by qubit, qubit 0
// rightmost; a qubit the task did not measure reads 0.

const PROVIDER = 'Amazon Braket';

function qubitList(value: unknown): number[] {
  const out: number[] = [];
  for (const q of Array.isArray(value) ? value : [null]) {
    if (typeof q !== 'number' || !Number.isInteger(q) || q < 0 || q > 1023) {
      throw new ProviderError('protocol', `${PROVIDER} sent results without usable measuredQubits`);
    }
    out.push(q);
  }
  return out;
}

export function braketResultToCounts(result: unknown, qubits: number, shots: number): Record<string, number> {
  if (!isRecord(result))
    throw new ProviderError('protocol', `${PROVIDER} sent results that are not an object`);
  const measured = qubitList(result.measuredQubits);
  const width = Math.max(qubits, ...measured.map((q) => q + 1));
  const position = new Map(measured.map((q, i) => [q, i]));
  const ours = (braketBits: (i: number) => number) =>
    bitstring(width, (q) => {
      const i = position.get(q);
      return i === undefined ? 0 : braketBits(i);
    });

  if (Array.isArray(result.measurements)) {
    return tally(
      result.measurements.map((row: unknown) => {
        if (!Array.isArray(row) || row.length !== measured.length || row.some((b) => b !== 0 && b !== 1)) {
          throw new ProviderError(
            'protocol',
            `${PROVIDER} sent a measurement row that does not match measuredQubits`,
          );
        }
        return ours((i) => (row[i] === 1 ? 1 : 0));
      }),
    );
  }
  if (isRecord(result.measurementProbabilities)) {
    const probabilities = new Map<string, number>();
    for (const [key, p] of Object.entries(result.measurementProbabilities)) {
      if (key.length !== measured.length || !/^[01]*$/.test(key) || typeof p !== 'number') {
        throw new ProviderError('protocol', `${PROVIDER} sent an unreadable measurement probability`);
      }
      const bits = ours((i) => (key[i] === '1' ? 1 : 0));
      probabilities.set(bits, (probabilities.get(bits) ?? 0) + p);
    }
    return countsFromProbabilities(probabilities, shots);
  }
  throw new ProviderError(
    'protocol',
    `${PROVIDER} sent results with neither measurements nor measurementProbabilities`,
  );
}
