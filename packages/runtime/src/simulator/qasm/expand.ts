import { GATE_SPECS } from '../circuit';
import type { GateName, Op } from '../circuit';
import { QasmError } from './errors';
import { evaluate } from './expressions';
import type { Expr } from './expressions';
import type { Token } from './lexer';

// Gates the reader knows, what expanding one costs, and the expansion itself. A custom gate's
// cost is computed once, when it is defined (its body's gates are already known then and can
// never change), so a call is charged its whole expansion before anything is expanded.

export interface GateCost {
  /** Expansion steps of one call: the call, and for a custom gate every call, argument and expression node inside it, at every level. */
  steps: number;
  /** Gates it emits. */
  operations: number;
  /** Levels of custom gates below and including it; 0 for a built-in gate. */
  nesting: number;
}

export interface GateDef {
  name: string;
  params: string[];
  qubits: string[];
  body: BodyCall[];
  cost: GateCost;
}

export interface BodyCall {
  ref: GateRef;
  params: Expr[];
  /** Expression nodes in `params`. */
  nodes: number;
  /** Indices into the enclosing gate's qubit arguments. */
  args: number[];
}

export type GateRef = { kind: 'native'; name: GateName } | { kind: 'gphase' } | { kind: 'def'; def: GateDef };

const NATIVE_COST: GateCost = Object.freeze({ steps: 1, operations: 1, nesting: 0 });
const GPHASE_COST: GateCost = Object.freeze({ steps: 1, operations: 0, nesting: 0 });

export function costOf(ref: GateRef): GateCost {
  switch (ref.kind) {
    case 'native':
      return NATIVE_COST;
    case 'gphase':
      return GPHASE_COST;
    case 'def':
      return ref.def.cost;
  }
}

export function arity(ref: GateRef): { qubits: number; params: number } {
  switch (ref.kind) {
    case 'native':
      return GATE_SPECS[ref.name];
    case 'gphase':
      return { qubits: 0, params: 1 };
    case 'def':
      return { qubits: ref.def.qubits.length, params: ref.def.params.length };
  }
}

/** A custom gate with its cost; costs may be astronomically large (or Infinity) and are compared, never used as counts. */
export function defineGate(name: string, params: string[], qubits: string[], body: BodyCall[]): GateDef {
  let steps = 1;
  let operations = 0;
  let nesting = 0;
  for (const call of body) {
    const cost = costOf(call.ref);
    steps += call.args.length + call.nodes + cost.steps;
    operations += cost.operations;
    nesting = Math.max(nesting, cost.nesting);
  }
  return { name, params, qubits, body, cost: { steps, operations, nesting: nesting + 1 } };
}

/**
 * Inlines one call into `out`. The caller has charged its cost already; recursion is as deep
 * as the gate's nesting, which MAX_GATE_NESTING bounds. Errors name the statement `at`.
 */
export function expand(at: Token, ref: GateRef, params: number[], qubits: number[], out: Op[]): void {
  switch (ref.kind) {
    case 'gphase':
      // A global phase cannot change any measurement outcome.
      return;
    case 'native': {
      for (const p of params) {
        if (!Number.isFinite(p)) throw new QasmError(`a parameter of gate '${at.text}' is not a finite number`, at.line, at.col);
      }
      out.push({ kind: 'gate', name: ref.name, qubits, params });
      return;
    }
    case 'def': {
      const env = new Map<string, number>();
      ref.def.params.forEach((name, i) => env.set(name, params[i] ?? 0));
      for (const call of ref.def.body) {
        expand(
          at,
          call.ref,
          call.params.map((expr) => evaluate(expr, env)),
          call.args.map((a) => qubits[a] ?? 0),
          out,
        );
      }
    }
  }
}
