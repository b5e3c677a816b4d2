import type { Command } from '@commander-js/extra-typings';
import { examples } from '../command-helpers';
import type { CommandContext } from '../context';
import { findMyInvitation } from './invitations-list';

export function registerInvitationsAccept(invitations: Command, ctx: CommandContext): void {
  invitations
    .command('accept')
    .description('Accept an invitation: become a member of the organization in the invited role')
    .argument('<invitation>', "the invitation's id, or the organization's name")
    .addHelpText('after', examples('qonduit invitations accept "Grace Labs"'))
    .action(async (which) => {
      const invitation = await findMyInvitation(ctx, which);
      const org = await ctx.client().user.invitations.accept(invitation.id);
      ctx.note(`✓ You are now ${org.role} of ${org.name}`);
      ctx.note(`  Act for it with \`qonduit context use "${org.name}"\` or --org.`);
    });
}
