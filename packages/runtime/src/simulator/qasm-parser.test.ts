import { describe, it, expect } from 'vitest';
import { CircuitError } from './circuit';
import type { GateOp, Op } from './circuit';
import { parseQasm, QasmError } from './qasm-parser';

function gate(name: GateOp['name'], qubits: number[], params: number[] = []): GateOp {
  return { kind: 'gate', name, qubits, params };
}

function measure(qubit: number, clbit: number): Op {
  return { kind: 'measure', qubit, clbit };
}

function parseError(source: string): QasmError {
  try {
    parseQasm(source);
  } catch (error) {
    if (error instanceof QasmError) return error;
    throw error;
  }
  throw new Error('expected a QasmError');
}

function onlyParam(source: string): number {
  const [op] = parseQasm(`OPENQASM 3.0; qubit q; rz(${source}) q;`).ops;
  if (op?.kind !== 'gate') throw new Error('expected a gate');
  return op.params[0] ?? NaN;
}

describe('OpenQASM 2', () => {
  it('reads the Bell circuit into gates and index-wise measurements', () => {
    const ir = parseQasm(`OPENQASM 2.0;
include "qelib1.inc";
qreg q[2];
creg c[2];
h q[0];
cx q[0],q[1];
barrier q;
measure q -> c;
`);
    expect(ir).toEqual({
      qubits: 2,
      clbits: 2,
      ops: [gate('h', [0]), gate('cx', [0, 1]), { kind: 'barrier' }, measure(0, 0), measure(1, 1)],
    });
  });

  it('broadcasts a gate over a whole register', () => {
    const ir = parseQasm('OPENQASM 2.0; qreg q[3]; h q;');
    expect(ir.ops).toEqual([gate('h', [0]), gate('h', [1]), gate('h', [2])]);
  });

  it('broadcasts two registers pairwise and a single qubit against a register', () => {
    const ir = parseQasm('OPENQASM 2.0; qreg a[2]; qreg b[2]; cx a, b; cx a[0], b;');
    expect(ir.ops).toEqual([gate('cx', [0, 2]), gate('cx', [1, 3]), gate('cx', [0, 2]), gate('cx', [0, 3])]);
  });

  it('flattens several registers into one index space in declaration order', () => {
    const ir = parseQasm('OPENQASM 2.0; qreg a[2]; creg x[1]; qreg b[3]; creg y[2]; x b[1]; measure b[1] -> y[1]; measure a[0] -> x[0];');
    expect(ir.qubits).toBe(5);
    expect(ir.clbits).toBe(3);
    expect(ir.ops).toEqual([gate('x', [3]), measure(3, 2), measure(0, 0)]);
  });

  it('maps the built-ins U and CX and the qelib1 names u1 and cu1', () => {
    const ir = parseQasm('OPENQASM 2.0; qreg q[2]; U(1,2,3) q[0]; CX q[0],q[1]; u1(0.5) q[1]; cu1(0.25) q[0],q[1];');
    expect(ir.ops).toEqual([
      gate('u', [0], [1, 2, 3]),
      gate('cx', [0, 1]),
      gate('u1', [1], [0.5]),
      gate('cp', [0, 1], [0.25]),
    ]);
  });

  it('inlines a custom gate, binding its parameters and qubit arguments', () => {
    const ir = parseQasm(`OPENQASM 2.0;
include "qelib1.inc";
gate rzx(param0) q0,q1 { h q1; cx q0,q1; rz(param0) q1; cx q0,q1; h q1; }
gate ecr q0,q1 { rzx(pi/4) q0,q1; x q0; rzx(-pi/4) q0,q1; }
qreg q[2];
ecr q[1],q[0];
`);
    const rzx = (angle: number): Op[] => [gate('h', [0]), gate('cx', [1, 0]), gate('rz', [0], [angle]), gate('cx', [1, 0]), gate('h', [0])];
    expect(ir.ops).toEqual([...rzx(Math.PI / 4), gate('x', [1]), ...rzx(-Math.PI / 4)]);
  });

  it('broadcasts a custom gate over registers', () => {
    const ir = parseQasm('OPENQASM 2.0; gate pair a,b { cx a,b; } qreg q[2]; qreg r[2]; pair q, r;');
    expect(ir.ops).toEqual([gate('cx', [0, 2]), gate('cx', [1, 3])]);
  });

  it('a gate redefined in terms of its earlier meaning expands once, without recursion', () => {
    const ir = parseQasm('OPENQASM 2.0; qreg q[1]; gate flip a { x a; } gate flip a { flip a; flip a; flip a; } flip q[0];');
    expect(ir.ops).toEqual([gate('x', [0]), gate('x', [0]), gate('x', [0])]);
  });

  it('ignores // and /* */ comments and keeps line numbers right after them', () => {
    const source = `// header
OPENQASM 2.0; /* a
multi-line
comment */ qreg q[1];
h q[0]; // trailing
bogus q[0];`;
    expect(parseError(source)).toMatchObject({ line: 6, column: 1 });
  });
});

describe('OpenQASM 3', () => {
  it('reads the Bell circuit with qubit/bit declarations and c = measure q', () => {
    const ir = parseQasm(`OPENQASM 3.0;
include "stdgates.inc";
qubit[2] q;
bit[2] c;
h q[0];
cx q[0], q[1];
c = measure q;
`);
    expect(ir).toEqual({ qubits: 2, clbits: 2, ops: [gate('h', [0]), gate('cx', [0, 1]), measure(0, 0), measure(1, 1)] });
  });

  it('accepts single qubits and bits and all three measurement spellings', () => {
    const ir = parseQasm(`OPENQASM 3;
qubit a;
qubit[2] b;
bit x;
bit[2] y;
x a;
x = measure a;
y[1] = measure b[0];
measure b[1] -> y[0];
`);
    expect(ir).toEqual({ qubits: 3, clbits: 3, ops: [gate('x', [0]), measure(0, 0), measure(1, 2), measure(2, 1)] });
  });

  it('reads a Qiskit-style export with a defined gate and gphase inside it', () => {
    const ir = parseQasm(`OPENQASM 3.0;
include "stdgates.inc";
gate rzx(_gate_p_0) _gate_q_0, _gate_q_1 {
  h _gate_q_1;
  cx _gate_q_0, _gate_q_1;
  rz(_gate_p_0) _gate_q_1;
  gphase(-_gate_p_0/2);
  cx _gate_q_0, _gate_q_1;
  h _gate_q_1;
}
bit[2] meas;
qubit[2] q;
rzx(pi/4) q[0], q[1];
barrier q[0], q[1];
meas[0] = measure q[0];
meas[1] = measure q[1];
`);
    expect(ir.ops).toEqual([
      gate('h', [1]),
      gate('cx', [0, 1]),
      gate('rz', [1], [Math.PI / 4]),
      gate('cx', [0, 1]),
      gate('h', [1]),
      { kind: 'barrier' },
      measure(0, 0),
      measure(1, 1),
    ]);
  });

  it('ignores a top-level gphase, which no measurement can observe', () => {
    expect(parseQasm('OPENQASM 3.0; qubit q; gphase(pi); x q;').ops).toEqual([gate('x', [0])]);
  });

  it('reads physical qubits $n as qubit n', () => {
    const ir = parseQasm('OPENQASM 3.0; bit[2] c; h $0; cx $0, $2; c[0] = measure $2;');
    expect(ir.qubits).toBe(3);
    expect(ir.ops).toEqual([gate('h', [0]), gate('cx', [0, 2]), measure(2, 0)]);
  });

  it('maps phase and cphase to p and cp', () => {
    const ir = parseQasm('OPENQASM 3.0; qubit[2] q; phase(1) q[0]; cphase(2) q[0], q[1];');
    expect(ir.ops).toEqual([gate('p', [0], [1]), gate('cp', [0, 1], [2])]);
  });
});

describe('parameter expressions', () => {
  it.each([
    ['pi/2', Math.PI / 2],
    ['π', Math.PI],
    ['-pi/4', -Math.PI / 4],
    ['tau', 2 * Math.PI],
    ['euler', Math.E],
    ['2*(pi-1)/3', (2 * (Math.PI - 1)) / 3],
    ['-(-(1.5))', 1.5],
    ['1 - 2 - 3', -4],
    ['8 / 4 / 2', 1],
    ['2 + 3 * 4', 14],
    ['1e-3', 0.001],
    ['.5', 0.5],
    ['2**3', 8],
    ['2^3^2', 512],
    ['-2^2', -4],
    ['cos(pi)', -1],
    ['sqrt(4) + ln(1)', 2],
  ])('%s evaluates to %f', (source, value) => {
    expect(onlyParam(source)).toBeCloseTo(value, 14);
  });

  it('an unknown identifier in an expression is an error, never evaluated as code', () => {
    expect(parseError('OPENQASM 3.0; qubit q; rz(process) q;').message).toMatch(/unknown identifier 'process'/);
  });

  it('an expression that is not a finite number is refused', () => {
    expect(parseError('OPENQASM 3.0; qubit q; rz(1/0) q;').message).toMatch(/not a finite number/);
  });
});

describe('errors name the line, the column and what is wrong', () => {
  it.each([
    ['OPENQASM 2.0;\nqreg q[1];\ncreg c[1];\nmeasure q[0] -> c[0];\nif(c==1) x q[0];', 5, 1, /classical control \(`if`\) is not supported/],
    ['OPENQASM 2.0;\nqreg q[1];\nreset q[0];', 3, 1, /`reset` is not supported/],
    ['OPENQASM 2.0;\nopaque magic a;', 2, 1, /opaque gate declarations are not supported/],
    ['OPENQASM 3.0;\nqubit q;\nfor int i in [0:2] { x q; }', 3, 1, /loops \(`for`\) are not supported/],
    ['OPENQASM 3.0;\nqubit q;\nwhile (true) { x q; }', 3, 1, /loops \(`while`\) are not supported/],
    ['OPENQASM 3.0;\nqubit[2] q;\nctrl @ x q[0], q[1];', 3, 1, /gate modifiers/],
    ['OPENQASM 3.0;\ninput float theta;', 2, 1, /program inputs/],
    ['OPENQASM 3.0;\nqubit q;\n  foo q;', 3, 3, /unknown gate 'foo'/],
    ['OPENQASM 2.0;\nqreg q[2];\nh q[2];', 3, 5, /index 2 is out of range: 'q' has 2 qubits/],
    ['OPENQASM 2.0;\nqreg q[2];\ncx q[0];', 3, 1, /acts on 2 qubits, got 1/],
    ['OPENQASM 2.0;\nqreg q[2];\nrx q[0];', 3, 1, /takes 1 parameter, got 0/],
    ['OPENQASM 2.0;\nqreg q[2];\ncx q[0], q[0];', 3, 1, /same qubit more than once/],
    ['OPENQASM 2.0;\nh r[0];', 2, 3, /'r' is not declared/],
    ['OPENQASM 2.0;\nqreg q[2];\nqreg r[3];\ncx q, r;', 4, 1, /different sizes \(2 and 3\)/],
    ['OPENQASM 2.0;\nqreg q[2];\ncreg c[1];\nmeasure q -> c;', 4, 1, /different sizes/],
    ['OPENQASM 2.0;\nqreg q[1];\nqreg q[2];', 3, 6, /'q' is already declared/],
    ['OPENQASM 2.0;\ninclude "mine.inc";', 2, 9, /include "mine.inc" is not supported/],
    ['OPENQASM 4.0;', 1, 10, /version '4.0' is not supported/],
    ['OPENQASM 2.0;\nqreg q[1];\n/* never closed', 3, 1, /unterminated \/\* comment/],
    ['OPENQASM 2.0;\ngate g(a) x { rz(b) x; }', 2, 18, /unknown identifier 'b'/],
    ['OPENQASM 2.0;\ngate g x { cx x, y; }', 2, 18, /'y' is not an argument of this gate/],
    ['OPENQASM 2.0;\ngate g x { later x; }', 2, 12, /unknown gate 'later'/],
    ['OPENQASM 2.0;\nqreg q[1];\nh q[0]', 3, 7, /expected ';' but found end of input/],
    ['OPENQASM 3.0;\nqubit[2] q;\nh q[0:1];', 3, 6, /index ranges are not supported/],
    ['OPENQASM 3.0;\nqubit q;\nbit c;\nc = 1;', 4, 5, /classical assignment is not supported/],
    ['OPENQASM 3.0;\nqubit q;\nmeasure q;', 3, 10, /measure needs a target/],
    ['OPENQASM 2.0;\nqreg q[1];\nh q[0]; ?', 3, 9, /unexpected character '\?'/],
  ])('%#: %j fails at %i:%i', (source, line, column, message) => {
    const error = parseError(source);
    expect(error).toBeInstanceOf(CircuitError);
    expect({ line: error.line, column: error.column }).toEqual({ line, column });
    expect(error.message).toMatch(message);
    expect(error.message).toMatch(new RegExp(`^line ${line}, column ${column}: `));
  });

  it('a program that expands past the operation limit is refused instead of exhausting memory', () => {
    const lines = ['OPENQASM 2.0;', 'qreg q[1];', 'gate g0 a { x a; x a; x a; x a; }'];
    for (let i = 1; i <= 12; i++) lines.push(`gate g${i} a { g${i - 1} a; g${i - 1} a; g${i - 1} a; g${i - 1} a; }`);
    lines.push('g12 q[0];');
    expect(() => parseQasm(lines.join('\n'))).toThrow(/exceeds the limit of 250000 operations \(MAX_OPERATIONS\)/);
    expect(() => parseQasm('OPENQASM 2.0; qreg q[1]; x q; x q; x q;', { maxOps: 2 })).toThrow(/exceeds the limit of 2 operations/);
  });

  it("reads Amazon Braket's OpenQASM 3 with its built-in gate names, as PlanQK's SDK writes it", () => {
    const braket = 'OPENQASM 3.0;\nbit[2] b;\nqubit[2] q;\nh q[0];\ncnot q[0], q[1];\nsi q[0];\nti q[1];\nv q[0];\nvi q[1];\nphaseshift(0.5) q[0];\ncphaseshift(0.25) q[0], q[1];\ni q[0];\nb[0] = measure q[0];\nb[1] = measure q[1];';
    expect(parseQasm(braket).ops.filter((op) => op.kind === 'gate')).toEqual([
      gate('h', [0]),
      gate('cx', [0, 1]),
      gate('sdg', [0]),
      gate('tdg', [1]),
      gate('sx', [0]),
      gate('sxdg', [1]),
      gate('p', [0], [0.5]),
      gate('cp', [0, 1], [0.25]),
      gate('id', [0]),
    ]);
    // A program's own definition of such a name wins over Braket's.
    const own = parseQasm('OPENQASM 3.0;\nqubit[1] q;\ngate v a { x a; }\nv q[0];');
    expect(own.ops).toEqual([gate('x', [0])]);
  });
});
