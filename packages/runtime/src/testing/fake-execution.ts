import { runCircuit, simulate } from '../simulator/statevector';
import type { Circuit } from '../simulator/circuit';

// The fakes answer with what the submitted circuit really does, run on our own simulator,
// so a round trip through a fake checks gate conversions and bit orders, not just plumbing.

/** Exact outcome probabilities over all qubits; the index's bit k is qubit k. Zeros left out. */
export function outcomeProbabilities(circuit: Circuit): Map<number, number> {
  const state = simulate(circuit);
  const out = new Map<number, number>();
  for (let i = 0; i < state.re.length; i++) {
    const re = state.re[i] ?? 0;
    const im = state.im[i] ?? 0;
    const p = re * re + im * im;
    if (p > 1e-12) out.set(i, p);
  }
  return out;
}

/**
 * One outcome per shot, over all qubits, as arrays indexed by qubit (the form AQT and Braket
 * report). Measurements in the circuit are ignored: these providers measure every qubit.
 */
export function sampleQubits(circuit: Circuit, shots: number, seed?: number): number[][] {
  const unmeasured: Circuit = {
    ...circuit,
    clbits: 0,
    ops: circuit.ops.filter((op) => op.kind !== 'measure'),
  };
  const { memory = [] } = runCircuit(unmeasured, {
    shots,
    memory: true,
    ...(seed === undefined ? {} : { seed }),
  });
  return memory.map((bits) =>
    Array.from({ length: circuit.qubits }, (_, q) => (bits[bits.length - 1 - q] === '1' ? 1 : 0)),
  );
}

/** One outcome per shot over the classical bits, as Qiskit writes them (bit 0 rightmost). */
export function sampleClbits(circuit: Circuit, shots: number, seed?: number): string[] {
  const { memory = [] } = runCircuit(circuit, {
    shots,
    memory: true,
    ...(seed === undefined ? {} : { seed }),
  });
  return memory;
}
