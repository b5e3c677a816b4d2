import type { Command } from '@commander-js/extra-typings';
import { examples } from '../command-helpers';
import type { CommandContext } from '../context';
import { usageError } from '../errors';

export function registerOrgsDelete(orgs: Command, ctx: CommandContext): void {
  orgs
    .command('delete')
    .description('Delete an organization with its provider tokens (owners only; cannot be undone)')
    .argument('<org>', 'organization slug, name or id')
    .requiredOption('--confirm <name>', 'the organization name again, to show this is no slip')
    .addHelpText('after', examples('qonduit orgs delete "Old Lab" --confirm "Old Lab"'))
    .action(async (orgArg, opts) => {
      const org = await ctx.findOrganization(orgArg);
      if (opts.confirm !== org.name) throw usageError(`--confirm "${opts.confirm}" does not match the name "${org.name}"`);
      await ctx.client().orgs.delete(org.id);
      if (ctx.config().context?.id === org.id) ctx.saveConfig({ ...ctx.config(), context: null });
      ctx.note(`✓ Deleted the organization ${org.name}`);
    });
}
