import type { Command } from '@commander-js/extra-typings';
import { examples } from '../command-helpers';
import type { CommandContext } from '../context';

export function registerTokensRevoke(tokens: Command, ctx: CommandContext): void {
  tokens
    .command('revoke')
    .description('Revoke a token: it stops working at once, everywhere')
    .argument('<id>', 'the token id (from `qonduit tokens list`)')
    .addHelpText('after', examples('qonduit tokens revoke 0193c2d4-...'))
    .action(async (id) => {
      const client = ctx.client();
      const token = await client.tokens.get(id);
      await client.tokens.revoke(id);
      ctx.note(`✓ Revoked token "${token.name}" (${token.hint})`);
    });
}
