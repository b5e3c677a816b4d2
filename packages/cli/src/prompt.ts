import { CliError, EXIT } from './errors';
import type { CliIo } from './io';

/** All of standard input as text (a piped secret, a piped file). */
export async function readStdin(io: CliIo): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of io.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

export function canPrompt(io: CliIo): boolean {
  return io.stdin.isTTY === true && typeof io.stdin.setRawMode === 'function';
}

/**
 * Asks on the terminal; a secret is echoed as `*` for each character, so that it lands neither
 * on screen nor in shell history. Ctrl-C stops the command (exit 130).
 */
export function promptSecret(io: CliIo, question: string, options: { mask?: boolean } = {}): Promise<string> {
  const mask = options.mask ?? true;
  const { stdin, stderr } = io;
  if (!canPrompt(io)) {
    return Promise.reject(new CliError('cannot prompt: standard input is not a terminal', { exitCode: EXIT.usage }));
  }
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = (error: CliError | null) => {
      stdin.off('data', onData);
      stdin.setRawMode?.(false);
      stdin.pause();
      stderr.write('\n');
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (data: Buffer | string) => {
      for (const char of typeof data === 'string' ? data : data.toString('utf8')) {
        if (char === '\r' || char === '\n' || char === '\u0004') return finish(null);
        if (char === '\u0003') return finish(new CliError('stopped', { exitCode: EXIT.interrupted }));
        if (char === '\u007f' || char === '\b') {
          if (value.length > 0) {
            value = value.slice(0, -1);
            stderr.write('\b \b');
          }
        } else if (char >= ' ') {
          value += char;
          stderr.write(mask ? '*' : char);
        }
      }
    };
    // Echo off before the question shows: whatever is typed once it is visible stays hidden.
    stdin.setRawMode?.(true);
    stdin.on('data', onData);
    stdin.resume();
    stderr.write(question);
  });
}

/** A secret from the terminal when there is one, otherwise the first line of standard input. */
export async function readSecret(io: CliIo, question: string, what: string): Promise<string> {
  const value = canPrompt(io) ? await promptSecret(io, question) : (await readStdin(io)).split(/\r?\n/)[0];
  const trimmed = (value ?? '').trim();
  if (!trimmed) throw new CliError(`no ${what} given`, { exitCode: EXIT.usage });
  return trimmed;
}
