import { CircuitError } from './circuit';
import type { Circuit } from './circuit';
import { QasmError } from './qasm/errors';

// Every limit on the work that reading or simulating a circuit may cost, in one place.
//
// Reading a program happens on the request thread (POST /quantum/jobs), so its cost must be
// bounded by the limits below whatever the program says: a few hundred bytes of nested gate
// definitions can otherwise ask for 10^9 expansion steps, and a few thousand parentheses for
// a stack overflow. The parsers count every unit of work (tokens, expansion steps, expression
// nodes, emitted operations) and refuse a program the moment it would cross a limit, naming
// the limit and the line. Measured on our 2-core machines under load, a program just under
// the limits reads in: 500,000 tokens ≈ 250 ms, 2,000,000 expansion steps ≈ 80 ms, 250,000
// operations ≈ 500 ms; every refusal of the bombs in limits.test.ts takes a few ms at most.

/** The API's body limit (1 MiB) too, so only direct callers of the parser ever meet it. */
export const MAX_PROGRAM_BYTES = 1_048_576;

/** Tokens in one program: about 45,000 statements such as `cx q[0], q[1];`. */
export const MAX_TOKENS = 500_000;

/**
 * Steps of gate expansion: every gate call (inlined at every level of every custom gate,
 * gphase included), every expression node evaluated, every measurement and every qubit a
 * whole-register argument stands for.
 */
export const MAX_EXPANSION_STEPS = 2_000_000;

/** Operations (gates, measurements, barriers) a program expands to: far more than any QPU runs. */
export const MAX_OPERATIONS = 250_000;

/** Nesting of parentheses and function calls in one parameter expression. */
export const MAX_EXPRESSION_DEPTH = 64;

/** Custom gates defined in terms of custom gates, this many levels deep at most. */
export const MAX_GATE_NESTING = 64;

/** Far above what any provider runs; it only keeps a typo such as q[100000000] harmless. */
export const MAX_DECLARED_QUBITS = 4096;
export const MAX_DECLARED_BITS = 4096;

/** IonQ caps its QPUs far below this; the bound only keeps nonsense input cheap to refuse. */
export const MAX_IONQ_QUBITS = 1024;

/** Entries of an IonQ `circuit` array (each emits at least one operation). */
export const MAX_IONQ_GATES = MAX_OPERATIONS;

/** A valid IonQ circuit nests 4 levels deep (object, array, gate, targets). */
export const MAX_IONQ_JSON_DEPTH = 8;

/**
 * Work of one local simulation, in amplitude updates: gates × 2^qubits. One gate on 24 qubits
 * sweeps 2^24 amplitudes, about 40 ms on our 2-core machines; 2^34 is then ~40 s of one core:
 * 1,024 gates on 24 qubits, 4,096 on 22, 16,384 on 20. It admits a legitimate 24-qubit job of
 * a few hundred gates (the 196-gate job of issue 12 costs 3.3 × 10^9) and refuses the 513-byte
 * program that expands to ~900,000 `h` on 24 qubits (1.5 × 10^13, about ten hours). The same
 * default as the server's QONDUIT_SIMULATOR_MAX_WORK.
 */
export const MAX_SIMULATION_WORK = 2 ** 34;

// ---------------------------------------------------------------------------------------
// Counting

export interface QasmLimits {
  maxProgramBytes: number;
  maxTokens: number;
  maxExpansionSteps: number;
  maxOperations: number;
  maxExpressionDepth: number;
  maxGateNesting: number;
}

export const QASM_LIMITS: Readonly<QasmLimits> = Object.freeze({
  maxProgramBytes: MAX_PROGRAM_BYTES,
  maxTokens: MAX_TOKENS,
  maxExpansionSteps: MAX_EXPANSION_STEPS,
  maxOperations: MAX_OPERATIONS,
  maxExpressionDepth: MAX_EXPRESSION_DEPTH,
  maxGateNesting: MAX_GATE_NESTING,
});

/** Where in the program a unit of work was asked for. */
export interface Position {
  line: number;
  col: number;
}

// Counts past 2^53 (a gate bomb's expansion easily gets there) are no longer exact integers.
function count(n: number): string {
  return n <= Number.MAX_SAFE_INTEGER ? String(n) : `more than ${Number.MAX_SAFE_INTEGER}`;
}

/**
 * The work one program may cost. Every counter is checked as it grows, and a gate call is
 * charged its whole (precomputed) expansion before it is expanded, so a program over budget
 * is refused before the work is done, at the line that asked for it.
 */
export class Budget {
  readonly limits: Readonly<QasmLimits>;
  private tokens = 0;
  private steps = 0;
  private operations = 0;

  constructor(limits: Partial<QasmLimits> = {}) {
    this.limits = { ...QASM_LIMITS, ...limits };
  }

  checkProgramSize(source: string): void {
    const max = this.limits.maxProgramBytes;
    // A UTF-16 unit is 1 to 3 UTF-8 bytes, so the exact count is needed only in between.
    const bytes = source.length > max || source.length * 3 <= max ? source.length : utf8Length(source);
    if (bytes > max) {
      throw new CircuitError(
        `the program is ${source.length > max ? `more than ${max}` : bytes} bytes long, which exceeds the limit of ${max} bytes (MAX_PROGRAM_BYTES)`,
      );
    }
  }

  countToken(at: Position): void {
    this.tokens += 1;
    if (this.tokens > this.limits.maxTokens) {
      throw refuse(at, `the program exceeds the limit of ${this.limits.maxTokens} tokens (MAX_TOKENS)`);
    }
  }

  /** `what` names the work in the message, e.g. "calling 'g' here". */
  countSteps(n: number, at: Position, what: string): void {
    this.steps += n;
    if (this.steps > this.limits.maxExpansionSteps) {
      throw refuse(
        at,
        `${what} takes the program to ${count(this.steps)} expansion steps, which exceeds the limit of ${this.limits.maxExpansionSteps} expansion steps (MAX_EXPANSION_STEPS)`,
      );
    }
  }

  countOperations(n: number, at: Position, what: string): void {
    this.operations += n;
    if (this.operations > this.limits.maxOperations) {
      throw refuse(
        at,
        `${what} takes the circuit to ${count(this.operations)} operations, which exceeds the limit of ${this.limits.maxOperations} operations (MAX_OPERATIONS)`,
      );
    }
  }

  checkExpressionDepth(depth: number, at: Position): void {
    if (depth > this.limits.maxExpressionDepth) {
      throw refuse(
        at,
        `the expression nests deeper than ${this.limits.maxExpressionDepth} parentheses or function calls, which exceeds the limit of ${this.limits.maxExpressionDepth} levels (MAX_EXPRESSION_DEPTH)`,
      );
    }
  }

  checkGateNesting(depth: number, at: Position, name: string): void {
    if (depth > this.limits.maxGateNesting) {
      throw refuse(
        at,
        `gate '${name}' nests ${depth} gate definitions deep, which exceeds the limit of ${this.limits.maxGateNesting} levels (MAX_GATE_NESTING)`,
      );
    }
  }
}

function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    // Each half of a surrogate pair counts 2, so a pair counts the 4 bytes it encodes to.
    bytes += unit < 0x80 ? 1 : unit < 0x800 || (unit >= 0xd800 && unit <= 0xdfff) ? 2 : 3;
  }
  return bytes;
}

function refuse(at: Position, message: string): QasmError {
  return new QasmError(message, at.line, at.col);
}

// ---------------------------------------------------------------------------------------
// The local simulator

/** Amplitude updates a state-vector run of the circuit costs: gates × 2^qubits. */
export function simulationCost(circuit: Circuit): number {
  let gates = 0;
  for (const op of circuit.ops) if (op.kind === 'gate') gates += 1;
  return gates * 2 ** circuit.qubits;
}

/**
 * Refuses, before anything runs, a circuit the local simulator would take too long on. Meant
 * for submission (a 400 there) and for the simulator worker before it starts a job.
 */
export function assertSimulationBudget(circuit: Circuit, maxWork: number = MAX_SIMULATION_WORK): void {
  const problem = simulationBudgetProblem(simulationCost(circuit), circuit.qubits, maxWork);
  if (problem) throw new CircuitError(problem);
}

/** Why a circuit of this cost is over the budget, or null; for callers that hold only the numbers. */
export function simulationBudgetProblem(cost: number, qubits: number, maxWork: number = MAX_SIMULATION_WORK): string | null {
  if (cost <= maxWork) return null;
  const gates = cost / 2 ** qubits;
  return `simulating ${gates} gates on ${qubits} qubits takes ${count(cost)} amplitude updates, which exceeds the limit of ${maxWork} amplitude updates (MAX_SIMULATION_WORK) of the local simulator; use fewer gates or qubits`;
}
