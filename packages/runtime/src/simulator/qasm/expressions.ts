import type { Budget } from '../limits';
import { QasmError } from './errors';
import type { Token, TokenStream } from './lexer';

// Parameter expressions, parsed once and evaluated later so that gate bodies can refer to
// their parameters. Chains of one precedence level (a + b - c, a * b / c, a ^ b ^ c, - - a)
// are read in a loop into one node and evaluated in a loop, so their length costs tokens but
// no stack; only parentheses and function calls nest, up to MAX_EXPRESSION_DEPTH.

export type Expr =
  | { k: 'num'; value: number }
  | { k: 'var'; name: string; tok: Token }
  | { k: 'neg'; arg: Expr }
  | { k: 'sum'; first: Expr; rest: Array<{ op: '+' | '-'; arg: Expr }> }
  | { k: 'product'; first: Expr; rest: Array<{ op: '*' | '/'; arg: Expr }> }
  // base ^ (±e1 ^ (±e2 ^ ...)): right-associative, each sign applying to what follows it.
  | { k: 'power'; base: Expr; exponents: Array<{ negate: boolean; arg: Expr }> }
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

export interface ParamList {
  exprs: Expr[];
  /** Nodes in all of them: the steps evaluating them once costs. */
  nodes: number;
}

/**
 * Reads `(e1, e2, ...)` if the next token opens one, else no parameters. `names` are the
 * parameters of the gate being defined; outside a gate definition only constants are known.
 */
export function parseParamList(ts: TokenStream, names: ReadonlySet<string> | undefined, budget: Budget): ParamList {
  if (!ts.isSym('(')) return { exprs: [], nodes: 0 };
  ts.next();
  const reader = new ExpressionReader(ts, names, budget);
  const exprs: Expr[] = [];
  if (!ts.isSym(')')) {
    exprs.push(reader.sum());
    while (ts.isSym(',')) {
      ts.next();
      exprs.push(reader.sum());
    }
  }
  ts.expectSym(')');
  return { exprs, nodes: reader.nodes };
}

class ExpressionReader {
  nodes = 0;
  private depth = 0;

  constructor(
    private readonly ts: TokenStream,
    private readonly names: ReadonlySet<string> | undefined,
    private readonly budget: Budget,
  ) {}

  sum(): Expr {
    const first = this.product();
    if (!this.ts.isSym('+') && !this.ts.isSym('-')) return first;
    const rest: Array<{ op: '+' | '-'; arg: Expr }> = [];
    while (this.ts.isSym('+') || this.ts.isSym('-')) {
      const op = this.ts.next().text === '+' ? '+' : '-';
      rest.push({ op, arg: this.product() });
      this.nodes += 1;
    }
    return { k: 'sum', first, rest };
  }

  private product(): Expr {
    const first = this.signed();
    if (!this.ts.isSym('*') && !this.ts.isSym('/')) return first;
    const rest: Array<{ op: '*' | '/'; arg: Expr }> = [];
    while (this.ts.isSym('*') || this.ts.isSym('/')) {
      const op = this.ts.next().text === '*' ? '*' : '/';
      rest.push({ op, arg: this.signed() });
      this.nodes += 1;
    }
    return { k: 'product', first, rest };
  }

  // Signs bind looser than ^: -2^2 is -(2^2).
  private signed(): Expr {
    const negate = this.signs();
    const power = this.power();
    if (!negate) return power;
    this.nodes += 1;
    return { k: 'neg', arg: power };
  }

  /** Reads a run of + and - signs; true when it negates. */
  private signs(): boolean {
    let negate = false;
    while (this.ts.isSym('+') || this.ts.isSym('-')) {
      if (this.ts.next().text === '-') negate = !negate;
    }
    return negate;
  }

  private power(): Expr {
    const base = this.primary();
    if (!this.ts.isSym('^') && !this.ts.isSym('**')) return base;
    const exponents: Array<{ negate: boolean; arg: Expr }> = [];
    while (this.ts.isSym('^') || this.ts.isSym('**')) {
      this.ts.next();
      const negate = this.signs();
      exponents.push({ negate, arg: this.primary() });
      this.nodes += negate ? 2 : 1;
    }
    return { k: 'power', base, exponents };
  }

  private primary(): Expr {
    const tok = this.ts.next();
    this.nodes += 1;
    if (tok.kind === 'num') {
      const value = Number(tok.text.replaceAll('_', ''));
      if (!Number.isFinite(value)) throw this.ts.error(tok, `'${tok.text}' is not a number`);
      return { k: 'num', value };
    }
    if (tok.kind === 'sym' && tok.text === '(') return this.nested(tok);
    if (tok.kind === 'id') {
      const fn = FUNCTIONS.get(tok.text);
      if (fn !== undefined && this.ts.isSym('(')) {
        const open = this.ts.next();
        return { k: 'call', fn, arg: this.nested(open) };
      }
      if (CONSTANTS.has(tok.text) || this.names?.has(tok.text) === true) return { k: 'var', name: tok.text, tok };
      throw this.ts.error(
        tok,
        this.names === undefined
          ? `unknown identifier '${tok.text}' (expressions may use numbers, pi, tau and euler)`
          : `unknown identifier '${tok.text}' (not a parameter of this gate)`,
      );
    }
    throw this.ts.error(tok, `expected an expression but found ${this.ts.describe(tok)}`);
  }

  /** The expression after an opening parenthesis, up to its closing one. */
  private nested(open: Token): Expr {
    this.depth += 1;
    this.budget.checkExpressionDepth(this.depth, open);
    const inner = this.sum();
    this.ts.expectSym(')');
    this.depth -= 1;
    return inner;
  }
}

export function evaluate(expr: Expr, env: ReadonlyMap<string, number>): number {
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
    case 'sum': {
      let value = evaluate(expr.first, env);
      for (const { op, arg } of expr.rest) value = op === '+' ? value + evaluate(arg, env) : value - evaluate(arg, env);
      return value;
    }
    case 'product': {
      let value = evaluate(expr.first, env);
      for (const { op, arg } of expr.rest) value = op === '*' ? value * evaluate(arg, env) : value / evaluate(arg, env);
      return value;
    }
    case 'power': {
      let exponent = 1;
      for (let i = expr.exponents.length - 1; i >= 0; i--) {
        const item = expr.exponents[i];
        if (item === undefined) continue;
        const value = i === expr.exponents.length - 1 ? evaluate(item.arg, env) : evaluate(item.arg, env) ** exponent;
        exponent = item.negate ? -value : value;
      }
      return evaluate(expr.base, env) ** exponent;
    }
  }
}
