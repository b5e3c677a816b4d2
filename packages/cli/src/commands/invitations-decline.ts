import type { Command } from '@commander-js/extra-typings';
import { examples } from '../command-helpers';
import type { CommandContext } from '../context';
import { findMyInvitation } from './invitations-list';

export function registerInvitationsDecline(invitations: Command, ctx: CommandContext): void {
  invitations
    .command('decline')
    .description('Decline an invitation')
    .argument('<invitation>', "the invitation's id, or the organization's name")
    .addHelpText('after', examples('qonduit invitations decline "Grace Labs"'))
    .action(async (which) => {
      const invitation = await findMyInvitation(ctx, which);
      await ctx.client().user.invitations.decline(invitation.id);
      ctx.note(`✓ Declined the invitation to ${invitation.organization.name}`);
    });
}
