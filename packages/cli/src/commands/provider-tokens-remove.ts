import type { Command } from '@commander-js/extra-typings';
import { ORG_OPTION_HELP, examples } from '../command-helpers';
import type { CommandContext } from '../context';
import { accountLabel, providerNamed } from './provider-tokens-set';

export function registerProviderTokensRemove(parent: Command, ctx: CommandContext): void {
  parent
    .command('remove')
    .alias('rm')
    .description('Delete a provider access token; jobs for that provider then need another token')
    .argument('<provider>', 'provider id')
    .option('--org <org>', ORG_OPTION_HELP)
    .addHelpText('after', examples('qonduit provider-tokens remove ionq', 'qonduit provider-tokens remove ionq --org "Grace Labs"'))
    .action(async (providerId, opts) => {
      const account = await ctx.actingAccount(opts.org);
      const client = ctx.client();
      const provider = await providerNamed(client, providerId);
      await client.providerTokens.remove(provider.id, account.id ? { org: account.id } : {});
      ctx.note(`✓ Removed the ${provider.display_name} token of ${accountLabel(account)}`);
    });
}
