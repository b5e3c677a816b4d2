import type { Command } from '@commander-js/extra-typings';
import { ORG_OPTION_HELP, examples } from '../command-helpers';
import type { CommandContext } from '../context';
import { CliError } from '../errors';
import { accountLabel, providerNamed } from './provider-tokens-set';

export function registerProviderTokensVerify(parent: Command, ctx: CommandContext): void {
  parent
    .command('verify')
    .description('Check a stored provider token against the provider now (exit 1 unless it is valid)')
    .argument('<provider>', 'provider id')
    .option('--org <org>', ORG_OPTION_HELP)
    .option('--json', 'print JSON')
    .addHelpText('after', examples('qonduit provider-tokens verify ionq --org "Grace Labs"'))
    .action(async (providerId, opts) => {
      const account = await ctx.actingAccount(opts.org);
      const client = ctx.client();
      const provider = await providerNamed(client, providerId);
      const checked = await client.providerTokens.verify(provider.id, account.id ? { org: account.id } : {});
      if (opts.json) ctx.json(checked);
      const why = checked.check.message ? `: ${checked.check.message}` : '';
      switch (checked.check.result) {
        case 'valid':
          if (!opts.json) ctx.note(`✓ The ${provider.display_name} token of ${accountLabel(account)} is valid`);
          return;
        case 'invalid':
          throw new CliError(`${provider.display_name} refused the token of ${accountLabel(account)}${why}`, {
            hint: `replace it with \`qonduit provider-tokens set ${provider.id}\` (get a new one at ${provider.token_url})`,
          });
        case 'unreachable':
          throw new CliError(`could not reach ${provider.display_name} to check the token${why}`, { hint: 'try again later' });
        case 'unsupported':
          if (!opts.json) ctx.note(`${provider.display_name} offers no way to check a token without running a job${why}`);
          return;
      }
    });
}
