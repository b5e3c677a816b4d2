import type { Command } from '@commander-js/extra-typings';
import type { MyInvitation, OrgInvitation } from '@qonduit/sdk';
import { examples } from '../command-helpers';
import type { CommandContext } from '../context';
import { usageError } from '../errors';
import { renderTable } from '../format/table';
import { shortDate } from '../format/time';
import { memberOrg } from './members-list';

/** One of my pending invitations, by its id or its organization's name. */
export async function findMyInvitation(ctx: CommandContext, which: string): Promise<MyInvitation> {
  const matches: MyInvitation[] = [];
  for await (const inv of ctx.client().user.invitations.iterate()) {
    if (inv.id === which) return inv;
    if (inv.organization.name.toLowerCase() === which.toLowerCase() || inv.organization.id === which) matches.push(inv);
  }
  const [only, ...more] = matches;
  if (only && more.length === 0) return only;
  if (only) throw usageError(`${matches.length} invitations match ${which}`, 'name one by its id (`qonduit invitations list`)');
  throw usageError(`no pending invitation ${which}`, 'list yours with `qonduit invitations list`');
}

export function registerInvitationsList(invitations: Command, ctx: CommandContext): void {
  invitations
    .command('list')
    .alias('ls')
    .description("Your pending invitations to organizations, or with --org an organization's open invitations")
    .option('--org <org>', "an organization whose open invitations to show (any member may see them)")
    .option('--json', 'print JSON')
    .addHelpText('after', examples('qonduit invitations list', 'qonduit invitations list --org "Grace Labs"'))
    .action(async (opts) => {
      if (opts.org !== undefined) {
        const org = await memberOrg(ctx, opts.org);
        const all: OrgInvitation[] = [];
        for await (const inv of ctx.client().orgs.invitations.iterate(org.id)) all.push(inv);
        if (opts.json) return ctx.json(all);
        if (all.length === 0) return ctx.note(`No open invitations to ${org.name}.`);
        return ctx.out(
          renderTable<OrgInvitation>(
            [
              { header: 'Email', value: (i) => i.email },
              { header: 'Role', value: (i) => i.role },
              { header: 'Status', value: (i) => i.status },
              { header: 'Expires', value: (i) => shortDate(i.expires_at) },
              { header: 'Invited by', value: (i) => i.invited_by.name ?? '', maxWidth: 32 },
              { header: 'ID', value: (i) => i.id },
            ],
            all,
          ),
        );
      }
      const mine: MyInvitation[] = [];
      for await (const inv of ctx.client().user.invitations.iterate()) mine.push(inv);
      if (opts.json) return ctx.json(mine);
      if (mine.length === 0) return ctx.note('No pending invitations.');
      ctx.out(
        renderTable<MyInvitation>(
          [
            { header: 'Organization', value: (i) => i.organization.name, maxWidth: 32 },
            { header: 'Role', value: (i) => i.role },
            { header: 'Invited by', value: (i) => i.invited_by.name ?? '', maxWidth: 32 },
            { header: 'Expires', value: (i) => shortDate(i.expires_at) },
            { header: 'ID', value: (i) => i.id },
          ],
          mine,
        ),
      );
    });
}
