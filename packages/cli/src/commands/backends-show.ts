import type { Command } from '@commander-js/extra-typings';
import type { CommandContext } from '../context';
import { backendFields } from '../format/quantum';

export function registerBackendsShow(backends: Command, ctx: CommandContext): void {
  backends
    .command('show')
    .description("Show a backend's configuration: qubits, gates, shot range, input formats")
    .argument('<id>', 'backend id, e.g. local.simulator')
    .option('--json', 'print JSON')
    .action(async (id, opts) => {
      const backend = await ctx.client().backends.get(id);
      if (opts.json) return ctx.json(backend);
      ctx.out(backendFields(backend));
    });
}
