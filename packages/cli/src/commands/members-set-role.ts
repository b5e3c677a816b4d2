import type { Command} from '@commander-js/extra-typings';
import { Argument } from '@commander-js/extra-typings';
import { ROLES } from '@qonduit/sdk';
import { ORG_OPTION_HELP } from '../command-helpers';
import type { CommandContext } from '../context';
import { findMember, memberOrg } from './members-list';

export function registerMembersSetRole(members: Command, ctx: CommandContext): void {
  members
    .command('set-role')
    .description("Change a member's role (owners); an organization always keeps one owner")
    .argument('<member>', 'user id or email')
    .addArgument(new Argument('<role>', 'the new role').choices(ROLES))
    .option('--org <org>', ORG_OPTION_HELP)
    .action(async (who, role, opts) => {
      const org = await memberOrg(ctx, opts.org);
      const member = await findMember(ctx, org.id, who);
      const updated = await ctx.client().orgs.members.setRole(org.id, member.user_id, role);
      ctx.note(`✓ ${updated.name} is now ${updated.role} of ${org.name}`);
    });
}
