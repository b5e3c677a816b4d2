import type { Budget } from '../limits';
import { QasmError } from './errors';

// Program text → tokens, read on demand, and the cursor the parsers read them with. Every
// token is counted against the budget as it is made, and none is made before the parser asks
// for it, so a program refused at line 60 costs the lexing of 60 lines, not of a megabyte.

export type TokenKind = 'id' | 'hwqubit' | 'num' | 'str' | 'sym' | 'eof';

export interface Token {
  kind: TokenKind;
  text: string;
  line: number;
  col: number;
}

const ID_RE = /[\p{L}_][\p{L}\p{N}_]*/uy;
const NUM_RE = /(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d+)?/y;
const HWQUBIT_RE = /\$\d+/y;
const TWO_CHAR_SYMBOLS: ReadonlySet<string> = new Set([
  '->', '**', '==', '!=', '<=', '>=', '&&', '||', '++', '+=', '-=', '*=', '/=', '<<', '>>',
]);
const ONE_CHAR_SYMBOLS: ReadonlySet<string> = new Set([
  ';', ',', '[', ']', '(', ')', '{', '}', '+', '-', '*', '/', '^', '=', '@', ':', '<', '>', '!', '&', '|', '~', '%', '#', '.',
]);

function isAsciiWordChar(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 95;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

export class Lexer {
  private readonly source: string;
  private readonly budget: Budget;
  private pos: number;
  private line = 1;
  private lineStart = 0;

  constructor(source: string, budget: Budget) {
    this.source = source;
    this.budget = budget;
    this.pos = source.startsWith('\uFEFF') ? 1 : 0;
  }

  /** The next token; at the end, an `eof` token every time. */
  next(): Token {
    this.skipBlanks();
    const { source, pos } = this;
    const line = this.line;
    const col = pos - this.lineStart + 1;
    if (pos >= source.length) return { kind: 'eof', text: 'end of input', line, col };
    this.budget.countToken({ line, col });

    const code = source.charCodeAt(pos);
    let kind: TokenKind | undefined;
    let end = pos;
    if (isAsciiWordChar(code) && !isDigit(code)) {
      end = pos + 1;
      while (end < source.length && isAsciiWordChar(source.charCodeAt(end))) end += 1;
      if (end < source.length && source.charCodeAt(end) >= 0x80) end = pos + (this.match(ID_RE)?.length ?? 0);
      kind = 'id';
    } else if (code >= 0x80) {
      const id = this.match(ID_RE);
      if (id !== undefined) {
        end = pos + id.length;
        kind = 'id';
      }
    } else if (isDigit(code) || (code === 46 && isDigit(source.charCodeAt(pos + 1)))) {
      end = pos + (this.match(NUM_RE)?.length ?? 1);
      kind = 'num';
    } else if (code === 36) {
      const hw = this.match(HWQUBIT_RE);
      if (hw !== undefined) {
        end = pos + hw.length;
        kind = 'hwqubit';
      }
    } else if (code === 34 || code === 39) {
      const quote = source[pos];
      end = pos + 1;
      while (end < source.length && source[end] !== quote && source[end] !== '\n') end += 1;
      if (source[end] !== quote) throw new QasmError('unterminated string', line, col);
      this.pos = end + 1;
      return { kind: 'str', text: source.slice(pos + 1, end), line, col };
    } else if (TWO_CHAR_SYMBOLS.has(source.slice(pos, pos + 2))) {
      end = pos + 2;
      kind = 'sym';
    } else if (ONE_CHAR_SYMBOLS.has(source[pos] ?? '')) {
      end = pos + 1;
      kind = 'sym';
    }
    if (kind === undefined || end === pos) throw new QasmError(`unexpected character '${source[pos] ?? ''}'`, line, col);
    this.pos = end;
    return { kind, text: source.slice(pos, end), line, col };
  }

  private match(re: RegExp): string | undefined {
    re.lastIndex = this.pos;
    return re.exec(this.source)?.[0];
  }

  private skipBlanks(): void {
    const { source } = this;
    while (this.pos < source.length) {
      const ch = source[this.pos];
      if (ch === '\n') {
        this.pos += 1;
        this.line += 1;
        this.lineStart = this.pos;
      } else if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\f' || ch === '\v') {
        this.pos += 1;
      } else if (source.startsWith('//', this.pos)) {
        const end = source.indexOf('\n', this.pos);
        this.pos = end === -1 ? source.length : end;
      } else if (source.startsWith('/*', this.pos)) {
        const end = source.indexOf('*/', this.pos + 2);
        if (end === -1) throw new QasmError('unterminated /* comment', this.line, this.pos - this.lineStart + 1);
        for (let i = this.pos; i < end; i++) {
          if (source[i] === '\n') {
            this.line += 1;
            this.lineStart = i + 1;
          }
        }
        this.pos = end + 2;
      } else {
        return;
      }
    }
  }
}

/** A cursor over the tokens with a little lookahead; past the end it keeps answering `eof`. */
export class TokenStream {
  private readonly lexer: Lexer;
  private readonly ahead: Token[] = [];
  private last: Token | undefined;

  constructor(lexer: Lexer) {
    this.lexer = lexer;
  }

  peek(offset = 0): Token {
    while (this.ahead.length <= offset) this.ahead.push(this.lexer.next());
    const tok = this.ahead[offset];
    if (tok === undefined) throw new QasmError('internal error: no tokens', 1, 1);
    return tok;
  }

  next(): Token {
    const tok = this.peek();
    this.ahead.shift();
    this.last = tok;
    return tok;
  }

  /** Steps back over the token `next` just returned, for statements recognised only by their second token. */
  back(): void {
    if (this.last !== undefined) this.ahead.unshift(this.last);
    this.last = undefined;
  }

  isSym(text: string, offset = 0): boolean {
    const tok = this.peek(offset);
    return tok.kind === 'sym' && tok.text === text;
  }

  error(tok: Token, message: string): QasmError {
    return new QasmError(message, tok.line, tok.col);
  }

  describe(tok: Token): string {
    return tok.kind === 'eof' ? 'end of input' : `'${tok.text}'`;
  }

  expectSym(text: string): Token {
    const tok = this.next();
    if (tok.kind !== 'sym' || tok.text !== text) throw this.error(tok, `expected '${text}' but found ${this.describe(tok)}`);
    return tok;
  }

  expectId(what: string): Token {
    const tok = this.next();
    if (tok.kind !== 'id') throw this.error(tok, `expected ${what} but found ${this.describe(tok)}`);
    return tok;
  }

  expectInteger(what: string): { value: number; tok: Token } {
    const tok = this.next();
    const text = tok.text.replaceAll('_', '');
    if (tok.kind !== 'num' || !/^\d+$/.test(text)) {
      throw this.error(tok, `expected ${what} (a non-negative integer) but found ${this.describe(tok)}`);
    }
    return { value: Number(text), tok };
  }
}
