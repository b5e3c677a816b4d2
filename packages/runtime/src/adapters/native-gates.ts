import { assertTerminalMeasurements, CircuitError, GATE_SPECS, validateCircuit } from '../simulator/circuit';
import type { Circuit, GateName, MeasureOp } from '../simulator/circuit';
import { singleQubitMatrix } from '../simulator/statevector';
import type { Matrix2 } from '../simulator/statevector';

// Trapped-ion (AQT) and superconducting (IQM) devices take only a few native gates. This
// lowers our IR to one-qubit rotations and CNOTs; each adapter then writes those in its
// provider's gates. Every rewrite is exact up to a global phase.

/** U3(θ, φ, λ) = Rz(φ)·Ry(θ)·Rz(λ) up to a global phase, with θ in [0, π]. */
export interface Euler {
  theta: number;
  phi: number;
  lambda: number;
}

export type LoweredOp =
  { kind: 'u'; qubit: number; euler: Euler } | { kind: 'cx'; control: number; target: number };

export interface LoweredCircuit {
  qubits: number;
  ops: LoweredOp[];
  /** The circuit's own measurements; empty when it measures nothing (read: all qubits). */
  measurements: MeasureOp[];
}

const EPS = 1e-12;

/** The Z-Y-Z Euler angles of a 2x2 unitary. */
export function eulerAngles(m: Matrix2): Euler {
  const [aRe, aIm, bRe, bIm, cRe, cIm, dRe, dIm] = m;
  const cosHalf = Math.hypot(aRe, aIm);
  const sinHalf = Math.hypot(cRe, cIm);
  const theta = 2 * Math.atan2(sinHalf, cosHalf);
  const arg = (re: number, im: number) => Math.atan2(im, re);
  if (sinHalf < EPS) {
    // Diagonal: only φ + λ matters.
    return { theta: 0, phi: 0, lambda: arg(dRe, dIm) - arg(aRe, aIm) };
  }
  if (cosHalf < EPS) {
    // Anti-diagonal: only φ − λ matters.
    return { theta: Math.PI, phi: arg(cRe, cIm) - arg(-bRe, -bIm), lambda: 0 };
  }
  const alpha = arg(aRe, aIm);
  return { theta, phi: arg(cRe, cIm) - alpha, lambda: arg(-bRe, -bIm) - alpha };
}

type SingleQubitGate = Parameters<typeof singleQubitMatrix>[0];

function isSingleQubitGate(name: GateName): name is SingleQubitGate {
  return GATE_SPECS[name].qubits === 1;
}

type Step = [GateName, number[], number[]?];

// Two- and three-qubit gates as CNOTs and one-qubit gates, in time order (Qiskit's standard
// decompositions; a, b, c are the gate's qubits in IR order: controls first).
const DECOMPOSITIONS: Partial<Record<GateName, (q: [number, number, number], p: number) => Step[]>> = {
  cz: ([a, b]) => [
    ['h', [b]],
    ['cx', [a, b]],
    ['h', [b]],
  ],
  cy: ([a, b]) => [
    ['sdg', [b]],
    ['cx', [a, b]],
    ['s', [b]],
  ],
  ch: ([a, b]) => [
    ['s', [b]],
    ['h', [b]],
    ['t', [b]],
    ['cx', [a, b]],
    ['tdg', [b]],
    ['h', [b]],
    ['sdg', [b]],
  ],
  swap: ([a, b]) => [
    ['cx', [a, b]],
    ['cx', [b, a]],
    ['cx', [a, b]],
  ],
  crz: ([a, b], p) => [
    ['rz', [b], [p / 2]],
    ['cx', [a, b]],
    ['rz', [b], [-p / 2]],
    ['cx', [a, b]],
  ],
  cry: ([a, b], p) => [
    ['ry', [b], [p / 2]],
    ['cx', [a, b]],
    ['ry', [b], [-p / 2]],
    ['cx', [a, b]],
  ],
  // H·Rz·H = Rx, controlled as a whole.
  crx: ([a, b], p) => [
    ['h', [b]],
    ['crz', [a, b], [p]],
    ['h', [b]],
  ],
  cp: ([a, b], p) => [
    ['p', [a], [p / 2]],
    ['cx', [a, b]],
    ['p', [b], [-p / 2]],
    ['cx', [a, b]],
    ['p', [b], [p / 2]],
  ],
  ccx: ([a, b, c]) => [
    ['h', [c]],
    ['cx', [b, c]],
    ['tdg', [c]],
    ['cx', [a, c]],
    ['t', [c]],
    ['cx', [b, c]],
    ['tdg', [c]],
    ['cx', [a, c]],
    ['t', [b]],
    ['t', [c]],
    ['h', [c]],
    ['cx', [a, b]],
    ['t', [a]],
    ['tdg', [b]],
    ['cx', [a, b]],
  ],
  cswap: ([a, b, c]) => [
    ['cx', [c, b]],
    ['ccx', [a, b, c]],
    ['cx', [c, b]],
  ],
};

/**
 * Lowers a circuit to one-qubit Euler rotations and CNOTs. Measurements must come last (these
 * devices measure at the end of a circuit); barriers and identities are dropped.
 */
export function lowerToCx(circuit: Circuit): LoweredCircuit {
  validateCircuit(circuit);
  assertTerminalMeasurements(circuit);
  const ops: LoweredOp[] = [];
  const lower = (name: GateName, qubits: number[], params: number[]): void => {
    if (name === 'id') return;
    if (name === 'cx') {
      ops.push({ kind: 'cx', control: qubits[0] ?? 0, target: qubits[1] ?? 0 });
      return;
    }
    if (isSingleQubitGate(name)) {
      ops.push({ kind: 'u', qubit: qubits[0] ?? 0, euler: eulerAngles(singleQubitMatrix(name, params)) });
      return;
    }
    const decomposition = DECOMPOSITIONS[name];
    if (decomposition === undefined) throw new CircuitError(`gate '${name}' has no decomposition into CNOTs`);
    const [a = 0, b = 0, c = 0] = qubits;
    for (const [stepName, stepQubits, stepParams = []] of decomposition([a, b, c], params[0] ?? 0)) {
      lower(stepName, stepQubits, stepParams);
    }
  };
  const measurements: MeasureOp[] = [];
  for (const op of circuit.ops) {
    if (op.kind === 'gate') lower(op.name, op.qubits, op.params);
    else if (op.kind === 'measure') measurements.push(op);
  }
  return { qubits: circuit.qubits, ops, measurements };
}

/** An angle folded into (−π, π]. */
export function wrapAngle(angle: number): number {
  const wrapped = angle - 2 * Math.PI * Math.floor((angle + Math.PI) / (2 * Math.PI));
  return wrapped <= -Math.PI ? wrapped + 2 * Math.PI : wrapped;
}

/** True for an angle that is a whole number of turns (a rotation that does nothing visible). */
export function isWholeTurn(angle: number): boolean {
  return Math.abs(wrapAngle(angle)) < 1e-12;
}
