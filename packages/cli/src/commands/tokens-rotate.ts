import type { Command } from '@commander-js/extra-typings';
import { examples } from '../command-helpers';
import type { CommandContext } from '../context';
import { findToken } from '../token-reference';
import { expiryFrom, printNewToken } from './tokens-create';

export function registerTokensRotate(tokens: Command, ctx: CommandContext): void {
  tokens
    .command('rotate')
    .description('Revoke a token and issue its successor with the same name and scopes; the new secret is printed once')
    .argument('<token>', 'the token: its name, its id or short id, or "self" for the token this CLI is logged in with')
    .option('--expires-in <duration>', 'lifetime of the new token, such as 30d (default: as the server decides)')
    .option('--expires-at <date>', 'expiry of the new token (YYYY-MM-DD or a date-time)')
    .option('--json', 'print the new token and its details as JSON')
    .addHelpText('after', examples('qonduit tokens rotate self --expires-in 90d    # the saved token is replaced too', 'qonduit tokens rotate laptop'))
    .action(async (idArg, opts) => {
      const client = ctx.client();
      const self = await client.tokens.self();
      const id = idArg === 'self' ? self.id : (await findToken(ctx, idArg)).id;
      const expires = expiryFrom(opts, ctx.now());
      const rotated = await client.tokens.rotate(id, expires ? { expires_at: expires } : {});
      // Rotating the CLI's own token revokes the one it holds: keep working with the new one.
      const savedIsRotated = id === self.id && ctx.token()?.source === 'config';
      if (savedIsRotated) ctx.saveConfig({ ...ctx.config(), token: rotated.token });
      printNewToken(ctx, rotated, 'Rotated', opts.json);
      if (savedIsRotated) ctx.note(`  The CLI now uses the new token (saved to ${ctx.store.path}).`);
      else if (id === self.id) ctx.note('  QONDUIT_TOKEN holds the old, now revoked token: replace it with the new one.');
    });
}
