import { CircuitError } from '../circuit';

/** A CircuitError that says where in the program text it starts. */
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
