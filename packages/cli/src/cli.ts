import { CommanderError } from '@commander-js/extra-typings';
import { CommandContext } from './context';
import { EXIT, describeError, formatReport } from './errors';
import type { ExitCode } from './errors';
import type { CliIo } from './io';
import { buildProgram } from './program';

/**
 * Runs one `qonduit` command line and answers its exit code; never throws and never exits the
 * process, so tests run the real CLI in-process with their own streams, environment and config.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const ctx = new CommandContext(io);
  const program = buildProgram(ctx);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return ctx.exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version were asked for (or shown for a bare noun); anything else was a usage mistake that commander already explained.
      const shown = ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(err.code);
      return shown ? EXIT.ok : EXIT.usage;
    }
    const report = describeError(err, ctx.situation());
    io.stderr.write(formatReport(report));
    return report.exitCode;
  }
}
