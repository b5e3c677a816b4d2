import type { Command } from '@commander-js/extra-typings';
import { examples } from '../command-helpers';
import type { CommandContext } from '../context';

export function registerOrgsCreate(orgs: Command, ctx: CommandContext): void {
  orgs
    .command('create')
    .description('Create an organization; you become its owner')
    .argument('<name>', 'the organization name')
    .option('--use', 'act for the new organization from now on (as `qonduit context use`)')
    .option('--json', 'print JSON')
    .addHelpText('after', examples('qonduit orgs create "Grace Labs" --use'))
    .action(async (name, opts) => {
      const org = await ctx.client().orgs.create({ name });
      if (opts.use) ctx.saveConfig({ ...ctx.config(), context: { id: org.id, name: org.name, organization: true } });
      if (opts.json) ctx.json(org);
      else ctx.out(org.id);
      ctx.note(`✓ Created the organization ${org.name}${opts.use ? '; commands now act for it' : ''}`);
    });
}
