import type { Readable } from 'node:stream';

/** Where output goes: process.stdout or a test's buffer. */
export interface Output {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** Standard input; a TTY one can switch to raw mode for a masked prompt. */
export type Input = Readable & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };

/**
 * Everything the CLI touches outside itself, passed in so that tests run the real CLI
 * in-process: streams, environment, working directory, network, time, and a stop signal.
 */
export interface CliIo {
  stdin: Input;
  stdout: Output;
  stderr: Output;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  fetch?: typeof fetch;
  /** Aborts long waits (jobs run --wait, serve) as Ctrl-C does. */
  signal?: AbortSignal;
  now?: () => Date;
}

export function processIo(signal?: AbortSignal): CliIo {
  return {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    ...(signal ? { signal } : {}),
  };
}
