import type { Command } from '@commander-js/extra-typings';
import type { CommandContext } from '../context';

export function registerContextShow(context: Command, ctx: CommandContext): void {
  context
    .command('show')
    .description('Show the account commands act for, and why (flag, environment or saved context)')
    .option('--json', 'print JSON')
    .action(async (opts) => {
      const acting = await ctx.actingAccount(undefined);
      const source = ctx.io.env.QONDUIT_ORGANIZATION_ID ? 'QONDUIT_ORGANIZATION_ID' : ctx.config().context ? 'saved context' : 'default';
      if (opts.json) {
        ctx.json({ id: acting.id, name: acting.name, organization: acting.id !== null, source });
        return;
      }
      ctx.out(acting.id ? `${acting.name} (organization ${acting.id}) — from ${source}` : `personal account — from ${source}`);
    });
}
