// Runs the real CLI in-process for tests: its own streams, environment and config folder.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { runCli } from './cli';
import type { CliIo, Input, Output } from './io';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Piped standard input, or a fake terminal (see `fakeTerminal`). */
  stdin?: string | Input;
  env?: Record<string, string | undefined>;
  cwd?: string;
  signal?: AbortSignal;
  fetch?: typeof fetch;
  stderrIsTTY?: boolean;
}

function buffer(isTTY: boolean): Output & { text: () => string } {
  let text = '';
  return {
    isTTY,
    columns: 100,
    write(chunk: string) {
      text += chunk;
      return true;
    },
    text: () => text,
  };
}

/** A terminal on standard input that types `keys` once the CLI starts listening. */
export function fakeTerminal(keys: string): Input {
  const stream = new PassThrough() as PassThrough & { isTTY: boolean; setRawMode: (raw: boolean) => void; rawModes: boolean[] };
  stream.isTTY = true;
  stream.rawModes = [];
  stream.setRawMode = (raw) => {
    stream.rawModes.push(raw);
  };
  stream.once('resume', () => {
    setImmediate(() => stream.write(keys));
  });
  return stream;
}

/** A user's machine: a home with its own config folder, and the variables a shell would have. */
export interface Machine {
  home: string;
  configFile: string;
  env: Record<string, string | undefined>;
  run(argv: string[], options?: RunOptions): Promise<CliRun>;
  /** What the latest run has written to stderr so far (for one still running, such as serve). */
  lastStderr(): string;
  cleanup(): void;
}

export function createMachine(baseEnv: Record<string, string | undefined> = {}): Machine {
  const home = mkdtempSync(path.join(os.tmpdir(), 'qonduit-cli-home-'));
  const env = { HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), ...baseEnv };
  let latest = buffer(false);
  return {
    home,
    configFile: path.join(home, '.config', 'qonduit', 'config.json'),
    env,
    async run(argv, options = {}) {
      const stdout = buffer(false);
      const stderr = buffer(options.stderrIsTTY ?? false);
      latest = stderr;
      const stdin = typeof options.stdin === 'string' || options.stdin === undefined ? Readable.from([options.stdin ?? '']) : options.stdin;
      const io: CliIo = {
        stdin: stdin,
        stdout,
        stderr,
        env: { ...env, ...options.env },
        cwd: options.cwd ?? home,
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.fetch ? { fetch: options.fetch } : {}),
      };
      const code = await runCli(argv, io);
      return { code, stdout: stdout.text(), stderr: stderr.text() };
    },
    lastStderr: () => latest.text(),
    cleanup() {
      rmSync(home, { recursive: true, force: true });
    },
  };
}
