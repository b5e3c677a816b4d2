import { describe, it, expect } from 'vitest';
import { CircuitError } from './circuit';
import type { Circuit, GateOp } from './circuit';
import {
  MAX_EXPANSION_STEPS,
  MAX_EXPRESSION_DEPTH,
  MAX_GATE_NESTING,
  MAX_OPERATIONS,
  MAX_PROGRAM_BYTES,
  MAX_SIMULATION_WORK,
  MAX_TOKENS,
  assertSimulationBudget,
  simulationCost,
} from './limits';
import { parseQasm, QasmError } from './qasm-parser';

// Each program here is what a hostile or careless client can send to POST /quantum/jobs. Each
// must be refused by the reader with a CircuitError (a 400) that names the limit, never hang
// the request thread or overflow the stack (a 500).

function refusal(run: () => unknown): CircuitError {
  try {
    run();
  } catch (error) {
    if (error instanceof CircuitError) return error;
    throw error;
  }
  throw new Error('expected a CircuitError');
}

function qasmRefusal(source: string, options?: Parameters<typeof parseQasm>[1]): QasmError {
  const error = refusal(() => parseQasm(source, options));
  if (!(error instanceof QasmError)) throw new Error(`expected a QasmError with a line, got: ${error.message}`);
  return error;
}

function lineOf(lines: string[], text: string): number {
  const index = lines.indexOf(text);
  if (index < 0) throw new Error(`no line ${text}`);
  return index + 1;
}

function onlyParam(expression: string): number {
  const [op] = parseQasm(`OPENQASM 3.0;\nqubit q;\nrz(${expression}) q;`).ops;
  if (op?.kind !== 'gate') throw new Error('expected a gate');
  return op.params[0] ?? NaN;
}

/** `gate l0 a { <leaf> ×fanOut }`, `gate lk a { l(k-1) a; ×fanOut }` up to `levels - 1`. */
function nestedGates(levels: number, fanOut: number, leaf: string): string[] {
  const lines = [`gate l0 a { ${Array(fanOut).fill(leaf).join(' ')} }`];
  for (let k = 1; k < levels; k++) lines.push(`gate l${k} a { ${Array(fanOut).fill(`l${k - 1} a;`).join(' ')} }`);
  return lines;
}

describe('the QASM reader counts expansion, not only emitted operations', () => {
  it('refuses the 750-byte gate bomb (10 levels × 8 gphase calls, 10^9 expansions) at the line that calls it', () => {
    const lines = ['OPENQASM 3.0;', 'include "stdgates.inc";', 'qubit q;', ...nestedGates(10, 8, 'gphase(0);'), 'l9 q;'];
    const source = lines.join('\n');
    expect(source.length).toBeLessThan(800);
    const error = qasmRefusal(source);
    expect(error.message).toMatch(`exceeds the limit of ${MAX_EXPANSION_STEPS} expansion steps (MAX_EXPANSION_STEPS)`);
    expect(error.line).toBe(lineOf(lines, 'l9 q;'));
  });

  it('refuses a bomb of real gates by the operations it would emit, before emitting them', () => {
    const lines = ['OPENQASM 2.0;', 'qreg q[1];', ...nestedGates(10, 8, 'x a;'), 'l9 q[0];'];
    const error = qasmRefusal(lines.join('\n'));
    expect(error.message).toMatch(`exceeds the limit of ${MAX_OPERATIONS} operations (MAX_OPERATIONS)`);
    expect(error.line).toBe(lines.length);
  });

  it('refuses the 513-byte 24-qubit program of ~900,000 h operations at submission', () => {
    const lines = ['OPENQASM 2.0;', 'include "qelib1.inc";', 'qreg q[24];', 'gate h1 a { h a; h a; h a; }'];
    for (let k = 2; k <= 9; k++) lines.push(`gate h${k} a { h${k - 1} a; h${k - 1} a; h${k - 1} a; }`);
    lines.push('h9 q;', 'h9 q;');
    const source = lines.join('\n');
    expect(source.length).toBeLessThan(600);
    const error = refusal(() => assertSimulationBudget(parseQasm(source)));
    expect(error.message).toMatch(/MAX_OPERATIONS|MAX_SIMULATION_WORK/);
  });

  it('counts the expression nodes a gate body evaluates at every call', () => {
    // 4,096 operations, far under the operation limit, but each evaluates a 1,000-node angle.
    const sum = Array(500).fill('t').join(' + ');
    const lines = ['OPENQASM 3.0;', 'qubit q;', `gate e(t) a { rz(${sum}) a; }`];
    lines.push(`gate f1(t) a { ${Array(8).fill('e(t) a;').join(' ')} }`);
    for (let k = 2; k <= 4; k++) lines.push(`gate f${k}(t) a { ${Array(8).fill(`f${k - 1}(t) a;`).join(' ')} }`);
    lines.push('f4(0.001) q;');
    const error = qasmRefusal(lines.join('\n'));
    expect(error.message).toMatch('(MAX_EXPANSION_STEPS)');
    expect(error.line).toBe(lines.length);
  });

  it('counts every qubit a whole-register argument stands for', () => {
    const source = `OPENQASM 3.0;\nqubit[4096] q;\nbarrier ${Array(1000).fill('q').join(', ')};`;
    const error = qasmRefusal(source);
    expect(error.message).toMatch('(MAX_EXPANSION_STEPS)');
    expect(error.line).toBe(3);
  });

  it('still expands a legitimate program with nested gates exactly', () => {
    const lines = ['OPENQASM 2.0;', 'qreg q[2];', ...nestedGates(4, 4, 'x a;'), 'l3 q;'];
    expect(parseQasm(lines.join('\n')).ops).toHaveLength(2 * 4 ** 4);
  });

  it('takes lower limits as options', () => {
    const source = 'OPENQASM 2.0;\nqreg q[1];\nx q; x q; x q;';
    expect(qasmRefusal(source, { limits: { maxExpansionSteps: 2 } }).message).toMatch('exceeds the limit of 2 expansion steps');
    expect(qasmRefusal(source, { limits: { maxTokens: 10 } }).message).toMatch('exceeds the limit of 10 tokens (MAX_TOKENS)');
    expect(qasmRefusal(source, { limits: { maxOperations: 2 } }).message).toMatch('exceeds the limit of 2 operations');
  });
});

describe('the QASM reader refuses deep nesting with a 400, never a stack overflow', () => {
  it('refuses rz( with 5,000 parentheses by the expression depth limit', () => {
    const error = qasmRefusal(`OPENQASM 3.0;\nqubit q;\nrz(${'('.repeat(5000)}1${')'.repeat(5000)}) q;`);
    expect(error.message).toMatch(`exceeds the limit of ${MAX_EXPRESSION_DEPTH} levels (MAX_EXPRESSION_DEPTH)`);
    expect(error.line).toBe(3);
  });

  it('refuses 5,000 nested function calls and nested parentheses inside a gate body', () => {
    expect(qasmRefusal(`OPENQASM 3.0;\nqubit q;\nrz(${'sin('.repeat(5000)}1${')'.repeat(5000)}) q;`).message).toMatch(
      '(MAX_EXPRESSION_DEPTH)',
    );
    const error = qasmRefusal(`OPENQASM 3.0;\nqubit q;\ngate g(t) a {\n rz(${'-('.repeat(5000)}t${')'.repeat(5000)}) a;\n}`);
    expect(error.message).toMatch('(MAX_EXPRESSION_DEPTH)');
    expect(error.line).toBe(4);
  });

  it('reads parentheses nested up to the limit', () => {
    const depth = MAX_EXPRESSION_DEPTH - 1;
    expect(onlyParam(`${'('.repeat(depth)}0.5${')'.repeat(depth)}`)).toBe(0.5);
  });

  it('reads long +, *, ^ and sign chains without recursion', () => {
    expect(onlyParam(Array(100_000).fill('1').join('+'))).toBe(100_000);
    expect(onlyParam(Array(50_000).fill('1').join(' - '))).toBe(1 - 49_999);
    expect(onlyParam(Array(50_000).fill('1').join('*'))).toBe(1);
    expect(onlyParam(Array(50_000).fill('1').join('^'))).toBe(1);
    expect(onlyParam(Array(50_000).fill('1').join('**'))).toBe(1);
    expect(onlyParam(`${'-'.repeat(50_000)}0.25`)).toBe(0.25);
    expect(onlyParam(`${'-'.repeat(50_001)}0.25`)).toBe(-0.25);
  });

  it('keeps ^ right-associative and binding tighter than a sign on either side', () => {
    expect(onlyParam('2^3^2')).toBe(512);
    expect(onlyParam('-2^2')).toBe(-4);
    expect(onlyParam('2^-1')).toBe(0.5);
    expect(onlyParam('2^-3^2')).toBe(2 ** -9);
    expect(onlyParam('-2^-2^-1')).toBeCloseTo(-(2 ** -(2 ** -1)), 15);
    expect(onlyParam('2*3^2/6')).toBe(3);
  });

  it('refuses a long ^ chain that overflows as not a finite number', () => {
    expect(qasmRefusal(`OPENQASM 3.0;\nqubit q;\nrz(${Array(1000).fill('2').join('^')}) q;`).message).toMatch(/not a finite number/);
  });

  it('refuses a 20,000-deep chain of gate definitions at the first one past the nesting limit', () => {
    const lines = ['OPENQASM 2.0;', 'qreg q[1];', 'gate g0 a { x a; }'];
    for (let k = 1; k <= 20_000; k++) lines.push(`gate g${k} a { g${k - 1} a; }`);
    lines.push('g20000 q[0];');
    const error = qasmRefusal(lines.join('\n'));
    expect(error.message).toMatch(`exceeds the limit of ${MAX_GATE_NESTING} levels (MAX_GATE_NESTING)`);
    expect(error.line).toBe(lineOf(lines, `gate g${MAX_GATE_NESTING} a { g${MAX_GATE_NESTING - 1} a; }`));
  });

  it('expands gates nested as deep as the limit allows', () => {
    const lines = ['OPENQASM 2.0;', 'qreg q[1];', 'gate g0 a { x a; }'];
    for (let k = 1; k < MAX_GATE_NESTING; k++) lines.push(`gate g${k} a { g${k - 1} a; }`);
    lines.push(`g${MAX_GATE_NESTING - 1} q[0];`);
    expect(parseQasm(lines.join('\n')).ops).toEqual([{ kind: 'gate', name: 'x', qubits: [0], params: [] }]);
  });
});

describe('the QASM reader bounds the program itself', () => {
  it('counts every token', () => {
    const source = `OPENQASM 3.0;\nqubit q;\nrz(${'1+'.repeat(MAX_TOKENS / 2)}1) q;`;
    expect(source.length).toBeLessThan(MAX_PROGRAM_BYTES);
    const error = qasmRefusal(source);
    expect(error.message).toMatch(`exceeds the limit of ${MAX_TOKENS} tokens (MAX_TOKENS)`);
    expect(error.line).toBe(3);
  });

  it('refuses a program longer than the byte limit, counting UTF-8 bytes', () => {
    expect(refusal(() => parseQasm(`OPENQASM 3.0;\n// ${'x'.repeat(MAX_PROGRAM_BYTES)}`)).message).toMatch(
      `exceeds the limit of ${MAX_PROGRAM_BYTES} bytes (MAX_PROGRAM_BYTES)`,
    );
    const wide = `OPENQASM 3.0;\n// ${'é'.repeat(MAX_PROGRAM_BYTES / 2)}`;
    expect(wide.length).toBeLessThan(MAX_PROGRAM_BYTES);
    expect(refusal(() => parseQasm(wide)).message).toMatch('(MAX_PROGRAM_BYTES)');
  });

  it('refuses a loop of 10^9 iterations at once (loops are not run by this reader)', () => {
    const error = qasmRefusal('OPENQASM 3.0;\nqubit q;\nfor uint i in [0:1000000000] { h q; }');
    expect(error.message).toMatch(/loops \(`for`\) are not supported/);
    expect(error.line).toBe(3);
  });
});

describe('the local simulator refuses a job over its work budget at submission', () => {
  const hOn = (qubit: number): GateOp => ({ kind: 'gate', name: 'h', qubits: [qubit], params: [] });
  const circuitOf = (qubits: number, gates: number): Circuit => ({
    qubits,
    clbits: 0,
    ops: Array.from({ length: gates }, (_, i) => hOn(i % qubits)),
  });

  it('costs gates × 2^qubits, not counting measurements and barriers', () => {
    const circuit: Circuit = {
      qubits: 3,
      clbits: 3,
      ops: [hOn(0), hOn(1), { kind: 'barrier' }, { kind: 'measure', qubit: 0, clbit: 0 }],
    };
    expect(simulationCost(circuit)).toBe(2 * 8);
  });

  it('admits a legitimate 24-qubit job of a few hundred gates', () => {
    expect(() => assertSimulationBudget(circuitOf(24, 200))).not.toThrow();
    expect(() => assertSimulationBudget(circuitOf(20, 8000))).not.toThrow();
  });

  it('refuses ~900,000 gates on 24 qubits, naming the limit', () => {
    const error = refusal(() => assertSimulationBudget(circuitOf(24, 900_000)));
    expect(error.message).toMatch(`exceeds the limit of ${MAX_SIMULATION_WORK}`);
    expect(error.message).toMatch('(MAX_SIMULATION_WORK)');
    expect(error.message).toMatch(/24 qubits/);
  });
});
