import type { Command } from '@commander-js/extra-typings';
import { ORG_OPTION_HELP } from '../command-helpers';
import type { CommandContext } from '../context';
import { findMember, memberOrg } from './members-list';

export function registerMembersRemove(members: Command, ctx: CommandContext): void {
  members
    .command('remove')
    .alias('rm')
    .description('Remove a member (owners), or leave with your own email; access ends at once')
    .argument('<member>', 'user id or email')
    .option('--org <org>', ORG_OPTION_HELP)
    .action(async (who, opts) => {
      const org = await memberOrg(ctx, opts.org);
      const member = await findMember(ctx, org.id, who);
      await ctx.client().orgs.members.remove(org.id, member.user_id);
      ctx.note(`✓ Removed ${member.name} <${member.email}> from ${org.name}`);
    });
}
