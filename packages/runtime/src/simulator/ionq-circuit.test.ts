import { describe, it, expect } from 'vitest';
import { CircuitError, GATE_SPECS, SUPPORTED_GATES } from './circuit';
import type { Circuit, GateOp, Op } from './circuit';
import { fromIonqCircuit, toIonqCircuit, toQasm3 } from './ionq-circuit';
import type { IonqCircuit } from './ionq-circuit';
import { MAX_IONQ_GATES, MAX_IONQ_JSON_DEPTH, MAX_OPERATIONS } from './limits';
import { parseQasm } from './qasm-parser';
import { createRng, runCircuit, simulate } from './statevector';
import type { StateVector } from './statevector';

function gate(name: GateOp['name'], qubits: number[], params: number[] = []): GateOp {
  return { kind: 'gate', name, qubits, params };
}

/** |<a|b>| = 1: the same state up to a global phase. */
function overlap(a: StateVector, b: StateVector): number {
  let re = 0;
  let im = 0;
  for (let i = 0; i < a.re.length; i++) {
    const ar = a.re[i] ?? 0;
    const ai = a.im[i] ?? 0;
    const br = b.re[i] ?? 0;
    const bi = b.im[i] ?? 0;
    re += ar * br + ai * bi;
    im += ar * bi - ai * br;
  }
  return Math.hypot(re, im);
}

/** A circuit that uses every IR gate once, on random qubits with random angles. */
function everyGateCircuit(seed: number): Circuit {
  const random = createRng(seed);
  const qubits = 4;
  const ops: Op[] = [0, 1, 2, 3].map((q) => gate('h', [q]));
  for (const name of SUPPORTED_GATES) {
    const spec = GATE_SPECS[name];
    const pool = [0, 1, 2, 3];
    const chosen = Array.from({ length: spec.qubits }, () => pool.splice(Math.floor(random() * pool.length), 1)[0] ?? 0);
    ops.push(gate(name, chosen, Array.from({ length: spec.params }, () => (random() - 0.5) * 2 * Math.PI)));
  }
  return { qubits, clbits: 0, ops };
}

describe('reading IonQ JSON', () => {
  it('reads the Bell circuit of IonQ\'s documentation and samples 00 and 11', () => {
    const ir = fromIonqCircuit({
      qubits: 2,
      circuit: [
        { gate: 'h', target: 0 },
        { gate: 'cnot', control: 0, target: 1 },
      ],
    });
    expect(ir).toEqual({ qubits: 2, clbits: 0, ops: [gate('h', [0]), gate('cx', [0, 1])] });
    expect(Object.keys(runCircuit(ir, { shots: 1000, seed: 1 }).counts).sort()).toEqual(['00', '11']);
  });

  it('applies a one-qubit gate with several targets to each target', () => {
    const ir = fromIonqCircuit({ qubits: 3, circuit: [{ gate: 'x', targets: [0, 2] }] });
    expect(ir.ops).toEqual([gate('x', [0]), gate('x', [2])]);
  });

  it('reads cnot with two controls as a Toffoli', () => {
    const ir = fromIonqCircuit({ qubits: 3, circuit: [{ gate: 'cnot', controls: [1, 2], target: 0 }] });
    expect(ir.ops).toEqual([gate('ccx', [1, 2, 0])]);
  });

  it('maps si, ti, v, vi and not to sdg, tdg, sx, sxdg and x', () => {
    const ir = fromIonqCircuit({
      qubits: 1,
      circuit: ['si', 'ti', 'v', 'vi', 'not'].map((name) => ({ gate: name, target: 0 })),
    });
    expect(ir.ops).toEqual([gate('sdg', [0]), gate('tdg', [0]), gate('sx', [0]), gate('sxdg', [0]), gate('x', [0])]);
  });

  it('reads rotations in radians and controlled variants', () => {
    const ir = fromIonqCircuit({
      qubits: 3,
      circuit: [
        { gate: 'rx', target: 0, rotation: 1.57 },
        { gate: 'rz', control: 0, target: 1, rotation: -0.5 },
        { gate: 'swap', targets: [1, 2] },
        { gate: 'swap', control: 0, targets: [1, 2] },
        { gate: 's', control: 2, target: 0 },
      ],
    });
    expect(ir.ops).toEqual([
      gate('rx', [0], [1.57]),
      gate('crz', [0, 1], [-0.5]),
      gate('swap', [1, 2]),
      gate('cswap', [0, 1, 2]),
      gate('cp', [2, 0], [Math.PI / 2]),
    ]);
  });

  it('accepts the optional gateset "qis" and format fields', () => {
    expect(fromIonqCircuit({ format: 'ionq.circuit.v0', gateset: 'qis', qubits: 1, circuit: [] }).qubits).toBe(1);
  });

  it.each<[string, unknown, RegExp]>([
    ['not an object', [1, 2], /must be an object/],
    ['missing qubits', { circuit: [] }, /'qubits' must be an integer/],
    ['fractional qubits', { qubits: 1.5, circuit: [] }, /'qubits' must be an integer/],
    ['circuit not an array', { qubits: 1, circuit: {} }, /'circuit' must be an array/],
    ['unknown top-level field', { qubits: 1, circuit: [], shots: 5 }, /unknown field 'shots'/],
    ['native gateset', { qubits: 1, gateset: 'native', circuit: [] }, /gateset "native" is not supported/],
    ['gate not an object', { qubits: 1, circuit: ['h'] }, /circuit\[0\] must be an object/],
    ['missing gate name', { qubits: 1, circuit: [{ target: 0 }] }, /'gate' must be a string/],
    ['unknown gate', { qubits: 1, circuit: [{ gate: 'gpi', target: 0 }] }, /unknown gate 'gpi'/],
    ['target out of range', { qubits: 2, circuit: [{ gate: 'h', target: 2 }] }, /circuit\[0\]: qubit 2 in 'target' is out of range/],
    ['negative control', { qubits: 2, circuit: [{ gate: 'cnot', control: -1, target: 0 }] }, /out of range/],
    ['string target', { qubits: 2, circuit: [{ gate: 'h', target: '0' }] }, /'target' must be an integer/],
    ['no target', { qubits: 2, circuit: [{ gate: 'h' }] }, /needs a 'target'/],
    ['target and targets', { qubits: 2, circuit: [{ gate: 'h', target: 0, targets: [1] }] }, /not both/],
    ['empty targets', { qubits: 2, circuit: [{ gate: 'h', targets: [] }] }, /non-empty array/],
    ['cnot without control', { qubits: 2, circuit: [{ gate: 'cnot', target: 1 }] }, /needs a 'control'/],
    ['control equals target', { qubits: 2, circuit: [{ gate: 'cnot', control: 1, target: 1 }] }, /more than once/],
    ['rotation missing', { qubits: 1, circuit: [{ gate: 'rx', target: 0 }] }, /needs a finite number 'rotation'/],
    ['rotation on h', { qubits: 1, circuit: [{ gate: 'h', target: 0, rotation: 1 }] }, /takes no 'rotation'/],
    ['unknown gate field', { qubits: 1, circuit: [{ gate: 'h', target: 0, phase: 1 }] }, /unknown field 'phase'/],
    ['swap with one target', { qubits: 2, circuit: [{ gate: 'swap', targets: [0] }] }, /exactly two targets/],
    ['unsupported control', { qubits: 3, circuit: [{ gate: 'rx', controls: [0, 1], target: 2, rotation: 1 }] }, /'rx' with 2 controls is not supported/],
  ])('refuses %s with a clear error', (_label, input, message) => {
    expect(() => fromIonqCircuit(input)).toThrow(CircuitError);
    expect(() => fromIonqCircuit(input)).toThrow(message);
  });
});

describe('writing IonQ JSON', () => {
  it('writes the Bell circuit in IonQ\'s documented shape and drops measurements', () => {
    const ir = parseQasm('OPENQASM 2.0; qreg q[2]; creg c[2]; h q[0]; cx q[0],q[1]; measure q -> c;');
    const ionq: IonqCircuit = toIonqCircuit(ir);
    expect(ionq).toEqual({
      qubits: 2,
      circuit: [
        { gate: 'h', target: 0 },
        { gate: 'cnot', control: 0, target: 1 },
      ],
    });
  });

  it('IR → IonQ → IR keeps the state of a circuit that uses every gate (up to global phase)', () => {
    for (const seed of [1, 2, 3]) {
      const ir = everyGateCircuit(seed);
      const back = fromIonqCircuit(JSON.parse(JSON.stringify(toIonqCircuit(ir))));
      expect(overlap(simulate(ir), simulate(back))).toBeCloseTo(1, 12);
    }
  });

  it('IonQ → IR → IonQ gives back the same JSON for gates IonQ has directly', () => {
    const ionq: IonqCircuit = {
      qubits: 3,
      circuit: [
        { gate: 'h', target: 0 },
        { gate: 'cnot', control: 0, target: 1 },
        { gate: 'cnot', controls: [0, 1], target: 2 },
        { gate: 'rx', target: 2, rotation: 0.25 },
        { gate: 'ry', control: 2, target: 0, rotation: -1 },
        { gate: 'si', target: 1 },
        { gate: 'vi', target: 2 },
        { gate: 't', control: 0, target: 2 },
        { gate: 'si', control: 2, target: 1 },
        { gate: 'swap', targets: [0, 2] },
        { gate: 'swap', control: 1, targets: [0, 2] },
      ],
    };
    expect(toIonqCircuit(fromIonqCircuit(ionq))).toEqual(ionq);
  });

  it('refuses a circuit that measures a qubit before its last gate', () => {
    const ir = parseQasm('OPENQASM 2.0; qreg q[1]; creg c[1]; measure q[0] -> c[0]; x q[0];');
    expect(() => toIonqCircuit(ir)).toThrow(/mid-circuit measurement is not supported/);
  });
});

describe('writing OpenQASM 3', () => {
  it('prints a circuit that reads back as the same IR, angles bit for bit', () => {
    // sxdg is not in stdgates.inc; it has its own test below.
    const gates = everyGateCircuit(7).ops.filter((op) => !(op.kind === 'gate' && op.name === 'sxdg'));
    const ir: Circuit = {
      qubits: 4,
      clbits: 2,
      ops: [...gates, { kind: 'barrier' }, { kind: 'measure', qubit: 3, clbit: 0 }, { kind: 'measure', qubit: 1, clbit: 1 }],
    };
    const text = toQasm3(ir);
    expect(text.startsWith('OPENQASM 3.0;\ninclude "stdgates.inc";\n')).toBe(true);
    expect(parseQasm(text)).toEqual(ir);
  });

  it('defines sxdg, which stdgates.inc lacks, so the printed program has the same state', () => {
    const ir: Circuit = { qubits: 2, clbits: 0, ops: [gate('h', [0]), gate('sxdg', [0]), gate('sxdg', [1]), gate('cx', [0, 1])] };
    const text = toQasm3(ir);
    expect(text).toMatch(/^gate sxdg /m);
    expect(overlap(simulate(ir), simulate(parseQasm(text)))).toBeCloseTo(1, 12);
  });

  it('prints the Bell circuit as a reader would expect it', () => {
    const ir = parseQasm('OPENQASM 2.0; qreg q[2]; creg c[2]; h q[0]; cx q[0],q[1]; measure q -> c;');
    expect(toQasm3(ir)).toBe(
      [
        'OPENQASM 3.0;',
        'include "stdgates.inc";',
        'qubit[2] q;',
        'bit[2] c;',
        'h q[0];',
        'cx q[0], q[1];',
        'c[0] = measure q[0];',
        'c[1] = measure q[1];',
        '',
      ].join('\n'),
    );
  });
});

function refusal(run: () => unknown): CircuitError {
  try {
    run();
  } catch (error) {
    if (error instanceof CircuitError) return error;
    throw error;
  }
  throw new Error('expected a CircuitError');
}

describe('the IonQ reader is bounded too', () => {
  const h = { gate: 'h', target: 0 };

  it('refuses more gate entries than MAX_IONQ_GATES', () => {
    const error = refusal(() => fromIonqCircuit({ qubits: 1, circuit: Array<unknown>(MAX_IONQ_GATES + 1).fill(h) }));
    expect(error.message).toMatch(`exceeds the limit of ${MAX_IONQ_GATES} gates (MAX_IONQ_GATES)`);
  });

  it('counts the operations that multi-target entries broadcast to', () => {
    const targets = Array.from({ length: 1024 }, (_, i) => i);
    const circuit = Array<unknown>(Math.ceil(MAX_OPERATIONS / 1024) + 1).fill({ gate: 'h', targets });
    const error = refusal(() => fromIonqCircuit({ qubits: 1024, circuit }));
    expect(error.message).toMatch(`exceeds the limit of ${MAX_OPERATIONS} operations (MAX_OPERATIONS)`);
    expect(error.message).toMatch(/circuit\[\d+\]/);
  });

  it('refuses deeply nested JSON anywhere in the input without walking it recursively', () => {
    let deep: unknown = 0;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    for (const input of [
      { qubits: 1, circuit: [h], gateset: deep },
      { qubits: 1, circuit: [h], format: deep },
      { qubits: 1, circuit: [{ gate: 'rx', target: 0, rotation: deep }] },
    ]) {
      expect(refusal(() => fromIonqCircuit(input)).message).toMatch(
        `exceeds the limit of ${MAX_IONQ_JSON_DEPTH} levels (MAX_IONQ_JSON_DEPTH)`,
      );
    }
  });

  it('still reads an ordinary circuit', () => {
    expect(fromIonqCircuit({ qubits: 2, circuit: [h, { gate: 'cnot', control: 0, target: 1 }] }).ops).toHaveLength(2);
  });
});
