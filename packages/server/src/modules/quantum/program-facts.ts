import { CircuitError, assertTerminalMeasurements, fromIonqCircuit, parseQasm, simulationCost } from '@qonduit/runtime';
import type { Circuit } from '@qonduit/runtime';

// What submission needs to know of a program, in a form that crosses a worker thread: the
// program is read (and refused when over its budgets) where it is small enough to take a few
// milliseconds, and in a worker thread otherwise.

export interface ProgramFacts {
  qubits: number;
  /** gates × 2^qubits: what the local simulator would spend on it. */
  work: number;
  /** Why the measurements are not all at the end, or null. */
  measurementProblem: string | null;
}

/** Reads the program in its declared format into the circuit IR; CircuitError says why not. */
export function readProgram(format: string, input: unknown): Circuit {
  if (format === 'IONQ_CIRCUIT_V1') {
    if (typeof input !== 'object' || input === null) throw new CircuitError('IONQ_CIRCUIT_V1 input must be an object {qubits, circuit}');
    return fromIonqCircuit(input);
  }
  if (typeof input !== 'string') throw new CircuitError(`${format} input must be the program text`);
  return parseQasm(input);
}

export function programFacts(format: string, input: unknown): ProgramFacts {
  const circuit = readProgram(format, input);
  let measurementProblem: string | null = null;
  try {
    assertTerminalMeasurements(circuit);
  } catch (err) {
    if (!(err instanceof CircuitError)) throw err;
    measurementProblem = err.message;
  }
  return { qubits: circuit.qubits, work: simulationCost(circuit), measurementProblem };
}
