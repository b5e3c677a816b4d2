import { describe, expect, it } from 'vitest';
import { GATE_SPECS, SUPPORTED_GATES } from '../simulator/circuit';
import type { Circuit, GateName, Op } from '../simulator/circuit';
import { simulate } from '../simulator/statevector';
import { eulerAngles, lowerToCx, wrapAngle } from './native-gates';
import type { LoweredCircuit } from './native-gates';

function loweredToIr(lowered: LoweredCircuit): Circuit {
  const ops: Op[] = lowered.ops.map((op) =>
    op.kind === 'cx'
      ? { kind: 'gate', name: 'cx', qubits: [op.control, op.target], params: [] }
      : {
          kind: 'gate',
          name: 'u3',
          qubits: [op.qubit],
          params: [op.euler.theta, op.euler.phi, op.euler.lambda],
        },
  );
  return { qubits: lowered.qubits, clbits: 0, ops };
}

/** |<a|b>|: 1 when the states agree up to a global phase. */
function overlap(a: Circuit, b: Circuit): number {
  const x = simulate(a);
  const y = simulate(b);
  let re = 0;
  let im = 0;
  for (let i = 0; i < x.re.length; i++) {
    const [ar, ai, br, bi] = [x.re[i] ?? 0, x.im[i] ?? 0, y.re[i] ?? 0, y.im[i] ?? 0];
    re += ar * br + ai * bi;
    im += ar * bi - ai * br;
  }
  return Math.hypot(re, im);
}

// A state where every qubit is in a different, generic superposition, so a wrong phase shows.
const PREP: Op[] = [0, 1, 2].map((q) => ({
  kind: 'gate',
  name: 'u3',
  qubits: [q],
  params: [0.3 + q, 0.7 * q + 0.1, 1.1 - q],
}));

describe('lowering to CNOTs and Euler rotations', () => {
  it.each(SUPPORTED_GATES.map((g) => [g]))('rewrites %s exactly, up to a global phase', (name: GateName) => {
    const spec = GATE_SPECS[name];
    const gate: Op = {
      kind: 'gate',
      name,
      qubits: [2, 0, 1].slice(0, spec.qubits),
      params: [0.9, -1.3, 2.2].slice(0, spec.params),
    };
    const original: Circuit = { qubits: 3, clbits: 0, ops: [...PREP, gate] };
    expect(overlap(original, loweredToIr(lowerToCx(original)))).toBeCloseTo(1, 10);
  });

  it('gives θ in [0, π] for every one-qubit gate', () => {
    const lowered = lowerToCx({
      qubits: 1,
      clbits: 0,
      ops: [
        { kind: 'gate', name: 'u3', qubits: [0], params: [-2.5, 0.4, 0.2] },
        { kind: 'gate', name: 'x', qubits: [0], params: [] },
      ],
    });
    for (const op of lowered.ops) {
      if (op.kind === 'u') {
        expect(op.euler.theta).toBeGreaterThanOrEqual(0);
        expect(op.euler.theta).toBeLessThanOrEqual(Math.PI);
      }
    }
  });

  it('keeps the circuit’s own measurements and refuses mid-circuit ones', () => {
    const measured: Circuit = { qubits: 1, clbits: 1, ops: [{ kind: 'measure', qubit: 0, clbit: 0 }] };
    expect(lowerToCx(measured).measurements).toHaveLength(1);
    expect(() =>
      lowerToCx({
        ...measured,
        ops: [...measured.ops, { kind: 'gate', name: 'x', qubits: [0], params: [] }],
      }),
    ).toThrow(/mid-circuit/);
  });

  it('reads the identity as no rotation', () => {
    expect(eulerAngles([1, 0, 0, 0, 0, 0, 1, 0])).toEqual({ theta: 0, phi: 0, lambda: 0 });
  });

  it('folds angles into (−π, π]', () => {
    expect(wrapAngle(3 * Math.PI)).toBeCloseTo(Math.PI);
    expect(wrapAngle(-Math.PI)).toBeCloseTo(Math.PI);
    expect(wrapAngle(0.5)).toBeCloseTo(0.5);
  });
});
