import type { Command } from '@commander-js/extra-typings';
import { ORG_OPTION_HELP, examples } from '../command-helpers';
import type { CommandContext } from '../context';
import { backendsTable } from '../format/quantum';

/** A client acting for --org or the current context: it decides whose provider token a job spends. */
export async function quantumClient(ctx: CommandContext, org: string | undefined) {
  const account = await ctx.actingAccount(org);
  return { client: ctx.client({ organizationId: account.id }), account };
}

export function registerBackendsList(backends: Command, ctx: CommandContext): void {
  backends
    .command('list')
    .alias('ls')
    .description('List quantum backends')
    .option('--provider <name>', "only this provider: ionq, ibm, aws_braket, aqt, iqm, dwave, local (or PlanQK's SDK family: AZURE, AWS, IBM, DWAVE)")
    .option('--org <org>', ORG_OPTION_HELP)
    .option('--json', 'print JSON')
    .addHelpText('after', examples('qonduit backends list', 'qonduit backends list --provider ionq --json'))
    .action(async (opts) => {
      const { client } = await quantumClient(ctx, opts.org);
      const list = await client.backends.list(opts.provider ? { provider: opts.provider } : {});
      if (opts.json) return ctx.json(list);
      if (list.length === 0) return ctx.note('No backends match.');
      ctx.out(backendsTable(list));
    });
}
