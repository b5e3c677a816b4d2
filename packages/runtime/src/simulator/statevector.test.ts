import { createRequire } from 'node:module';
import { describe, it, expect } from 'vitest';
import { CircuitError, SUPPORTED_GATES, GATE_SPECS } from './circuit';
import type { Circuit, GateOp, Op } from './circuit';
import { parseQasm } from './qasm-parser';
import { createRng, MAX_SIMULATOR_QUBITS, runCircuit, simulate, StateVector } from './statevector';
import type { RunResult } from './statevector';

// Upper 0.1% points of the chi-square distribution: a correct simulator fails a test that
// uses them once in a thousand seeds, and the seeds below are fixed.
const CHI2_999 = { 1: 10.83, 7: 24.32, 31: 61.1 } as const;

function chiSquare(counts: Record<string, number>, expected: Record<string, number>, shots: number): number {
  let chi = 0;
  for (const [key, p] of Object.entries(expected)) {
    const want = p * shots;
    const got = counts[key] ?? 0;
    chi += ((got - want) * (got - want)) / want;
  }
  return chi;
}

function uniform(bits: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (let i = 0; i < 2 ** bits; i++) out[i.toString(2).padStart(bits, '0')] = 2 ** -bits;
  return out;
}

function totalShots(result: RunResult): number {
  return Object.values(result.counts).reduce((a, b) => a + b, 0);
}

function gate(name: GateOp['name'], qubits: number[], params: number[] = []): GateOp {
  return { kind: 'gate', name, qubits, params };
}

function qft(qubits: number): Op[] {
  const ops: Op[] = [];
  for (let j = qubits - 1; j >= 0; j--) {
    ops.push(gate('h', [j]));
    for (let k = j - 1; k >= 0; k--) ops.push(gate('cp', [k, j], [Math.PI / 2 ** (j - k)]));
  }
  for (let i = 0; i < Math.floor(qubits / 2); i++) ops.push(gate('swap', [i, qubits - 1 - i]));
  return ops;
}

/** Amplitudes equal up to one global phase factor. */
function expectSameState(a: StateVector, b: StateVector, tolerance = 1e-9): void {
  expect(a.qubits).toBe(b.qubits);
  let pivot = 0;
  for (let i = 0; i < a.re.length; i++) {
    if (Math.hypot(a.re[i] ?? 0, a.im[i] ?? 0) > Math.hypot(a.re[pivot] ?? 0, a.im[pivot] ?? 0)) pivot = i;
  }
  // phase = b[pivot] / a[pivot]
  const ar = a.re[pivot] ?? 0;
  const ai = a.im[pivot] ?? 0;
  const br = b.re[pivot] ?? 0;
  const bi = b.im[pivot] ?? 0;
  const norm = ar * ar + ai * ai;
  const pr = (br * ar + bi * ai) / norm;
  const pi = (bi * ar - br * ai) / norm;
  expect(Math.hypot(pr, pi)).toBeCloseTo(1, 9);
  for (let i = 0; i < a.re.length; i++) {
    const xr = a.re[i] ?? 0;
    const xi = a.im[i] ?? 0;
    expect(Math.abs(xr * pr - xi * pi - (b.re[i] ?? 0))).toBeLessThan(tolerance);
    expect(Math.abs(xr * pi + xi * pr - (b.im[i] ?? 0))).toBeLessThan(tolerance);
  }
}

function maxDifference(a: StateVector, b: StateVector): number {
  let worst = 0;
  for (let i = 0; i < a.re.length; i++) {
    worst = Math.max(worst, Math.abs((a.re[i] ?? 0) - (b.re[i] ?? 0)), Math.abs((a.im[i] ?? 0) - (b.im[i] ?? 0)));
  }
  return worst;
}

const BELL = `OPENQASM 2.0;
include "qelib1.inc";
qreg q[2];
creg c[2];
h q[0];
cx q[0],q[1];
measure q -> c;
`;

describe('textbook distributions', () => {
  it('a Bell pair gives only 00 and 11, each about half of the shots', () => {
    const shots = 10_000;
    const result = runCircuit(parseQasm(BELL), { shots, seed: 1 });
    expect(Object.keys(result.counts).sort()).toEqual(['00', '11']);
    expect(totalShots(result)).toBe(shots);
    expect(chiSquare(result.counts, { '00': 0.5, '11': 0.5 }, shots)).toBeLessThan(CHI2_999[1]);
  });

  it('a 3-qubit GHZ state gives only 000 and 111, each about half of the shots', () => {
    const shots = 10_000;
    const ir = parseQasm(`OPENQASM 3.0;
      include "stdgates.inc";
      qubit[3] q;
      bit[3] c;
      h q[0];
      cx q[0], q[1];
      cx q[1], q[2];
      c = measure q;`);
    const result = runCircuit(ir, { shots, seed: 2 });
    expect(Object.keys(result.counts).sort()).toEqual(['000', '111']);
    expect(chiSquare(result.counts, { '000': 0.5, '111': 0.5 }, shots)).toBeLessThan(CHI2_999[1]);
  });

  it('a 5-qubit QFT of a basis state is uniform over all 32 outcomes', () => {
    const ops: Op[] = [gate('x', [0]), gate('x', [2]), ...qft(5)];
    const circuit: Circuit = { qubits: 5, clbits: 0, ops };
    const probabilities = simulate(circuit).probabilities();
    for (const p of probabilities) expect(p).toBeCloseTo(1 / 32, 12);

    const shots = 32_000;
    const result = runCircuit(circuit, { shots, seed: 3 });
    expect(Object.keys(result.counts)).toHaveLength(32);
    expect(chiSquare(result.counts, uniform(5), shots)).toBeLessThan(CHI2_999[31]);
  });

  it('the QFT of |0..0> followed by the inverse QFT returns to |0..0>', () => {
    // Inverse QFT = the gates of the QFT reversed, with negated angles.
    const forward = qft(4);
    const inverse = [...forward].reverse().map((op) =>
      op.kind === 'gate' ? { ...op, params: op.params.map((p) => -p) } : op,
    );
    const state = simulate({ qubits: 4, clbits: 0, ops: [gate('x', [1]), ...forward, ...inverse] });
    expect(state.probabilities()[2]).toBeCloseTo(1, 12);
  });
});

describe('bit order of outcomes', () => {
  it('x on qubit 0 of two reads "01": classical bit 0 is the rightmost character', () => {
    const result = runCircuit(parseQasm('OPENQASM 2.0; qreg q[2]; creg c[2]; x q[0]; measure q -> c;'), {
      shots: 100,
      seed: 4,
    });
    expect(result.counts).toEqual({ '01': 100 });
  });

  it('the key follows the classical bit a qubit was measured into, not the qubit', () => {
    const ir = parseQasm('OPENQASM 2.0; qreg q[3]; creg c[3]; x q[0]; measure q[0] -> c[2]; measure q[1] -> c[0];');
    expect(runCircuit(ir, { shots: 10, seed: 5 }).counts).toEqual({ '100': 10 });
  });

  it('registers are concatenated in declaration order, the first register on the right', () => {
    const ir = parseQasm('OPENQASM 2.0; qreg q[2]; creg a[1]; creg b[1]; x q[1]; measure q[0] -> a[0]; measure q[1] -> b[0];');
    expect(runCircuit(ir, { shots: 10, seed: 6 }).counts).toEqual({ '10': 10 });
  });

  it('a circuit without measurements is measured on every qubit, qubit k into bit k', () => {
    const ir = parseQasm('OPENQASM 2.0; qreg q[3]; x q[1];');
    expect(runCircuit(ir, { shots: 10, seed: 7 }).counts).toEqual({ '010': 10 });
  });

  it('measuring part of an entangled state samples the marginal over the measured qubits', () => {
    // (|000> + |111>)/√2 with only qubit 2 measured into the single bit.
    const ir = parseQasm('OPENQASM 2.0; qreg q[3]; creg c[1]; h q[0]; cx q[0],q[1]; cx q[1],q[2]; measure q[2] -> c[0];');
    const shots = 10_000;
    const result = runCircuit(ir, { shots, seed: 8 });
    expect(Object.keys(result.counts).sort()).toEqual(['0', '1']);
    expect(chiSquare(result.counts, { '0': 0.5, '1': 0.5 }, shots)).toBeLessThan(CHI2_999[1]);
  });

  it('marginals of a non-uniform state match the exact probabilities of the measured qubits', () => {
    // Independent qubits: P(q0=1) = sin²(0.4), P(q2=1) = sin²(1.1); q1 is left out.
    const ir = parseQasm('OPENQASM 2.0; qreg q[3]; creg c[2]; ry(0.8) q[0]; h q[1]; ry(2.2) q[2]; measure q[0] -> c[0]; measure q[2] -> c[1];');
    const p0 = Math.sin(0.4) ** 2;
    const p2 = Math.sin(1.1) ** 2;
    const expected = {
      '00': (1 - p0) * (1 - p2),
      '01': p0 * (1 - p2),
      '10': (1 - p0) * p2,
      '11': p0 * p2,
    };
    const shots = 40_000;
    const result = runCircuit(ir, { shots, seed: 9 });
    expect(chiSquare(result.counts, expected, shots)).toBeLessThan(CHI2_999[7]);
  });
});

describe('exact amplitudes', () => {
  it.each([0.1, 1, Math.PI / 3, 2.5, Math.PI])('ry(%f) gives P(1) = sin²(θ/2) and P(0) = cos²(θ/2)', (theta) => {
    const p = simulate({ qubits: 1, clbits: 0, ops: [gate('ry', [0], [theta])] }).probabilities();
    expect(p[0]).toBeCloseTo(Math.cos(theta / 2) ** 2, 14);
    expect(p[1]).toBeCloseTo(Math.sin(theta / 2) ** 2, 14);
  });

  it.each([0.3, 1.2, 2.9])('rx(%f) gives P(1) = sin²(θ/2) with amplitude -i·sin(θ/2)', (theta) => {
    const state = simulate({ qubits: 1, clbits: 0, ops: [gate('rx', [0], [theta])] });
    expect(state.re[0]).toBeCloseTo(Math.cos(theta / 2), 14);
    expect(state.im[1]).toBeCloseTo(-Math.sin(theta / 2), 14);
    expect(state.probabilities()[1]).toBeCloseTo(Math.sin(theta / 2) ** 2, 14);
  });

  it('rotation outcomes are sampled with their cos²/sin² frequencies', () => {
    const theta = 1.3;
    const shots = 20_000;
    const result = runCircuit({ qubits: 1, clbits: 0, ops: [gate('rx', [0], [theta])] }, { shots, seed: 10 });
    const p1 = Math.sin(theta / 2) ** 2;
    expect(chiSquare(result.counts, { '0': 1 - p1, '1': p1 }, shots)).toBeLessThan(CHI2_999[1]);
  });

  it('rz and p change only phases: H·P(π/2)·H turns |0> into (1+i)/2|0> + (1-i)/2|1>', () => {
    const state = simulate({ qubits: 1, clbits: 0, ops: [gate('h', [0]), gate('p', [0], [Math.PI / 2]), gate('h', [0])] });
    expect(state.re[0]).toBeCloseTo(0.5, 14);
    expect(state.im[0]).toBeCloseTo(0.5, 14);
    expect(state.re[1]).toBeCloseTo(0.5, 14);
    expect(state.im[1]).toBeCloseTo(-0.5, 14);
  });

  it('sx twice is x and sx·sxdg is the identity', () => {
    const twice = simulate({ qubits: 1, clbits: 0, ops: [gate('sx', [0]), gate('sx', [0])] }).probabilities();
    expect(twice[1]).toBeCloseTo(1, 14);
    const undone = simulate({ qubits: 1, clbits: 0, ops: [gate('sx', [0]), gate('sxdg', [0])] });
    expect(undone.re[0]).toBeCloseTo(1, 14);
    expect(undone.im[0]).toBeCloseTo(0, 14);
  });

  it('controlled gates act only when every control is 1 (ccx truth table)', () => {
    for (let input = 0; input < 8; input++) {
      const ops: Op[] = [0, 1, 2].flatMap((q) => ((input >> q) & 1 ? [gate('x', [q])] : []));
      ops.push(gate('ccx', [0, 1, 2]));
      const p = simulate({ qubits: 3, clbits: 0, ops }).probabilities();
      const expected = (input & 3) === 3 ? input ^ 4 : input;
      expect(p[expected]).toBe(1);
    }
  });

  it('cswap exchanges its targets only when the control is 1', () => {
    const on = simulate({ qubits: 3, clbits: 0, ops: [gate('x', [0]), gate('x', [1]), gate('cswap', [0, 1, 2])] });
    expect(on.probabilities()[0b101]).toBe(1);
    const off = simulate({ qubits: 3, clbits: 0, ops: [gate('x', [1]), gate('cswap', [0, 1, 2])] });
    expect(off.probabilities()[0b010]).toBe(1);
  });

  it('the OpenQASM 2 and OpenQASM 3 spellings of one circuit give the same state', () => {
    const qasm2 = `OPENQASM 2.0;
      include "qelib1.inc";
      qreg q[3];
      creg c[3];
      U(0.3, 0.2, 0.1) q[0];
      CX q[0], q[1];
      u1(pi/8) q[2];
      cu1(pi/4) q[1], q[2];
      ch q[2], q[0];
      crz(-0.7) q[0], q[2];
      measure q -> c;`;
    const qasm3 = `OPENQASM 3.0;
      include "stdgates.inc";
      qubit[3] q;
      bit[3] c;
      U(0.3, 0.2, 0.1) q[0];
      cx q[0], q[1];
      p(π/8) q[2];
      cp(π/4) q[1], q[2];
      ch q[2], q[0];
      crz(-0.7) q[0], q[2];
      c = measure q;`;
    expectSameState(simulate(parseQasm(qasm2)), simulate(parseQasm(qasm3)));
  });

  it('qelib1 gates built from others (rzz, rxx, cu3, csx) have their textbook action', () => {
    const theta = 0.9;
    // rxx(θ)|00> = cos(θ/2)|00> - i·sin(θ/2)|11>
    const rxx = simulate(parseQasm(`OPENQASM 2.0; include "qelib1.inc"; qreg q[2]; rxx(${theta}) q[0],q[1];`));
    const reference = new StateVector(2);
    reference.re[0] = Math.cos(theta / 2);
    reference.im[3] = -Math.sin(theta / 2);
    expectSameState(reference, rxx);

    // rzz(θ) = exp(-iθ/2 Z⊗Z): on |++> it only adds relative phases e^{∓iθ/2}.
    const rzz = simulate(parseQasm(`OPENQASM 2.0; include "qelib1.inc"; qreg q[2]; h q; rzz(${theta}) q[0],q[1];`));
    const expected = new StateVector(2);
    [1, -1, -1, 1].forEach((parity, i) => {
      expected.re[i] = 0.5 * Math.cos((parity * theta) / 2);
      expected.im[i] = -0.5 * Math.sin((parity * theta) / 2);
    });
    expectSameState(expected, rzz);

    // csx with the control set applies sx: |11> ... compare with sx on its own.
    const csx = simulate(parseQasm('OPENQASM 2.0; include "qelib1.inc"; qreg q[2]; x q[0]; csx q[0],q[1];'));
    const sx = simulate(parseQasm('OPENQASM 2.0; include "qelib1.inc"; qreg q[2]; x q[0]; sx q[1];'));
    expectSameState(sx, csx);

    // cu3 with the control set is u3 on the target.
    const cu3 = simulate(parseQasm('OPENQASM 2.0; include "qelib1.inc"; qreg q[2]; x q[0]; cu3(0.4,0.5,0.6) q[0],q[1];'));
    const u3 = simulate(parseQasm('OPENQASM 2.0; include "qelib1.inc"; qreg q[2]; x q[0]; u3(0.4,0.5,0.6) q[1];'));
    expectSameState(u3, cu3);
  });
});

// An independent implementation: the npm package quantum-circuit (Qiskit conventions too).
interface QuantumCircuitInstance {
  numQubits: number;
  state: Record<string, { re: number; im: number } | undefined>;
  importQASM(source: string, onErrors: (errors: unknown[]) => void): void;
  run(): void;
}
type QuantumCircuitConstructor = new (qubits?: number) => QuantumCircuitInstance;

describe('agreement with the quantum-circuit package', () => {
  it('random circuits over every supported gate give the same state as quantum-circuit', () => {
    const QuantumCircuit = createRequire(import.meta.url)('quantum-circuit') as QuantumCircuitConstructor;
    // quantum-circuit names a few gates differently in OpenQASM 2 (it reads qelib1 names).
    const qasmName: Partial<Record<GateOp['name'], string>> = { p: 'u1', cp: 'cu1', u: 'u3' };
    const random = createRng(42);
    const qubits = 4;
    for (let trial = 0; trial < 5; trial++) {
      const lines = ['OPENQASM 2.0;', 'include "qelib1.inc";', `qreg q[${qubits}];`, 'h q;'];
      // Every gate at least once per trial, in a random order, plus as many random picks.
      const names = [...SUPPORTED_GATES, ...SUPPORTED_GATES.map(() => SUPPORTED_GATES[Math.floor(random() * SUPPORTED_GATES.length)] ?? 'h')];
      names.sort(() => random() - 0.5);
      for (const name of names) {
        const spec = GATE_SPECS[name];
        const pool = [0, 1, 2, 3];
        const chosen = Array.from({ length: spec.qubits }, () => pool.splice(Math.floor(random() * pool.length), 1)[0] ?? 0);
        const params = Array.from({ length: spec.params }, () => ((random() - 0.5) * 4 * Math.PI).toFixed(6));
        const args = params.length > 0 ? `(${params.join(',')})` : '';
        lines.push(`${qasmName[name] ?? name}${args} ${chosen.map((q) => `q[${q}]`).join(',')};`);
      }
      const source = lines.join('\n');

      const theirs = new QuantumCircuit();
      theirs.importQASM(source, (errors) => expect(errors).toEqual([]));
      theirs.run();
      const reference = new StateVector(qubits);
      for (let i = 0; i < 2 ** qubits; i++) {
        reference.re[i] = theirs.state[String(i)]?.re ?? 0;
        reference.im[i] = theirs.state[String(i)]?.im ?? 0;
      }
      expectSameState(reference, simulate(parseQasm(source)), 1e-6);
    }
  });
});

describe('cache blocking', () => {
  it('applying gates block by block gives the same state as applying them one by one', () => {
    // 17 qubits: larger than one block, so low-qubit runs are grouped and high ones are not.
    const qubits = 17;
    const random = createRng(5);
    const ops: GateOp[] = [];
    for (let q = 0; q < qubits; q++) ops.push(gate('h', [q]));
    for (let g = 0; g < 300; g++) {
      const name = SUPPORTED_GATES[Math.floor(random() * SUPPORTED_GATES.length)] ?? 'h';
      const spec = GATE_SPECS[name];
      const pool = Array.from({ length: qubits }, (_, q) => q);
      const chosen = Array.from({ length: spec.qubits }, () => pool.splice(Math.floor(random() * pool.length), 1)[0] ?? 0);
      ops.push(gate(name, chosen, Array.from({ length: spec.params }, () => (random() - 0.5) * 4 * Math.PI)));
    }
    const blocked = new StateVector(qubits);
    blocked.applyAll(ops);
    const oneByOne = new StateVector(qubits);
    for (const op of ops) oneByOne.apply(op);
    expect(maxDifference(blocked, oneByOne)).toBeLessThan(1e-12);
    const norm = blocked.probabilities().reduce((a, b) => a + b, 0);
    expect(norm).toBeCloseTo(1, 10);
  });

  it('a 17-qubit QFT, whose phase ladders are folded into tables per block, matches gate-by-gate application', () => {
    const qubits = 17;
    const ops = [gate('x', [0]), gate('x', [5]), gate('ry', [16], [0.7]), ...qft(qubits)].flatMap((op) => (op.kind === 'gate' ? [op] : []));
    const blocked = new StateVector(qubits);
    blocked.applyAll(ops);
    const oneByOne = new StateVector(qubits);
    for (const op of ops) oneByOne.apply(op);
    expect(maxDifference(blocked, oneByOne)).toBeLessThan(1e-12);
  });

  it('runs of one-qubit phase gates on a small state give the textbook phases', () => {
    // rz(a)·p(b)·t·z on |+>: relative phase between |1> and |0> is a + b + π/4 + π.
    const [a, b] = [0.3, 1.1];
    const state = simulate({
      qubits: 1,
      clbits: 0,
      ops: [gate('h', [0]), gate('rz', [0], [a]), gate('p', [0], [b]), gate('t', [0]), gate('z', [0])],
    });
    const relative = Math.atan2(state.im[1] ?? 0, state.re[1] ?? 0) - Math.atan2(state.im[0] ?? 0, state.re[0] ?? 0);
    const expected = a + b + Math.PI / 4 + Math.PI;
    expect(Math.cos(relative)).toBeCloseTo(Math.cos(expected), 12);
    expect(Math.sin(relative)).toBeCloseTo(Math.sin(expected), 12);
  });
});

describe('sampling', () => {
  it('the same seed gives the same counts and the same shot sequence', () => {
    const ir = parseQasm('OPENQASM 2.0; qreg q[4]; creg c[4]; h q; measure q -> c;');
    const a = runCircuit(ir, { shots: 500, seed: 1234, memory: true });
    const b = runCircuit(ir, { shots: 500, seed: 1234, memory: true });
    expect(b.counts).toEqual(a.counts);
    expect(b.memory).toEqual(a.memory);
    const c = runCircuit(ir, { shots: 500, seed: 1235, memory: true });
    expect(c.memory).not.toEqual(a.memory);
  });

  it('without a seed a random one is drawn and reported, so the run can be repeated', () => {
    const ir = parseQasm('OPENQASM 2.0; qreg q[3]; h q;');
    const first = runCircuit(ir, { shots: 200 });
    expect(Number.isInteger(first.seed)).toBe(true);
    expect(runCircuit(ir, { shots: 200, seed: first.seed }).counts).toEqual(first.counts);
  });

  it('memory lists one outcome per shot and agrees with the counts', () => {
    const result = runCircuit(parseQasm(BELL), { shots: 300, seed: 11, memory: true });
    expect(result.memory).toHaveLength(300);
    const tally: Record<string, number> = {};
    for (const key of result.memory ?? []) tally[key] = (tally[key] ?? 0) + 1;
    expect(tally).toEqual(result.counts);
  });

  it('memory is left out unless asked for', () => {
    expect(runCircuit(parseQasm(BELL), { shots: 10, seed: 1 }).memory).toBeUndefined();
  });

  it('the generator is uniform on [0, 1)', () => {
    const random = createRng(99);
    const bins = new Array<number>(8).fill(0);
    let min = 1;
    let max = 0;
    for (let i = 0; i < 80_000; i++) {
      const x = random();
      min = Math.min(min, x);
      max = Math.max(max, x);
      const bin = Math.floor(x * 8);
      bins[bin] = (bins[bin] ?? 0) + 1;
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    const chi = bins.reduce((sum, n) => sum + (n - 10_000) ** 2 / 10_000, 0);
    expect(chi).toBeLessThan(CHI2_999[7]);
  });

  it.each([0, -1, 1.5, 2_000_000])('shots = %d is refused', (shots) => {
    expect(() => runCircuit(parseQasm(BELL), { shots })).toThrow(CircuitError);
  });

  it('a seed outside 0..2^32-1 is refused', () => {
    expect(() => runCircuit(parseQasm(BELL), { shots: 1, seed: -1 })).toThrow(/seed/);
    expect(() => runCircuit(parseQasm(BELL), { shots: 1, seed: 2 ** 32 })).toThrow(/seed/);
  });
});

describe('limits', () => {
  it('a gate after a measurement of its qubit is refused as mid-circuit measurement', () => {
    const ir = parseQasm('OPENQASM 2.0; qreg q[2]; creg c[2]; h q[0]; measure q[0] -> c[0]; cx q[0],q[1];');
    expect(() => runCircuit(ir, { shots: 1, seed: 1 })).toThrow(/mid-circuit measurement is not supported/);
  });

  it('gates on other qubits and barriers after a measurement are allowed', () => {
    const ir = parseQasm('OPENQASM 2.0; qreg q[2]; creg c[2]; measure q[0] -> c[0]; barrier q; x q[1]; measure q[1] -> c[1];');
    expect(runCircuit(ir, { shots: 5, seed: 1 }).counts).toEqual({ '10': 5 });
  });

  it(`more than ${MAX_SIMULATOR_QUBITS} qubits are refused before any memory is allocated`, () => {
    const ir = parseQasm(`OPENQASM 2.0; qreg q[${MAX_SIMULATOR_QUBITS + 1}]; h q[0];`);
    expect(() => runCircuit(ir, { shots: 1 })).toThrow(/at most 24 qubits/);
  });

  it('an IR with an out-of-range qubit is refused, not simulated', () => {
    expect(() => simulate({ qubits: 2, clbits: 0, ops: [gate('cx', [0, 2])] })).toThrow(/out of range/);
    expect(() => simulate({ qubits: 2, clbits: 0, ops: [gate('rx', [0], [])] })).toThrow(/parameter/);
    expect(() => simulate({ qubits: 2, clbits: 0, ops: [gate('cx', [1, 1])] })).toThrow(/same qubit/);
  });
});
