import { SUPPORTED_GATES } from '../circuit';
import type { Circuit, GateName, Op } from '../circuit';
import { Budget, MAX_DECLARED_BITS, MAX_DECLARED_QUBITS } from '../limits';
import { arity, costOf, defineGate, expand } from './expand';
import type { BodyCall, GateRef } from './expand';
import { evaluate, parseParamList } from './expressions';
import { Lexer, TokenStream } from './lexer';
import type { Token } from './lexer';

// The statements of the part of OpenQASM 2 and 3 that describes a plain gate circuit with
// terminal measurements: what cloud providers and our simulator can run. Anything with
// classical control or control flow is refused with the line and column where it starts.

// Spellings from qelib1.inc / stdgates.inc that are the same operation as an IR gate.
// U differs from u3 only by a global phase, which no measurement can see.
const ALIASES: ReadonlyArray<[string, GateName]> = [
  ['U', 'u'],
  ['CX', 'cx'],
  ['phase', 'p'],
  ['cphase', 'cp'],
  ['cu1', 'cp'],
  // Amazon Braket's built-in gate names: Braket programs (and PlanQK's SDK, which writes them
  // for its AWS backends) use them without an include. A program's own definitions win.
  ['i', 'id'],
  ['cnot', 'cx'],
  ['si', 'sdg'],
  ['ti', 'tdg'],
  ['v', 'sx'],
  ['vi', 'sxdg'],
  ['phaseshift', 'p'],
  ['cphaseshift', 'cp'],
  ['ccnot', 'ccx'],
];

// The rest of qelib1.inc / stdgates.inc, written with IR gates (definitions as in qelib1.inc).
const PRELUDE = `
gate cu3(theta,phi,lambda) c,t { u1((lambda+phi)/2) c; u1((lambda-phi)/2) t; cx c,t; u3(-theta/2,0,-(phi+lambda)/2) t; cx c,t; u3(theta/2,phi,0) t; }
gate cu(theta,phi,lambda,gamma) c,t { p(gamma) c; cu3(theta,phi,lambda) c,t; }
gate csx a,b { h b; cp(pi/2) a,b; h b; }
gate rzz(theta) a,b { cx a,b; u1(theta) b; cx a,b; }
gate rxx(theta) a,b { u3(pi/2,theta,0) a; h b; cx a,b; u1(-theta) b; cx a,b; h b; u2(-pi,pi-theta) a; }
`;

const BUILTIN_NAMES = new Set(['U', 'CX', 'gphase']);

const BUILTIN_INCLUDES = new Set(['qelib1.inc', 'stdgates.inc']);

// Loops are refused here rather than run, so no iteration is ever counted: a `for` over 10^9
// values costs its tokens and nothing more.
const UNSUPPORTED: ReadonlyMap<string, string> = new Map([
  ['if', 'classical control (`if`) is not supported'],
  ['else', 'classical control (`else`) is not supported'],
  ['reset', '`reset` is not supported'],
  ['opaque', 'opaque gate declarations are not supported'],
  ['for', 'loops (`for`) are not supported'],
  ['while', 'loops (`while`) are not supported'],
  ['break', 'loops (`break`) are not supported'],
  ['continue', 'loops (`continue`) are not supported'],
  ['switch', 'classical control (`switch`) is not supported'],
  ['def', 'subroutines (`def`) are not supported'],
  ['return', 'subroutines (`return`) are not supported'],
  ['extern', '`extern` declarations are not supported'],
  ['cal', 'pulse calibrations (`cal`) are not supported'],
  ['defcal', 'pulse calibrations (`defcal`) are not supported'],
  ['defcalgrammar', 'pulse calibrations (`defcalgrammar`) are not supported'],
  ['delay', 'timing instructions (`delay`) are not supported'],
  ['box', 'timing instructions (`box`) are not supported'],
  ['input', 'program inputs (`input`) are not supported'],
  ['output', 'program outputs (`output`) are not supported'],
  ['pragma', 'pragmas are not supported'],
  ['ctrl', 'gate modifiers (`ctrl @`) are not supported'],
  ['negctrl', 'gate modifiers (`negctrl @`) are not supported'],
  ['inv', 'gate modifiers (`inv @`) are not supported'],
  ['pow', 'gate modifiers (`pow @`) are not supported'],
  ['end', '`end` is not supported'],
  ...['int', 'uint', 'float', 'angle', 'bool', 'complex', 'duration', 'stretch', 'array', 'const', 'let'].map(
    (word): [string, string] => [word, `classical variables (\`${word}\`) are not supported`],
  ),
]);

interface Register {
  kind: 'qubit' | 'bit';
  offset: number;
  size: number;
}

/** One argument of a statement: the flat indices it stands for and whether it was a whole register. */
interface Arg {
  indices: number[];
  whole: boolean;
}

export class Parser {
  private readonly ts: TokenStream;
  private readonly budget: Budget;
  private readonly registers = new Map<string, Register>();
  private qubitCount = 0;
  private clbitCount = 0;
  private physicalQubits = -1;
  private readonly ops: Op[] = [];
  readonly gates: Map<string, GateRef>;

  constructor(source: string, gates: Map<string, GateRef>, budget: Budget) {
    budget.checkProgramSize(source);
    this.ts = new TokenStream(new Lexer(source, budget));
    this.gates = gates;
    this.budget = budget;
  }

  parseProgram(): Circuit {
    let first = true;
    while (this.ts.peek().kind !== 'eof') {
      this.parseStatement(first);
      first = false;
    }
    if (this.physicalQubits >= 0) this.qubitCount = this.physicalQubits + 1;
    return { qubits: this.qubitCount, clbits: this.clbitCount, ops: this.ops };
  }

  // --- statements

  private parseStatement(first: boolean): void {
    const { ts } = this;
    const tok = ts.next();
    if (tok.kind === 'sym' && tok.text === '#') throw ts.error(tok, 'pragmas are not supported');
    if (tok.kind === 'sym' && tok.text === '@') throw ts.error(tok, 'annotations are not supported');
    if (tok.kind !== 'id') throw ts.error(tok, `expected a statement but found ${ts.describe(tok)}`);

    const unsupported = UNSUPPORTED.get(tok.text);
    if (unsupported !== undefined) throw ts.error(tok, unsupported);

    switch (tok.text) {
      case 'OPENQASM':
        return this.parseVersion(tok, first);
      case 'include':
        return this.parseInclude();
      case 'qreg':
      case 'creg':
        return this.parseOldDeclaration(tok.text === 'qreg' ? 'qubit' : 'bit');
      case 'qubit':
      case 'bit':
        return this.parseNewDeclaration(tok.text);
      case 'gate':
        return this.parseGateDefinition();
      case 'measure':
        return this.parseMeasureArrow(tok);
      case 'barrier':
        return this.parseBarrier();
      default:
        if (ts.isSym('=') || ts.isSym('[')) return this.parseAssignment(tok);
        return this.parseGateCall(tok);
    }
  }

  private parseVersion(tok: Token, first: boolean): void {
    const { ts } = this;
    if (!first) throw ts.error(tok, 'OPENQASM must be the first statement');
    const version = ts.next();
    if (version.kind !== 'num' || !/^(2\.0|3(\.\d+)?)$/.test(version.text)) {
      throw ts.error(version, `OpenQASM version ${ts.describe(version)} is not supported (use 2.0 or 3)`);
    }
    ts.expectSym(';');
  }

  private parseInclude(): void {
    const { ts } = this;
    const file = ts.next();
    if (file.kind !== 'str') throw ts.error(file, `expected a file name in quotes but found ${ts.describe(file)}`);
    if (!BUILTIN_INCLUDES.has(file.text)) {
      throw ts.error(file, `include "${file.text}" is not supported (only qelib1.inc and stdgates.inc are built in)`);
    }
    ts.expectSym(';');
  }

  // qreg q[2]; creg c[2];
  private parseOldDeclaration(kind: 'qubit' | 'bit'): void {
    const { ts } = this;
    const name = ts.expectId('a register name');
    let size = 1;
    if (ts.isSym('[')) {
      ts.next();
      size = ts.expectInteger('a register size').value;
      ts.expectSym(']');
    }
    ts.expectSym(';');
    this.declare(kind, name, size);
  }

  // qubit[2] q; bit c;
  private parseNewDeclaration(kind: 'qubit' | 'bit'): void {
    const { ts } = this;
    let size = 1;
    if (ts.isSym('[')) {
      ts.next();
      size = ts.expectInteger('a register size').value;
      ts.expectSym(']');
    }
    const name = ts.expectId('a register name');
    if (ts.isSym('=')) throw ts.error(ts.peek(), 'initialising a register is not supported');
    ts.expectSym(';');
    this.declare(kind, name, size);
  }

  private declare(kind: 'qubit' | 'bit', name: Token, size: number): void {
    const { ts } = this;
    if (this.registers.has(name.text)) throw ts.error(name, `'${name.text}' is already declared`);
    if (size < 1) throw ts.error(name, `register '${name.text}' must have at least one ${kind}`);
    if (kind === 'qubit') {
      if (this.physicalQubits >= 0) {
        throw ts.error(name, 'cannot declare qubits in a program that uses physical qubits ($0, $1, ...)');
      }
      if (this.qubitCount + size > MAX_DECLARED_QUBITS) throw ts.error(name, `too many qubits (at most ${MAX_DECLARED_QUBITS})`);
      this.registers.set(name.text, { kind, offset: this.qubitCount, size });
      this.qubitCount += size;
    } else {
      if (this.clbitCount + size > MAX_DECLARED_BITS) throw ts.error(name, `too many bits (at most ${MAX_DECLARED_BITS})`);
      this.registers.set(name.text, { kind, offset: this.clbitCount, size });
      this.clbitCount += size;
    }
  }

  // A register reference: `q`, `q[1]`, or a physical qubit `$3`.
  private parseArg(kind: 'qubit' | 'bit'): Arg {
    const { ts } = this;
    const tok = ts.next();
    if (tok.kind === 'hwqubit') {
      if (kind === 'bit') throw ts.error(tok, `expected a classical bit but found ${ts.describe(tok)}`);
      if (this.qubitCount > 0) throw ts.error(tok, 'cannot use physical qubits in a program that declares qubits');
      const index = Number(tok.text.slice(1));
      if (index >= MAX_DECLARED_QUBITS) throw ts.error(tok, `too many qubits (at most ${MAX_DECLARED_QUBITS})`);
      this.physicalQubits = Math.max(this.physicalQubits, index);
      return { indices: [index], whole: false };
    }
    if (tok.kind !== 'id') {
      throw ts.error(tok, `expected a ${kind === 'qubit' ? 'qubit' : 'classical bit'} but found ${ts.describe(tok)}`);
    }
    const reg = this.registers.get(tok.text);
    if (reg === undefined) throw ts.error(tok, `'${tok.text}' is not declared`);
    if (reg.kind !== kind) {
      const [is, want] = reg.kind === 'qubit' ? ['quantum', 'classical'] : ['classical', 'quantum'];
      throw ts.error(tok, `'${tok.text}' is a ${is} register, but a ${want} one is expected here`);
    }
    if (!ts.isSym('[')) {
      this.budget.countSteps(reg.size, tok, `the whole register '${tok.text}' here`);
      return { indices: Array.from({ length: reg.size }, (_, i) => reg.offset + i), whole: true };
    }
    ts.next();
    if (ts.isSym('{')) throw ts.error(ts.peek(), 'index sets are not supported');
    if (ts.isSym('-')) throw ts.error(ts.peek(), 'negative indices are not supported');
    const { value, tok: indexTok } = ts.expectInteger('an index');
    if (ts.isSym(':') || ts.isSym(',')) throw ts.error(ts.peek(), 'index ranges are not supported');
    ts.expectSym(']');
    if (value >= reg.size) {
      throw ts.error(
        indexTok,
        `index ${value} is out of range: '${tok.text}' has ${reg.size} ${kind === 'qubit' ? 'qubit' : 'bit'}${reg.size === 1 ? '' : 's'}`,
      );
    }
    return { indices: [reg.offset + value], whole: false };
  }

  /** How many times a statement applies: whole registers in it are applied element by element (OpenQASM's broadcast). */
  private broadcastSize(tok: Token, args: Arg[]): number {
    let size: number | undefined;
    for (const arg of args) {
      if (!arg.whole) continue;
      if (size !== undefined && size !== arg.indices.length) {
        throw this.ts.error(tok, `registers of different sizes (${size} and ${arg.indices.length}) in one statement`);
      }
      size = arg.indices.length;
    }
    return size ?? 1;
  }

  private broadcast(args: Arg[], size: number): number[][] {
    const rows: number[][] = [];
    for (let i = 0; i < size; i++) {
      rows.push(args.map((arg) => (arg.whole ? arg.indices[i] : arg.indices[0]) ?? 0));
    }
    return rows;
  }

  // measure q -> c;  measure q[0] -> c[0];
  private parseMeasureArrow(tok: Token): void {
    const { ts } = this;
    const qubits = this.parseArg('qubit');
    if (!ts.isSym('->')) {
      throw ts.error(ts.peek(), "measure needs a target: write 'measure q -> c;' or 'c = measure q;'");
    }
    ts.next();
    const bits = this.parseArg('bit');
    ts.expectSym(';');
    this.addMeasurements(tok, qubits, bits);
  }

  // c = measure q;  c[0] = measure q[0];
  private parseAssignment(nameTok: Token): void {
    const { ts } = this;
    ts.back();
    const bits = this.parseArg('bit');
    const eq = ts.next();
    if (eq.kind !== 'sym' || eq.text !== '=') {
      throw ts.error(eq, `classical assignment (${ts.describe(eq)}) is not supported`);
    }
    const measure = ts.next();
    if (measure.kind !== 'id' || measure.text !== 'measure') {
      throw ts.error(measure, 'classical assignment is not supported (only `c = measure q;`)');
    }
    const qubits = this.parseArg('qubit');
    ts.expectSym(';');
    this.addMeasurements(nameTok, qubits, bits);
  }

  private addMeasurements(tok: Token, qubits: Arg, bits: Arg): void {
    if (qubits.whole !== bits.whole && (qubits.indices.length > 1 || bits.indices.length > 1)) {
      throw this.ts.error(tok, 'measure a whole register into a whole register, or one qubit into one bit');
    }
    const size = this.broadcastSize(tok, [qubits, bits]);
    this.budget.countOperations(size, tok, 'this measurement');
    this.budget.countSteps(size, tok, 'this measurement');
    for (const [qubit = 0, clbit = 0] of this.broadcast([qubits, bits], size)) {
      this.ops.push({ kind: 'measure', qubit, clbit });
    }
  }

  private parseBarrier(): void {
    const { ts } = this;
    const tok = ts.peek();
    if (!ts.isSym(';')) {
      this.parseArg('qubit');
      while (ts.isSym(',')) {
        ts.next();
        this.parseArg('qubit');
      }
    }
    ts.expectSym(';');
    this.budget.countOperations(1, tok, 'this barrier');
    this.ops.push({ kind: 'barrier' });
  }

  private parseGateCall(nameTok: Token): void {
    const { ts } = this;
    const ref = this.gates.get(nameTok.text);
    if (ref === undefined) {
      throw ts.error(nameTok, `unknown gate '${nameTok.text}' (define it with a 'gate' statement)`);
    }
    const { exprs, nodes } = parseParamList(ts, undefined, this.budget);
    const params = exprs.map((expr) => evaluate(expr, new Map()));
    const args: Arg[] = [];
    if (!ts.isSym(';')) {
      args.push(this.parseArg('qubit'));
      while (ts.isSym(',')) {
        ts.next();
        args.push(this.parseArg('qubit'));
      }
    }
    ts.expectSym(';');
    this.checkArity(nameTok, ref, params.length, args.length);

    // The whole expansion is charged before any of it is done.
    const size = this.broadcastSize(nameTok, args);
    const cost = costOf(ref);
    const what = `calling '${nameTok.text}' here`;
    this.budget.countOperations(size * cost.operations, nameTok, what);
    this.budget.countSteps(nodes + size * (args.length + cost.steps), nameTok, what);
    for (const qubits of this.broadcast(args, size)) {
      if (new Set(qubits).size !== qubits.length) {
        throw ts.error(nameTok, `gate '${nameTok.text}' is applied to the same qubit more than once`);
      }
      expand(nameTok, ref, params, qubits, this.ops);
    }
  }

  private checkArity(tok: Token, ref: GateRef, params: number, qubits: number): void {
    const want = arity(ref);
    if (params !== want.params) {
      throw this.ts.error(tok, `gate '${tok.text}' takes ${want.params} parameter${want.params === 1 ? '' : 's'}, got ${params}`);
    }
    if (qubits !== want.qubits) {
      throw this.ts.error(tok, `gate '${tok.text}' acts on ${want.qubits} qubit${want.qubits === 1 ? '' : 's'}, got ${qubits}`);
    }
  }

  // gate name(p0, p1) a, b { body }
  private parseGateDefinition(): void {
    const { ts } = this;
    const nameTok = ts.expectId('a gate name');
    if (BUILTIN_NAMES.has(nameTok.text)) throw ts.error(nameTok, `cannot redefine the built-in gate '${nameTok.text}'`);
    if (this.registers.has(nameTok.text)) throw ts.error(nameTok, `'${nameTok.text}' is already declared as a register`);

    const params: string[] = [];
    if (ts.isSym('(')) {
      ts.next();
      if (!ts.isSym(')')) {
        params.push(this.expectUniqueName(params, 'a parameter name'));
        while (ts.isSym(',')) {
          ts.next();
          params.push(this.expectUniqueName(params, 'a parameter name'));
        }
      }
      ts.expectSym(')');
    }
    const qubits: string[] = [this.expectUniqueName(params, 'a qubit argument name')];
    while (ts.isSym(',')) {
      ts.next();
      qubits.push(this.expectUniqueName([...params, ...qubits], 'a qubit argument name'));
    }
    ts.expectSym('{');
    const paramSet = new Set(params);
    const body: BodyCall[] = [];
    while (!ts.isSym('}')) {
      const call = this.parseBodyStatement(paramSet, qubits);
      if (call !== undefined) body.push(call);
    }
    ts.expectSym('}');
    // Body gates were resolved above, so a later redefinition cannot make this one recursive.
    const def = defineGate(nameTok.text, params, qubits, body);
    this.budget.checkGateNesting(def.cost.nesting, nameTok, nameTok.text);
    this.gates.set(nameTok.text, { kind: 'def', def });
  }

  private expectUniqueName(taken: string[], what: string): string {
    const tok = this.ts.expectId(what);
    if (taken.includes(tok.text)) throw this.ts.error(tok, `'${tok.text}' is used twice in this gate definition`);
    return tok.text;
  }

  private parseBodyStatement(params: ReadonlySet<string>, qubits: string[]): BodyCall | undefined {
    const { ts } = this;
    const tok = ts.next();
    if (tok.kind === 'eof') throw ts.error(tok, "unterminated gate definition: expected '}'");
    if (tok.kind !== 'id') throw ts.error(tok, `expected a gate call but found ${ts.describe(tok)}`);
    const unsupported = UNSUPPORTED.get(tok.text);
    if (unsupported !== undefined) throw ts.error(tok, unsupported);

    const parseLocalQubit = (): number => {
      const argTok = ts.expectId('a qubit argument');
      const index = qubits.indexOf(argTok.text);
      if (index < 0) throw ts.error(argTok, `'${argTok.text}' is not an argument of this gate`);
      if (ts.isSym('[')) throw ts.error(ts.peek(), 'indexing inside a gate body is not supported');
      return index;
    };

    if (tok.text === 'barrier') {
      if (!ts.isSym(';')) {
        parseLocalQubit();
        while (ts.isSym(',')) {
          ts.next();
          parseLocalQubit();
        }
      }
      ts.expectSym(';');
      return undefined;
    }
    if (tok.text === 'measure' || tok.text === 'reset') throw ts.error(tok, `'${tok.text}' is not allowed inside a gate body`);

    const ref = this.gates.get(tok.text);
    if (ref === undefined) throw ts.error(tok, `unknown gate '${tok.text}' (gates must be defined before they are used)`);
    const { exprs, nodes } = parseParamList(ts, params, this.budget);
    const args: number[] = [];
    if (!ts.isSym(';')) {
      args.push(parseLocalQubit());
      while (ts.isSym(',')) {
        ts.next();
        args.push(parseLocalQubit());
      }
    }
    ts.expectSym(';');
    this.checkArity(tok, ref, exprs.length, args.length);
    if (new Set(args).size !== args.length) throw ts.error(tok, `gate '${tok.text}' is applied to the same qubit more than once`);
    return { ref, params: exprs, nodes, args };
  }
}

let prelude: ReadonlyMap<string, GateRef> | undefined;

/** The built-in gates and those of qelib1.inc / stdgates.inc, read once. */
export function builtinGates(): Map<string, GateRef> {
  if (prelude === undefined) {
    const gates = new Map<string, GateRef>();
    for (const name of SUPPORTED_GATES) gates.set(name, { kind: 'native', name });
    for (const [alias, name] of ALIASES) gates.set(alias, { kind: 'native', name });
    gates.set('gphase', { kind: 'gphase' });
    const parser = new Parser(PRELUDE, gates, new Budget());
    parser.parseProgram();
    prelude = parser.gates;
  }
  // Copied, because a program's own definitions are added to (or replace) these.
  return new Map(prelude);
}
