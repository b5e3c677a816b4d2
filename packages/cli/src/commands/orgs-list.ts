import type { Command } from '@commander-js/extra-typings';
import type { Organization } from '@qonduit/sdk';
import type { CommandContext } from '../context';
import { renderTable } from '../format/table';
import { shortDate } from '../format/time';

export function registerOrgsList(orgs: Command, ctx: CommandContext): void {
  orgs
    .command('list')
    .alias('ls')
    .description('List the organizations you belong to, with your role')
    .option('--json', 'print JSON')
    .action(async (opts) => {
      const all: Organization[] = [];
      for await (const org of ctx.client().orgs.iterate()) all.push(org);
      if (opts.json) return ctx.json(all);
      if (all.length === 0) return ctx.note('You belong to no organization. Create one with `qonduit orgs create NAME`.');
      const current = ctx.config().context?.id;
      ctx.out(
        renderTable<Organization>(
          [
            { header: '', value: (o) => (o.id === current ? '*' : ' ') },
            { header: 'Name', value: (o) => o.name, maxWidth: 40 },
            { header: 'Slug', value: (o) => o.slug },
            { header: 'Role', value: (o) => o.role },
            { header: 'Created', value: (o) => shortDate(o.created_at) },
            { header: 'ID', value: (o) => o.id },
          ],
          all,
        ),
      );
    });
}
