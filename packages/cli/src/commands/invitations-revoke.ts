import type { Command } from '@commander-js/extra-typings';
import { ORG_OPTION_HELP, examples } from '../command-helpers';
import type { CommandContext } from '../context';
import { usageError } from '../errors';
import { memberOrg } from './members-list';

export function registerInvitationsRevoke(invitations: Command, ctx: CommandContext): void {
  invitations
    .command('revoke')
    .description("Revoke an organization's open invitation (owners)")
    .argument('<invitation>', "the invitation's id, or the e-mail it was sent to")
    .option('--org <org>', ORG_OPTION_HELP)
    .addHelpText('after', examples('qonduit invitations revoke grace@example.com --org "Grace Labs"'))
    .action(async (which, opts) => {
      const org = await memberOrg(ctx, opts.org);
      for await (const inv of ctx.client().orgs.invitations.iterate(org.id)) {
        if (inv.id === which || inv.email === which.trim().toLowerCase()) {
          await ctx.client().orgs.invitations.revoke(org.id, inv.id);
          return ctx.note(`✓ Revoked the invitation of ${inv.email} to ${org.name}`);
        }
      }
      throw usageError(`no open invitation ${which} in ${org.name}`, 'list them with `qonduit invitations list --org ORG`');
    });
}
