import type { Command } from '@commander-js/extra-typings';
import type { CommandContext } from '../context';
import { renderFields } from '../format/table';
import { shortDate } from '../format/time';

export function registerOrgsShow(orgs: Command, ctx: CommandContext): void {
  orgs
    .command('show')
    .description('Show an organization (the current context when none is named)')
    .argument('[org]', 'organization slug, name or id')
    .option('--json', 'print JSON')
    .action(async (orgArg, opts) => {
      const acting = await ctx.actingAccount(orgArg);
      if (!acting.id) return ctx.note('You act for your personal account; name an organization, or see `qonduit orgs list`.');
      const org = await ctx.client().orgs.get(acting.id);
      if (opts.json) return ctx.json(org);
      ctx.out(renderFields([['name', org.name], ['slug', org.slug], ['id', org.id], ['your role', org.role], ['created', shortDate(org.created_at)]]));
    });
}
