import type { Command } from '@commander-js/extra-typings';
import type { AuditEvent } from '@qonduit/sdk';
import { ORG_OPTION_HELP, examples, positiveInt } from '../command-helpers';
import type { CommandContext } from '../context';
import { renderTable } from '../format/table';
import { shortDate } from '../format/time';

function targetOf(e: AuditEvent): string {
  return [e.target.type, e.target.name ?? e.target.id].filter(Boolean).join(' ');
}

export function registerAuditList(program: Command, ctx: CommandContext): void {
  program
    .command('audit')
    .description("Show audit events, newest first: your account's, or an organization's (owners and maintainers)")
    .option('--org <org>', ORG_OPTION_HELP)
    .option('--limit <n>', 'how many events', positiveInt, 30)
    .option('--json', 'print JSON')
    .addHelpText('after', examples('qonduit audit', 'qonduit audit --org "Grace Labs" --limit 100 --json'))
    .action(async (opts) => {
      const account = await ctx.actingAccount(opts.org);
      const events: AuditEvent[] = [];
      for await (const event of ctx.client().audit.iterate(account.id ? { org: account.id } : {})) {
        events.push(event);
        if (events.length >= opts.limit) break;
      }
      if (opts.json) return ctx.json(events);
      if (events.length === 0) return ctx.note('No audit events yet.');
      ctx.out(
        renderTable<AuditEvent>(
          [
            { header: 'When', value: (e) => shortDate(e.created_at) },
            { header: 'Action', value: (e) => e.action },
            { header: 'Target', value: targetOf, maxWidth: 40 },
            { header: 'By', value: (e) => (e.actor.token_id ? `token ${e.actor.token_id.slice(0, 8)}` : e.actor.user_id ? 'web session' : 'anonymous') },
            { header: 'IP', value: (e) => e.actor.ip ?? '-' },
          ],
          events,
        ),
      );
    });
}
