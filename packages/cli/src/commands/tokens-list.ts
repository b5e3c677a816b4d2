import type { Command} from '@commander-js/extra-typings';
import { Option } from '@commander-js/extra-typings';
import type { Token } from '@qonduit/sdk';
import { examples } from '../command-helpers';
import type { CommandContext } from '../context';
import { tokensTable } from '../format/tokens';
import { tokenNoticeLines } from './notices';

export function registerTokensList(tokens: Command, ctx: CommandContext): void {
  tokens
    .command('list')
    .alias('ls')
    .description('List your personal access tokens, newest first (secrets are never shown again, only their last characters)')
    .addOption(new Option('--state <state>', 'only tokens in this state').choices(['active', 'expired', 'revoked'] as const))
    .option('--json', 'print JSON')
    .addHelpText('after', examples('qonduit tokens list', 'qonduit tokens list --state active --json'))
    .action(async (opts) => {
      const all: Token[] = [];
      for await (const token of ctx.client().tokens.iterate(opts.state ? { state: opts.state, limit: 100 } : { limit: 100 })) all.push(token);
      if (opts.json) return ctx.json(all);
      if (all.length === 0) return ctx.note('No tokens. Create one with `qonduit tokens create --name NAME --scopes api`.');
      ctx.out(tokensTable(all, ctx.now()));
      // Notices (expiring soon, about to be retired for disuse) show here when no e-mail or webhook carries them.
      const notices = await ctx.client().notices.list({ limit: 100 }).catch(() => null);
      for (const line of tokenNoticeLines(all, notices?.items ?? [])) ctx.note(line);
    });
}
