import { CircuitError } from '../../simulator/circuit';
import type { Circuit, MeasureOp } from '../../simulator/circuit';
import { singleQubitMatrix } from '../../simulator/statevector';
import { eulerAngles, lowerToCx, wrapAngle } from '../native-gates';
import type { Euler } from '../native-gates';

// IQM's circuit JSON as iqm-client (>= 30) sends it to POST jobs/{qc}/circuit: instructions
// `{name, locus, args}` with the native gates prx(angle, phase) in radians, cz, and measure
// with a unique `key`; qubits are named QB1, QB2, ... This is our reading of IQM's public
// client code; IQM publishes no standalone schema for it.

export interface IqmInstruction {
  name: 'prx' | 'cz' | 'measure';
  locus: string[];
  args: Record<string, number | string>;
}

export const qubitName = (qubit: number): string => `QB${qubit + 1}`;
export const measurementKey = (clbit: number): string => `c${clbit}`;

const HADAMARD = eulerAngles(singleQubitMatrix('h', []));

/**
 * Writes a circuit in IQM's gates. IQM has no z rotation, so z rotations are kept as a
 * per-qubit frame and folded into the phase of later prx gates (virtual Z):
 * U3(θ, φ, λ) = Rz(φ + λ)·PRX(θ, π/2 − λ), and PRX(θ, ψ) after a pending Rz(z) equals
 * Rz(z) after PRX(θ, ψ − z). cz and measurements commute with z rotations, so the frame
 * left at the end changes no outcome and is dropped.
 */
export function toIqmInstructions(circuit: Circuit): IqmInstruction[] {
  const lowered = lowerToCx(circuit);
  const frame = new Array<number>(circuit.qubits).fill(0);
  const out: IqmInstruction[] = [];

  const rotate = (qubit: number, { theta, phi, lambda }: Euler): void => {
    const z = frame[qubit] ?? 0;
    if (theta > 1e-12) {
      out.push({
        name: 'prx',
        locus: [qubitName(qubit)],
        args: { angle: theta, phase: wrapAngle(Math.PI / 2 - lambda - z) },
      });
    }
    frame[qubit] = wrapAngle(z + phi + lambda);
  };

  for (const op of lowered.ops) {
    if (op.kind === 'u') {
      rotate(op.qubit, op.euler);
      continue;
    }
    // CNOT = H(target)·CZ·H(target)
    rotate(op.target, HADAMARD);
    out.push({ name: 'cz', locus: [qubitName(op.control), qubitName(op.target)], args: {} });
    rotate(op.target, HADAMARD);
  }

  const measurements: MeasureOp[] =
    lowered.measurements.length > 0
      ? lowered.measurements
      : Array.from({ length: circuit.qubits }, (_, q) => ({ kind: 'measure', qubit: q, clbit: q }));
  const keys = new Set<string>();
  for (const m of measurements) {
    const key = measurementKey(m.clbit);
    if (keys.has(key))
      throw new CircuitError(
        `classical bit ${m.clbit} is measured more than once; IQM needs one measurement per bit`,
      );
    keys.add(key);
    out.push({ name: 'measure', locus: [qubitName(m.qubit)], args: { key } });
  }
  return out;
}
