import type { Command } from '@commander-js/extra-typings';
import type { Member } from '@qonduit/sdk';
import { ORG_OPTION_HELP, examples } from '../command-helpers';
import type { CommandContext } from '../context';
import { usageError } from '../errors';
import { renderTable } from '../format/table';
import { shortDate } from '../format/time';

/** The organization a members command is about: --org, or the current context. */
export async function memberOrg(ctx: CommandContext, flag: string | undefined): Promise<{ id: string; name: string }> {
  const acting = await ctx.actingAccount(flag);
  if (!acting.id) throw usageError('members belong to an organization', 'name one with --org, or `qonduit context use ORG`');
  return { id: acting.id, name: acting.name };
}

/** A member by user id or email. */
export async function findMember(ctx: CommandContext, org: string, who: string): Promise<Member> {
  for await (const member of ctx.client().orgs.members.iterate(org)) {
    if (member.user_id === who || member.email.toLowerCase() === who.toLowerCase()) return member;
  }
  throw usageError(`no member ${who} in this organization`, 'list them with `qonduit members list`');
}

export function registerMembersList(members: Command, ctx: CommandContext): void {
  members
    .command('list')
    .alias('ls')
    .description('List the members of an organization and their roles')
    .option('--org <org>', ORG_OPTION_HELP)
    .option('--json', 'print JSON')
    .addHelpText('after', examples('qonduit members list --org "Grace Labs"'))
    .action(async (opts) => {
      const org = await memberOrg(ctx, opts.org);
      const all: Member[] = [];
      for await (const member of ctx.client().orgs.members.iterate(org.id)) all.push(member);
      if (opts.json) return ctx.json(all);
      ctx.out(
        renderTable<Member>(
          [
            { header: 'Name', value: (m) => m.name, maxWidth: 32 },
            { header: 'Email', value: (m) => m.email },
            { header: 'Role', value: (m) => m.role },
            { header: 'Added', value: (m) => shortDate(m.added_at) },
            { header: 'User ID', value: (m) => m.user_id },
          ],
          all,
        ),
      );
    });
}
