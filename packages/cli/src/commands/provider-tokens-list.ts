import type { Command } from '@commander-js/extra-typings';
import type { ProviderToken } from '@qonduit/sdk';
import { ORG_OPTION_HELP, examples } from '../command-helpers';
import type { CommandContext } from '../context';
import { renderTable } from '../format/table';
import { relativeTime } from '../format/time';
import { accountLabel } from './provider-tokens-set';

export function providerTokensTable(tokens: readonly ProviderToken[], now: Date): string {
  return renderTable<ProviderToken>(
    [
      { header: 'Provider', value: (t) => t.provider },
      { header: 'Name', value: (t) => t.display_name, maxWidth: 28 },
      { header: 'Credential', value: (t) => Object.entries(t.hints).map(([k, v]) => `${k}=${v}`).join(' '), maxWidth: 60 },
      { header: 'Status', value: (t) => t.status },
      { header: 'Checked', value: (t) => relativeTime(t.checked_at, now) },
      { header: 'Updated', value: (t) => `${relativeTime(t.updated_at, now)} by ${t.updated_by.name ?? 'a former member'}` },
      { header: 'Last used', value: (t) => relativeTime(t.last_used_at, now) },
    ],
    tokens,
  );
}

export function registerProviderTokensList(parent: Command, ctx: CommandContext): void {
  parent
    .command('list')
    .alias('ls')
    .description('List provider access tokens, masked: only the last characters of each secret are ever shown')
    .option('--org <org>', ORG_OPTION_HELP)
    .option('--json', 'print JSON')
    .addHelpText('after', examples('qonduit provider-tokens list', 'qonduit provider-tokens list --org "Grace Labs" --json'))
    .action(async (opts) => {
      const account = await ctx.actingAccount(opts.org);
      const tokens = await ctx.client().providerTokens.list(account.id ? { org: account.id } : {});
      if (opts.json) return ctx.json(tokens);
      if (tokens.length === 0) return ctx.note(`No provider tokens for ${accountLabel(account)}. Add one with \`qonduit provider-tokens set <provider>\`.`);
      ctx.out(providerTokensTable(tokens, ctx.now()));
    });
}
