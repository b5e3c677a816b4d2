import { CircuitError } from '../../simulator/circuit';
import type { Circuit } from '../../simulator/circuit';
import { singleQubitMatrix } from '../../simulator/statevector';
import { eulerAngles, isWholeTurn, lowerToCx } from '../native-gates';
import type { Euler } from '../native-gates';

// AQT's JSON circuit (AQT public API 0.4, "Circuit"): R(θ, φ), RZ(φ) and RXX(θ), all angles in
// units of π, ending in one MEASURE of every qubit. R takes θ in [0, 1] and φ in [0, 2]; RXX
// takes θ in [0, 0.5].

export type AqtOperation =
  | { operation: 'RZ'; qubit: number; phi: number }
  | { operation: 'R'; qubit: number; theta: number; phi: number }
  | { operation: 'RXX'; qubits: [number, number]; theta: number }
  | { operation: 'MEASURE' };

export const AQT_MAX_QUBITS = 20;

/** φ in units of π, folded into [0, 2). */
function axis(angle: number): number {
  const turns = angle / Math.PI;
  const folded = turns - 2 * Math.floor(turns / 2);
  return folded >= 2 - 1e-12 ? 0 : folded;
}

// U3(θ, φ, λ) = Rz(φ + λ)·R(θ, π/2 − λ): one R about an equatorial axis, then one RZ.
function rotation(qubit: number, { theta, phi, lambda }: Euler): AqtOperation[] {
  const out: AqtOperation[] = [];
  if (theta > 1e-12)
    out.push({ operation: 'R', qubit, theta: theta / Math.PI, phi: axis(Math.PI / 2 - lambda) });
  if (!isWholeTurn(phi + lambda)) out.push({ operation: 'RZ', qubit, phi: (phi + lambda) / Math.PI });
  return out;
}

const RY_PLUS = eulerAngles(singleQubitMatrix('ry', [Math.PI / 2]));
const RY_MINUS = eulerAngles(singleQubitMatrix('ry', [-Math.PI / 2]));
const RX_MINUS = eulerAngles(singleQubitMatrix('rx', [-Math.PI / 2]));

// CNOT through the Mølmer–Sørensen gate (Qiskit's cnot_rxx_decompose):
// ry(π/2)·c, rxx(π/2), rx(−π/2)·c, rx(−π/2)·t, ry(−π/2)·c.
function cnot(control: number, target: number): AqtOperation[] {
  return [
    ...rotation(control, RY_PLUS),
    { operation: 'RXX', qubits: [control, target], theta: 0.5 },
    ...rotation(control, RX_MINUS),
    ...rotation(target, RX_MINUS),
    ...rotation(control, RY_MINUS),
  ];
}

/**
 * Writes a circuit in AQT's gates. AQT measures every qubit once, at the end, so the
 * circuit's own measurements only have to come last; results are reported per qubit.
 */
export function toAqtCircuit(circuit: Circuit): AqtOperation[] {
  if (circuit.qubits > AQT_MAX_QUBITS) {
    throw new CircuitError(`AQT runs at most ${AQT_MAX_QUBITS} qubits; this circuit has ${circuit.qubits}`);
  }
  const lowered = lowerToCx(circuit);
  const ops: AqtOperation[] = [];
  for (const op of lowered.ops) {
    if (op.kind === 'u') ops.push(...rotation(op.qubit, op.euler));
    else ops.push(...cnot(op.control, op.target));
  }
  ops.push({ operation: 'MEASURE' });
  return ops;
}
