import type { Command } from '@commander-js/extra-typings';
import type { Provider } from '@qonduit/sdk';
import type { CommandContext } from '../context';
import { renderTable } from '../format/table';

export function registerProvidersList(parent: Command, ctx: CommandContext): void {
  parent
    .command('list')
    .alias('ls')
    .description('List the providers Qonduit can hold tokens for, with their credential fields')
    .option('--json', 'print JSON')
    .action(async (opts) => {
      const providers = await ctx.client().providers.list();
      if (opts.json) return ctx.json(providers);
      ctx.out(
        renderTable<Provider>(
          [
            { header: 'ID', value: (p) => p.id },
            { header: 'Name', value: (p) => p.display_name },
            { header: 'Fields (* secret, ? optional)', value: (p) => p.fields.map((f) => `${f.name}${f.secret ? '*' : ''}${f.required ? '' : '?'}`).join(' ') },
            { header: 'Get a token at', value: (p) => p.token_url },
          ],
          providers,
        ),
      );
    });
}
