import type { Command } from '@commander-js/extra-typings';
import { Option } from '@commander-js/extra-typings';
import { ROLES } from '@qonduit/sdk';
import { ORG_OPTION_HELP, examples } from '../command-helpers';
import type { CommandContext } from '../context';
import { shortDate } from '../format/time';
import { memberOrg } from './members-list';

export function registerMembersAdd(members: Command, ctx: CommandContext): void {
  members
    .command('add')
    .description('Invite someone by e-mail to an organization (owners); they join when they accept')
    .argument('<email>', "the person's e-mail address")
    .addOption(new Option('--role <role>', 'owner: everything; maintainer: create and edit; viewer: see and run').choices(ROLES).default('viewer' as const))
    .option('--org <org>', ORG_OPTION_HELP)
    .option('--json', 'print the invitation as JSON')
    .addHelpText('after', examples('qonduit members add grace@example.com --role maintainer --org "Grace Labs"'))
    .action(async (email, opts) => {
      const org = await memberOrg(ctx, opts.org);
      const { invitation } = await ctx.client().orgs.members.add(org.id, { email, role: opts.role });
      if (opts.json) return ctx.json(invitation);
      // The server answers the same whether or not the e-mail has an account, and so does this.
      ctx.note(`✓ Invited ${invitation.email} to ${org.name} as ${invitation.role} (until ${shortDate(invitation.expires_at)})`);
      ctx.note('  They become a member when they accept: `qonduit invitations accept` or the web UI.');
    });
}
