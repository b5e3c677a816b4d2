import type { Command } from '@commander-js/extra-typings';
import type { CommandContext } from '../context';
import { tokenFields } from '../format/tokens';

export function registerTokensSelf(tokens: Command, ctx: CommandContext): void {
  tokens
    .command('self')
    .description('Show the token this CLI is using')
    .option('--json', 'print JSON')
    .action(async (opts) => {
      const token = await ctx.client().tokens.self();
      if (opts.json) return ctx.json(token);
      ctx.out(tokenFields(token, ctx.now()));
    });
}
