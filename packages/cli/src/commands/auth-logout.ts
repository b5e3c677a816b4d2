import type { Command } from '@commander-js/extra-typings';
import { examples } from '../command-helpers';
import type { CommandContext } from '../context';

export function registerAuthLogout(program: Command, ctx: CommandContext): void {
  program
    .command('logout')
    .description('Forget the saved token (and with --revoke, revoke it on the server first)')
    .option('--revoke', 'revoke the token on the server too, so that no copy of it works')
    .addHelpText('after', examples('qonduit logout', 'qonduit logout --revoke'))
    .action(async (opts) => {
      const saved = ctx.config().token;
      const server = ctx.config().url ?? ctx.url();
      if (!saved) {
        ctx.note('Not logged in: there is no saved token.');
        return;
      }
      if (opts.revoke) {
        // Revoked where it was issued, whatever --url says.
        const client = ctx.client({ token: saved, baseUrl: server });
        const self = await client.tokens.self();
        await client.tokens.revoke(self.id);
        ctx.note(`✓ Revoked ${self.hint}`);
      }
      const { token: _dropped, ...rest } = ctx.config();
      ctx.saveConfig({ ...rest, context: null });
      ctx.note(`✓ Logged out of ${server}`);
      if (ctx.io.env.QONDUIT_TOKEN) ctx.note('  note: QONDUIT_TOKEN is still set in this environment');
    });
}
