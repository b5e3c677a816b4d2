import type { Command} from '@commander-js/extra-typings';
import { Option } from '@commander-js/extra-typings';
import { ROLES } from '@qonduit/sdk';
import { ORG_OPTION_HELP, examples } from '../command-helpers';
import type { CommandContext } from '../context';
import { memberOrg } from './members-list';

export function registerMembersAdd(members: Command, ctx: CommandContext): void {
  members
    .command('add')
    .description('Add a user (who has signed up) to an organization (owners)')
    .argument('<email>', "the user's email address")
    .addOption(new Option('--role <role>', 'owner: everything; maintainer: create and edit; viewer: see and run').choices(ROLES).default('viewer' as const))
    .option('--org <org>', ORG_OPTION_HELP)
    .addHelpText('after', examples('qonduit members add grace@example.com --role maintainer --org "Grace Labs"'))
    .action(async (email, opts) => {
      const org = await memberOrg(ctx, opts.org);
      const member = await ctx.client().orgs.members.add(org.id, { email, role: opts.role });
      ctx.note(`✓ Added ${member.name} <${member.email}> to ${org.name} as ${member.role}`);
    });
}
