import type { Command } from '@commander-js/extra-typings';
import { examples } from '../command-helpers';
import type { CommandContext } from '../context';
import { CliError } from '../errors';

export function registerContextUse(context: Command, ctx: CommandContext): void {
  context
    .command('use')
    .description('Act for an organization (or your personal account) from now on')
    .argument('<id|name>', 'an account id or name from `qonduit contexts`, or "personal"')
    .addHelpText('after', examples('qonduit context use "Grace Labs"', 'qonduit context use personal'))
    .action(async (wanted) => {
      const accounts = await ctx.client().accounts.list();
      const personal = accounts.find((a) => !a.isOrganization);
      const lower = wanted.toLowerCase();
      const matches =
        lower === 'personal' && personal
          ? [personal]
          : accounts.filter((a) => a.id === wanted || a.displayName.toLowerCase() === lower);
      const [account, ...more] = matches;
      if (!account) throw new CliError(`no account "${wanted}" among yours`, { hint: 'list them with `qonduit contexts`' });
      if (more.length > 0) {
        throw new CliError(`${matches.length} accounts are named "${wanted}"`, { hint: `use an id: ${matches.map((a) => a.id).join(', ')}` });
      }
      ctx.saveConfig({ ...ctx.config(), context: { id: account.id, name: account.displayName, organization: account.isOrganization } });
      ctx.note(
        account.isOrganization
          ? `✓ Now acting for the organization ${account.displayName} (${account.role ?? 'member'})`
          : '✓ Now acting for your personal account',
      );
    });
}
