import { CircuitError, GATE_SPECS, SUPPORTED_GATES } from './circuit';
import type { Circuit, GateName, Op } from './circuit';

// A reader for the part of OpenQASM 2 and 3 that describes a plain gate circuit with
// terminal measurements: what cloud providers and our simulator can run. Anything with
// classical control or control flow is refused with the line and column where it starts.

export class QasmError extends CircuitError {
  readonly line: number;
  readonly column: number;

  constructor(message: string, line: number, column: number) {
    super(`line ${line}, column ${column}: ${message}`);
    this.name = 'QasmError';
    this.line = line;
    this.column = column;
  }
}

export interface ParseQasmOptions {
  /** Refuse programs that expand to more operations than this (custom gates can nest). */
  maxOps?: number;
}

export const DEFAULT_MAX_OPS = 1_000_000;
// Far above what any provider runs; it only keeps a typo such as q[100000000] harmless.
const MAX_REGISTER_TOTAL = 4096;

// ---------------------------------------------------------------------------------------
// Tokens

type TokenKind = 'id' | 'hwqubit' | 'num' | 'str' | 'sym' | 'eof';

interface Token {
  kind: TokenKind;
  text: string;
  line: number;
  col: number;
}

const ID_RE = /[\p{L}_][\p{L}\p{N}_]*/uy;
const NUM_RE = /(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d+)?/y;
const HWQUBIT_RE = /\$\d+/y;
const SYMBOLS = [
  '->', '**', '==', '!=', '<=', '>=', '&&', '||', '++', '+=', '-=', '*=', '/=', '<<', '>>',
  ';', ',', '[', ']', '(', ')', '{', '}', '+', '-', '*', '/', '^', '=', '@', ':', '<', '>', '!', '&', '|', '~', '%', '#', '.',
];

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let pos = source.startsWith('\uFEFF') ? 1 : 0;
  let line = 1;
  let lineStart = 0;
  const col = (): number => pos - lineStart + 1;

  const matchAt = (re: RegExp): string | undefined => {
    re.lastIndex = pos;
    const m = re.exec(source);
    return m?.[0];
  };

  while (pos < source.length) {
    const ch = source[pos];
    if (ch === '\n') {
      pos += 1;
      line += 1;
      lineStart = pos;
      continue;
    }
    if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\f' || ch === '\v') {
      pos += 1;
      continue;
    }
    if (source.startsWith('//', pos)) {
      const end = source.indexOf('\n', pos);
      pos = end === -1 ? source.length : end;
      continue;
    }
    if (source.startsWith('/*', pos)) {
      const startLine = line;
      const startCol = col();
      const end = source.indexOf('*/', pos + 2);
      if (end === -1) throw new QasmError('unterminated /* comment', startLine, startCol);
      for (let i = pos; i < end; i++) {
        if (source[i] === '\n') {
          line += 1;
          lineStart = i + 1;
        }
      }
      pos = end + 2;
      continue;
    }
    const start = { line, col: col() };
    if (ch === '"' || ch === "'") {
      let end = pos + 1;
      while (end < source.length && source[end] !== ch && source[end] !== '\n') end += 1;
      if (source[end] !== ch) throw new QasmError('unterminated string', start.line, start.col);
      tokens.push({ kind: 'str', text: source.slice(pos + 1, end), ...start });
      pos = end + 1;
      continue;
    }
    const id = matchAt(ID_RE);
    if (id !== undefined) {
      tokens.push({ kind: 'id', text: id, ...start });
      pos += id.length;
      continue;
    }
    const num = matchAt(NUM_RE);
    if (num !== undefined && num !== '') {
      tokens.push({ kind: 'num', text: num, ...start });
      pos += num.length;
      continue;
    }
    const hw = matchAt(HWQUBIT_RE);
    if (hw !== undefined) {
      tokens.push({ kind: 'hwqubit', text: hw, ...start });
      pos += hw.length;
      continue;
    }
    const sym = SYMBOLS.find((s) => source.startsWith(s, pos));
    if (sym !== undefined) {
      tokens.push({ kind: 'sym', text: sym, ...start });
      pos += sym.length;
      continue;
    }
    throw new QasmError(`unexpected character '${ch ?? ''}'`, start.line, start.col);
  }
  tokens.push({ kind: 'eof', text: 'end of input', line, col: col() });
  return tokens;
}

// ---------------------------------------------------------------------------------------
// Parameter expressions: a tiny recursive-descent parser, evaluated later so that gate
// bodies can refer to their parameters.

type Expr =
  | { k: 'num'; value: number }
  | { k: 'var'; name: string; tok: Token }
  | { k: 'neg'; arg: Expr }
  | { k: 'bin'; op: '+' | '-' | '*' | '/' | '^'; left: Expr; right: Expr }
  | { k: 'call'; fn: (x: number) => number; arg: Expr };

const CONSTANTS: ReadonlyMap<string, number> = new Map([
  ['pi', Math.PI],
  ['π', Math.PI],
  ['tau', 2 * Math.PI],
  ['τ', 2 * Math.PI],
  ['euler', Math.E],
  ['ℇ', Math.E],
]);

const FUNCTIONS: ReadonlyMap<string, (x: number) => number> = new Map([
  ['sin', Math.sin],
  ['cos', Math.cos],
  ['tan', Math.tan],
  ['arcsin', Math.asin],
  ['arccos', Math.acos],
  ['arctan', Math.atan],
  ['exp', Math.exp],
  ['ln', Math.log],
  ['log', Math.log],
  ['sqrt', Math.sqrt],
]);

function evaluate(expr: Expr, env: ReadonlyMap<string, number>): number {
  switch (expr.k) {
    case 'num':
      return expr.value;
    case 'var': {
      const value = env.get(expr.name) ?? CONSTANTS.get(expr.name);
      // Names are checked when the expression is parsed, so this cannot happen.
      if (value === undefined) throw new QasmError(`unknown identifier '${expr.name}'`, expr.tok.line, expr.tok.col);
      return value;
    }
    case 'neg':
      return -evaluate(expr.arg, env);
    case 'call':
      return expr.fn(evaluate(expr.arg, env));
    case 'bin': {
      const a = evaluate(expr.left, env);
      const b = evaluate(expr.right, env);
      switch (expr.op) {
        case '+':
          return a + b;
        case '-':
          return a - b;
        case '*':
          return a * b;
        case '/':
          return a / b;
        case '^':
          return a ** b;
      }
    }
  }
}

// ---------------------------------------------------------------------------------------
// Gates known to the reader

interface GateDef {
  name: string;
  params: string[];
  qubits: string[];
  body: BodyCall[];
}

interface BodyCall {
  ref: GateRef;
  params: Expr[];
  args: number[];
}

type GateRef =
  | { kind: 'native'; name: GateName }
  | { kind: 'gphase' }
  | { kind: 'def'; def: GateDef };

function arity(ref: GateRef): { qubits: number; params: number } {
  switch (ref.kind) {
    case 'native':
      return GATE_SPECS[ref.name];
    case 'gphase':
      return { qubits: 0, params: 1 };
    case 'def':
      return { qubits: ref.def.qubits.length, params: ref.def.params.length };
  }
}

// Spellings from qelib1.inc / stdgates.inc that are the same operation as an IR gate.
// U differs from u3 only by a global phase, which no measurement can see.
const ALIASES: ReadonlyArray<[string, GateName]> = [
  ['U', 'u'],
  ['CX', 'cx'],
  ['phase', 'p'],
  ['cphase', 'cp'],
  ['cu1', 'cp'],
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

// ---------------------------------------------------------------------------------------
// The parser

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

class Parser {
  private readonly tokens: Token[];
  private pos = 0;
  private readonly registers = new Map<string, Register>();
  private qubitCount = 0;
  private clbitCount = 0;
  private physicalQubits = -1;
  private readonly ops: Op[] = [];
  readonly gates: Map<string, GateRef>;
  private readonly maxOps: number;

  constructor(source: string, gates: Map<string, GateRef>, maxOps: number) {
    this.tokens = tokenize(source);
    this.gates = gates;
    this.maxOps = maxOps;
  }

  parseProgram(): Circuit {
    let first = true;
    while (this.peek().kind !== 'eof') {
      this.parseStatement(first);
      first = false;
    }
    if (this.physicalQubits >= 0) this.qubitCount = this.physicalQubits + 1;
    return { qubits: this.qubitCount, clbits: this.clbitCount, ops: this.ops };
  }

  // --- token helpers

  private peek(offset = 0): Token {
    const tok = this.tokens[Math.min(this.pos + offset, this.tokens.length - 1)];
    if (tok === undefined) throw new QasmError('internal error: no tokens', 1, 1);
    return tok;
  }

  private next(): Token {
    const tok = this.peek();
    if (this.pos < this.tokens.length - 1) this.pos += 1;
    return tok;
  }

  private isSym(text: string, offset = 0): boolean {
    const tok = this.peek(offset);
    return tok.kind === 'sym' && tok.text === text;
  }

  private error(tok: Token, message: string): QasmError {
    return new QasmError(message, tok.line, tok.col);
  }

  private describe(tok: Token): string {
    return tok.kind === 'eof' ? 'end of input' : `'${tok.text}'`;
  }

  private expectSym(text: string): Token {
    const tok = this.next();
    if (tok.kind !== 'sym' || tok.text !== text) throw this.error(tok, `expected '${text}' but found ${this.describe(tok)}`);
    return tok;
  }

  private expectId(what: string): Token {
    const tok = this.next();
    if (tok.kind !== 'id') throw this.error(tok, `expected ${what} but found ${this.describe(tok)}`);
    return tok;
  }

  private expectInteger(what: string): { value: number; tok: Token } {
    const tok = this.next();
    const text = tok.text.replaceAll('_', '');
    if (tok.kind !== 'num' || !/^\d+$/.test(text)) {
      throw this.error(tok, `expected ${what} (a non-negative integer) but found ${this.describe(tok)}`);
    }
    return { value: Number(text), tok };
  }

  // --- statements

  private parseStatement(first: boolean): void {
    const tok = this.next();
    if (tok.kind === 'sym' && tok.text === '#') throw this.error(tok, 'pragmas are not supported');
    if (tok.kind === 'sym' && tok.text === '@') throw this.error(tok, 'annotations are not supported');
    if (tok.kind !== 'id') throw this.error(tok, `expected a statement but found ${this.describe(tok)}`);

    const unsupported = UNSUPPORTED.get(tok.text);
    if (unsupported !== undefined) throw this.error(tok, unsupported);

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
        if (this.isSym('=') || this.isSym('[')) return this.parseAssignment(tok);
        return this.parseGateCall(tok);
    }
  }

  private parseVersion(tok: Token, first: boolean): void {
    if (!first) throw this.error(tok, 'OPENQASM must be the first statement');
    const version = this.next();
    if (version.kind !== 'num' || !/^(2\.0|3(\.\d+)?)$/.test(version.text)) {
      throw this.error(version, `OpenQASM version ${this.describe(version)} is not supported (use 2.0 or 3)`);
    }
    this.expectSym(';');
  }

  private parseInclude(): void {
    const file = this.next();
    if (file.kind !== 'str') throw this.error(file, `expected a file name in quotes but found ${this.describe(file)}`);
    if (!BUILTIN_INCLUDES.has(file.text)) {
      throw this.error(file, `include "${file.text}" is not supported (only qelib1.inc and stdgates.inc are built in)`);
    }
    this.expectSym(';');
  }

  // qreg q[2]; creg c[2];
  private parseOldDeclaration(kind: 'qubit' | 'bit'): void {
    const name = this.expectId('a register name');
    let size = 1;
    if (this.isSym('[')) {
      this.next();
      size = this.expectInteger('a register size').value;
      this.expectSym(']');
    }
    this.expectSym(';');
    this.declare(kind, name, size);
  }

  // qubit[2] q; bit c;
  private parseNewDeclaration(kind: 'qubit' | 'bit'): void {
    let size = 1;
    if (this.isSym('[')) {
      this.next();
      size = this.expectInteger('a register size').value;
      this.expectSym(']');
    }
    const name = this.expectId('a register name');
    if (this.isSym('=')) throw this.error(this.peek(), 'initialising a register is not supported');
    this.expectSym(';');
    this.declare(kind, name, size);
  }

  private declare(kind: 'qubit' | 'bit', name: Token, size: number): void {
    if (this.registers.has(name.text)) throw this.error(name, `'${name.text}' is already declared`);
    if (size < 1) throw this.error(name, `register '${name.text}' must have at least one ${kind}`);
    if (kind === 'qubit') {
      if (this.physicalQubits >= 0) {
        throw this.error(name, 'cannot declare qubits in a program that uses physical qubits ($0, $1, ...)');
      }
      if (this.qubitCount + size > MAX_REGISTER_TOTAL) throw this.error(name, `too many qubits (at most ${MAX_REGISTER_TOTAL})`);
      this.registers.set(name.text, { kind, offset: this.qubitCount, size });
      this.qubitCount += size;
    } else {
      if (this.clbitCount + size > MAX_REGISTER_TOTAL) throw this.error(name, `too many bits (at most ${MAX_REGISTER_TOTAL})`);
      this.registers.set(name.text, { kind, offset: this.clbitCount, size });
      this.clbitCount += size;
    }
  }

  // A register reference: `q`, `q[1]`, or a physical qubit `$3`.
  private parseArg(kind: 'qubit' | 'bit'): Arg {
    const tok = this.next();
    if (tok.kind === 'hwqubit') {
      if (kind === 'bit') throw this.error(tok, `expected a classical bit but found ${this.describe(tok)}`);
      if (this.qubitCount > 0) throw this.error(tok, 'cannot use physical qubits in a program that declares qubits');
      const index = Number(tok.text.slice(1));
      if (index >= MAX_REGISTER_TOTAL) throw this.error(tok, `too many qubits (at most ${MAX_REGISTER_TOTAL})`);
      this.physicalQubits = Math.max(this.physicalQubits, index);
      return { indices: [index], whole: false };
    }
    if (tok.kind !== 'id') {
      throw this.error(tok, `expected a ${kind === 'qubit' ? 'qubit' : 'classical bit'} but found ${this.describe(tok)}`);
    }
    const reg = this.registers.get(tok.text);
    if (reg === undefined) throw this.error(tok, `'${tok.text}' is not declared`);
    if (reg.kind !== kind) {
      const [is, want] = reg.kind === 'qubit' ? ['quantum', 'classical'] : ['classical', 'quantum'];
      throw this.error(tok, `'${tok.text}' is a ${is} register, but a ${want} one is expected here`);
    }
    if (!this.isSym('[')) {
      return { indices: Array.from({ length: reg.size }, (_, i) => reg.offset + i), whole: true };
    }
    this.next();
    if (this.isSym('{')) throw this.error(this.peek(), 'index sets are not supported');
    if (this.isSym('-')) throw this.error(this.peek(), 'negative indices are not supported');
    const { value, tok: indexTok } = this.expectInteger('an index');
    if (this.isSym(':') || this.isSym(',')) throw this.error(this.peek(), 'index ranges are not supported');
    this.expectSym(']');
    if (value >= reg.size) {
      throw this.error(indexTok, `index ${value} is out of range: '${tok.text}' has ${reg.size} ${kind === 'qubit' ? 'qubit' : 'bit'}${reg.size === 1 ? '' : 's'}`);
    }
    return { indices: [reg.offset + value], whole: false };
  }

  // Whole registers in a statement are applied element by element (OpenQASM's broadcast).
  private broadcast(tok: Token, args: Arg[]): number[][] {
    let size: number | undefined;
    for (const arg of args) {
      if (!arg.whole) continue;
      if (size !== undefined && size !== arg.indices.length) {
        throw this.error(tok, `registers of different sizes (${size} and ${arg.indices.length}) in one statement`);
      }
      size = arg.indices.length;
    }
    const rows: number[][] = [];
    for (let i = 0; i < (size ?? 1); i++) {
      rows.push(args.map((arg) => (arg.whole ? arg.indices[i] : arg.indices[0]) ?? 0));
    }
    return rows;
  }

  private pushOp(tok: Token, op: Op): void {
    if (this.ops.length >= this.maxOps) throw this.error(tok, `the circuit expands to more than ${this.maxOps} operations`);
    this.ops.push(op);
  }

  // measure q -> c;  measure q[0] -> c[0];
  private parseMeasureArrow(tok: Token): void {
    const qubits = this.parseArg('qubit');
    if (!this.isSym('->')) {
      throw this.error(this.peek(), "measure needs a target: write 'measure q -> c;' or 'c = measure q;'");
    }
    this.next();
    const bits = this.parseArg('bit');
    this.expectSym(';');
    this.addMeasurements(tok, qubits, bits);
  }

  // c = measure q;  c[0] = measure q[0];
  private parseAssignment(nameTok: Token): void {
    this.pos -= 1;
    const bits = this.parseArg('bit');
    const eq = this.next();
    if (eq.kind !== 'sym' || eq.text !== '=') {
      throw this.error(eq, `classical assignment (${this.describe(eq)}) is not supported`);
    }
    const measure = this.next();
    if (measure.kind !== 'id' || measure.text !== 'measure') {
      throw this.error(measure, 'classical assignment is not supported (only `c = measure q;`)');
    }
    const qubits = this.parseArg('qubit');
    this.expectSym(';');
    this.addMeasurements(nameTok, qubits, bits);
  }

  private addMeasurements(tok: Token, qubits: Arg, bits: Arg): void {
    if (qubits.whole !== bits.whole && (qubits.indices.length > 1 || bits.indices.length > 1)) {
      throw this.error(tok, 'measure a whole register into a whole register, or one qubit into one bit');
    }
    for (const [qubit = 0, clbit = 0] of this.broadcast(tok, [qubits, bits])) {
      this.pushOp(tok, { kind: 'measure', qubit, clbit });
    }
  }

  private parseBarrier(): void {
    const tok = this.peek();
    if (!this.isSym(';')) {
      this.parseArg('qubit');
      while (this.isSym(',')) {
        this.next();
        this.parseArg('qubit');
      }
    }
    this.expectSym(';');
    this.pushOp(tok, { kind: 'barrier' });
  }

  private parseGateCall(nameTok: Token): void {
    const ref = this.gates.get(nameTok.text);
    if (ref === undefined) {
      throw this.error(nameTok, `unknown gate '${nameTok.text}' (define it with a 'gate' statement)`);
    }
    const params = this.parseParamList(undefined).map((expr) => evaluate(expr, new Map()));
    const args: Arg[] = [];
    if (!this.isSym(';')) {
      args.push(this.parseArg('qubit'));
      while (this.isSym(',')) {
        this.next();
        args.push(this.parseArg('qubit'));
      }
    }
    this.expectSym(';');
    this.checkArity(nameTok, ref, params.length, args.length);
    for (const qubits of this.broadcast(nameTok, args)) {
      if (new Set(qubits).size !== qubits.length) {
        throw this.error(nameTok, `gate '${nameTok.text}' is applied to the same qubit more than once`);
      }
      this.expand(nameTok, ref, params, qubits);
    }
  }

  private checkArity(tok: Token, ref: GateRef, params: number, qubits: number): void {
    const want = arity(ref);
    if (params !== want.params) {
      throw this.error(tok, `gate '${tok.text}' takes ${want.params} parameter${want.params === 1 ? '' : 's'}, got ${params}`);
    }
    if (qubits !== want.qubits) {
      throw this.error(tok, `gate '${tok.text}' acts on ${want.qubits} qubit${want.qubits === 1 ? '' : 's'}, got ${qubits}`);
    }
  }

  // Custom gates are inlined; errors are reported at the statement that used the gate.
  private expand(tok: Token, ref: GateRef, params: number[], qubits: number[]): void {
    switch (ref.kind) {
      case 'gphase':
        // A global phase cannot change any measurement outcome.
        return;
      case 'native': {
        for (const p of params) {
          if (!Number.isFinite(p)) throw this.error(tok, `a parameter of gate '${tok.text}' is not a finite number`);
        }
        this.pushOp(tok, { kind: 'gate', name: ref.name, qubits, params });
        return;
      }
      case 'def': {
        const env = new Map<string, number>();
        ref.def.params.forEach((name, i) => env.set(name, params[i] ?? 0));
        for (const call of ref.def.body) {
          this.expand(
            tok,
            call.ref,
            call.params.map((expr) => evaluate(expr, env)),
            call.args.map((a) => qubits[a] ?? 0),
          );
        }
      }
    }
  }

  // gate name(p0, p1) a, b { body }
  private parseGateDefinition(): void {
    const nameTok = this.expectId('a gate name');
    if (BUILTIN_NAMES.has(nameTok.text)) throw this.error(nameTok, `cannot redefine the built-in gate '${nameTok.text}'`);
    if (this.registers.has(nameTok.text)) throw this.error(nameTok, `'${nameTok.text}' is already declared as a register`);

    const params: string[] = [];
    if (this.isSym('(')) {
      this.next();
      if (!this.isSym(')')) {
        params.push(this.expectUniqueName(params, 'a parameter name'));
        while (this.isSym(',')) {
          this.next();
          params.push(this.expectUniqueName(params, 'a parameter name'));
        }
      }
      this.expectSym(')');
    }
    const qubits: string[] = [this.expectUniqueName(params, 'a qubit argument name')];
    while (this.isSym(',')) {
      this.next();
      qubits.push(this.expectUniqueName([...params, ...qubits], 'a qubit argument name'));
    }
    this.expectSym('{');
    const paramSet = new Set(params);
    const body: BodyCall[] = [];
    while (!this.isSym('}')) {
      const call = this.parseBodyStatement(paramSet, qubits);
      if (call !== undefined) body.push(call);
    }
    this.expectSym('}');
    // Body gates were resolved above, so a later redefinition cannot make this one recursive.
    this.gates.set(nameTok.text, { kind: 'def', def: { name: nameTok.text, params, qubits, body } });
  }

  private expectUniqueName(taken: string[], what: string): string {
    const tok = this.expectId(what);
    if (taken.includes(tok.text)) throw this.error(tok, `'${tok.text}' is used twice in this gate definition`);
    return tok.text;
  }

  private parseBodyStatement(params: ReadonlySet<string>, qubits: string[]): BodyCall | undefined {
    const tok = this.next();
    if (tok.kind === 'eof') throw this.error(tok, "unterminated gate definition: expected '}'");
    if (tok.kind !== 'id') throw this.error(tok, `expected a gate call but found ${this.describe(tok)}`);
    const unsupported = UNSUPPORTED.get(tok.text);
    if (unsupported !== undefined) throw this.error(tok, unsupported);

    const parseLocalQubit = (): number => {
      const argTok = this.expectId('a qubit argument');
      const index = qubits.indexOf(argTok.text);
      if (index < 0) throw this.error(argTok, `'${argTok.text}' is not an argument of this gate`);
      if (this.isSym('[')) throw this.error(this.peek(), 'indexing inside a gate body is not supported');
      return index;
    };

    if (tok.text === 'barrier') {
      if (!this.isSym(';')) {
        parseLocalQubit();
        while (this.isSym(',')) {
          this.next();
          parseLocalQubit();
        }
      }
      this.expectSym(';');
      return undefined;
    }
    if (tok.text === 'measure' || tok.text === 'reset') throw this.error(tok, `'${tok.text}' is not allowed inside a gate body`);

    const ref = this.gates.get(tok.text);
    if (ref === undefined) throw this.error(tok, `unknown gate '${tok.text}' (gates must be defined before they are used)`);
    const exprs = this.parseParamList(params);
    const args: number[] = [];
    if (!this.isSym(';')) {
      args.push(parseLocalQubit());
      while (this.isSym(',')) {
        this.next();
        args.push(parseLocalQubit());
      }
    }
    this.expectSym(';');
    this.checkArity(tok, ref, exprs.length, args.length);
    if (new Set(args).size !== args.length) throw this.error(tok, `gate '${tok.text}' is applied to the same qubit more than once`);
    return { ref, params: exprs, args };
  }

  // --- expressions

  private parseParamList(names: ReadonlySet<string> | undefined): Expr[] {
    if (!this.isSym('(')) return [];
    this.next();
    const exprs: Expr[] = [];
    if (!this.isSym(')')) {
      exprs.push(this.parseExpr(names));
      while (this.isSym(',')) {
        this.next();
        exprs.push(this.parseExpr(names));
      }
    }
    this.expectSym(')');
    return exprs;
  }

  private parseExpr(names: ReadonlySet<string> | undefined): Expr {
    let left = this.parseTerm(names);
    while (this.isSym('+') || this.isSym('-')) {
      const op = this.next().text === '+' ? '+' : '-';
      left = { k: 'bin', op, left, right: this.parseTerm(names) };
    }
    return left;
  }

  private parseTerm(names: ReadonlySet<string> | undefined): Expr {
    let left = this.parseUnary(names);
    while (this.isSym('*') || this.isSym('/')) {
      const op = this.next().text === '*' ? '*' : '/';
      left = { k: 'bin', op, left, right: this.parseUnary(names) };
    }
    return left;
  }

  private parseUnary(names: ReadonlySet<string> | undefined): Expr {
    if (this.isSym('-')) {
      this.next();
      return { k: 'neg', arg: this.parseUnary(names) };
    }
    if (this.isSym('+')) {
      this.next();
      return this.parseUnary(names);
    }
    const base = this.parsePrimary(names);
    if (this.isSym('^') || this.isSym('**')) {
      this.next();
      return { k: 'bin', op: '^', left: base, right: this.parseUnary(names) };
    }
    return base;
  }

  private parsePrimary(names: ReadonlySet<string> | undefined): Expr {
    const tok = this.next();
    if (tok.kind === 'num') {
      const value = Number(tok.text.replaceAll('_', ''));
      if (!Number.isFinite(value)) throw this.error(tok, `'${tok.text}' is not a number`);
      return { k: 'num', value };
    }
    if (tok.kind === 'sym' && tok.text === '(') {
      const inner = this.parseExpr(names);
      this.expectSym(')');
      return inner;
    }
    if (tok.kind === 'id') {
      const fn = FUNCTIONS.get(tok.text);
      if (fn !== undefined && this.isSym('(')) {
        this.next();
        const arg = this.parseExpr(names);
        this.expectSym(')');
        return { k: 'call', fn, arg };
      }
      if (CONSTANTS.has(tok.text) || names?.has(tok.text) === true) return { k: 'var', name: tok.text, tok };
      throw this.error(
        tok,
        names === undefined
          ? `unknown identifier '${tok.text}' (expressions may use numbers, pi, tau and euler)`
          : `unknown identifier '${tok.text}' (not a parameter of this gate)`,
      );
    }
    throw this.error(tok, `expected an expression but found ${this.describe(tok)}`);
  }
}

function builtinGates(): Map<string, GateRef> {
  const gates = new Map<string, GateRef>();
  for (const name of SUPPORTED_GATES) gates.set(name, { kind: 'native', name });
  for (const [alias, name] of ALIASES) gates.set(alias, { kind: 'native', name });
  gates.set('gphase', { kind: 'gphase' });
  const prelude = new Parser(PRELUDE, gates, 0);
  prelude.parseProgram();
  return prelude.gates;
}

/**
 * Parses an OpenQASM 2 or 3 program into the circuit IR. Registers are flattened in
 * declaration order: the first declared quantum register holds qubits 0..n-1, and likewise
 * for classical bits. Measurements may appear anywhere here; whether a backend can run a
 * measurement in the middle of a circuit is the backend's decision.
 */
export function parseQasm(source: string, options: ParseQasmOptions = {}): Circuit {
  const parser = new Parser(source, builtinGates(), options.maxOps ?? DEFAULT_MAX_OPS);
  return parser.parseProgram();
}
