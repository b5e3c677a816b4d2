import type { Command } from '@commander-js/extra-typings';
import { examples } from '../command-helpers';
import type { CommandContext } from '../context';
import { findToken } from '../token-reference';

export function registerTokensRevoke(tokens: Command, ctx: CommandContext): void {
  tokens
    .command('revoke')
    .description('Revoke a token: it stops working at once, everywhere')
    .argument('<token>', 'the token: its name, its id, or the short id `qonduit tokens list` shows')
    .option('--json', 'print the token as it is now, as JSON')
    .addHelpText('after', examples('qonduit tokens revoke laptop', 'qonduit tokens revoke 9d2e4b17'))
    .action(async (reference, opts) => {
      const token = await findToken(ctx, reference);
      const client = ctx.client();
      // Revoking again changes nothing: say so rather than report a revocation.
      if (token.state !== 'revoked') await client.tokens.revoke(token.id);
      const now = await client.tokens.get(token.id);
      if (opts.json) return ctx.json(now);
      if (token.state === 'revoked') ctx.note(`Token "${token.name}" (${token.hint}) was already revoked, on ${token.revoked_at ?? 'an earlier date'}`);
      else ctx.note(`✓ Revoked token "${token.name}" (${token.hint})`);
    });
}
