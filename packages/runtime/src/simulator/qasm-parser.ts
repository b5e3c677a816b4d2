import type { Circuit } from './circuit';
import { Budget } from './limits';
import type { QasmLimits } from './limits';
import { Parser, builtinGates } from './qasm/parser';

// The entry point of the OpenQASM 2/3 reader. The reader itself lives in qasm/: lexer,
// expressions, gate expansion and statements; what it may cost is in limits.ts.

export { QasmError } from './qasm/errors';

export interface ParseQasmOptions {
  /** Lower (or, for trusted input, raise) any of the limits in limits.ts for this call. */
  limits?: Partial<QasmLimits>;
  /** Refuse programs that expand to more operations than this; the same as `limits.maxOperations`. */
  maxOps?: number;
}

/**
 * Parses an OpenQASM 2 or 3 program into the circuit IR. Registers are flattened in
 * declaration order: the first declared quantum register holds qubits 0..n-1, and likewise
 * for classical bits. Measurements may appear anywhere here; whether a backend can run a
 * measurement in the middle of a circuit is the backend's decision. A program over any limit
 * of limits.ts is refused with a QasmError (a CircuitError) naming the limit and the line.
 */
export function parseQasm(source: string, options: ParseQasmOptions = {}): Circuit {
  const limits = options.maxOps === undefined ? options.limits : { ...options.limits, maxOperations: options.maxOps };
  return new Parser(source, builtinGates(), new Budget(limits)).parseProgram();
}
