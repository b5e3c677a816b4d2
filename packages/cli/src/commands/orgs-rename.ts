import type { Command } from '@commander-js/extra-typings';
import type { CommandContext } from '../context';

export function registerOrgsRename(orgs: Command, ctx: CommandContext): void {
  orgs
    .command('rename')
    .description('Rename an organization (owners and maintainers)')
    .argument('<org>', 'organization slug, name or id')
    .argument('<new-name>', 'the new name')
    .action(async (orgArg, newName) => {
      const org = await ctx.findOrganization(orgArg);
      const renamed = await ctx.client().orgs.rename(org.id, newName);
      if (ctx.config().context?.id === org.id) ctx.saveConfig({ ...ctx.config(), context: { id: org.id, name: renamed.name, organization: true } });
      ctx.note(`✓ Renamed ${org.name} to ${renamed.name}`);
    });
}
