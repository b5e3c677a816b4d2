import type { Command } from '@commander-js/extra-typings';
import type { CommandContext } from '../context';
import { renderFields } from '../format/table';
import { relativeTime } from '../format/time';

export function registerAuthWhoami(program: Command, ctx: CommandContext): void {
  program
    .command('whoami')
    .description('Show who you are logged in as, with which token, acting for which account')
    .option('--json', 'print JSON')
    .action(async (opts) => {
      const client = ctx.client();
      const [user, token] = await Promise.all([client.user.get(), client.tokens.self()]);
      const acting = await ctx.actingAccount(undefined);
      if (opts.json) {
        ctx.json({ server: ctx.url(), user, token, context: { id: acting.id, name: acting.name, organization: acting.id !== null } });
        return;
      }
      ctx.out(
        renderFields([
          ['user', `${user.name} <${user.email}>`],
          ['server', ctx.url()],
          ['context', acting.id ? `${acting.name} (organization ${acting.id})` : 'personal account'],
          ['token', `${token.hint} "${token.name}" (${token.scopes.join(', ')}) from ${ctx.token()?.source === 'env' ? 'QONDUIT_TOKEN' : 'the config file'}`],
          ['expires', `${relativeTime(token.expires_at, ctx.now())}${token.expires_soon ? ' (soon: rotate it with `qonduit tokens rotate`)' : ''}`],
        ]),
      );
    });
}
