import type { Command } from '@commander-js/extra-typings';
import { InvalidArgumentError } from '@commander-js/extra-typings';
import type { AuditEvent, AuditEventQuery } from '@qonduit/sdk';
import { ORG_OPTION_HELP, examples, positiveInt } from '../command-helpers';
import type { CommandContext } from '../context';
import { usageError } from '../errors';
import { renderTable } from '../format/table';
import { shortDate } from '../format/time';
import { findMember } from './members-list';

function targetOf(e: AuditEvent): string {
  return [e.target.type, e.target.name ?? e.target.id].filter(Boolean).join(' ');
}

/** The actor as people know them: "Ada Lovelace via token 'laptop'". */
export function actorOf(e: AuditEvent): string {
  const { user_id, name, token_id, token_name } = e.actor;
  if (!user_id) return token_id ? `token ${token_name ? `'${token_name}'` : token_id}` : 'nobody signed in';
  const person = name ?? `user ${user_id}`;
  if (!token_id) return person;
  return `${person} via token ${token_name ? `'${token_name}'` : token_id}`;
}

const DATE = /^\d{4}-\d{2}-\d{2}([Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:\d{2}))?$/;
const AGO = /^(\d+)([mhdw])$/;
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/** A date, a date-time, or a time ago (`30m`, `12h`, `7d`, `2w`), as the API takes it. */
export function parseMoment(value: string, now: Date = new Date()): string {
  const ago = AGO.exec(value);
  if (ago) return new Date(now.getTime() - Number(ago[1]) * UNIT_MS[ago[2] as keyof typeof UNIT_MS]).toISOString();
  if (DATE.test(value) && !Number.isNaN(new Date(value.replace(' ', 'T')).getTime())) return value;
  throw new InvalidArgumentError('expected a date (2026-11-29), a date-time (2026-11-29T12:00:00Z) or a time ago (30m, 12h, 7d, 2w)');
}

function parseAction(value: string): string {
  if (!/^[a-z0-9_]+(\.[a-z0-9_]+)*\.?$/.test(value) || value.length > 100) {
    throw new InvalidArgumentError('expected an action (member.removed) or a prefix ending in a dot (member.)');
  }
  return value;
}

/** `me`, a user id, or an organization member's e-mail, as the user id the API filters by. */
async function actorId(ctx: CommandContext, org: string | null, who: string): Promise<string> {
  if (who === 'me') return (await ctx.client().user.get()).id;
  if (!who.includes('@')) return who;
  if (org) return (await findMember(ctx, org, who)).user_id;
  const me = await ctx.client().user.get();
  if (me.email.toLowerCase() === who.toLowerCase()) return me.id;
  throw usageError(`${who} is not your account`, 'your own log has events by you and by nobody signed in; filter with --actor me');
}

export function registerAuditList(program: Command, ctx: CommandContext): void {
  const audit = program
    .command('audit')
    .description("Show audit events, newest first: your account's, or an organization's (every member)");
  audit
    .command('list', { isDefault: true })
    .alias('ls')
    .description("List audit events, newest first: your account's, or an organization's; `qonduit audit` alone does the same")
    .option('--org <org>', ORG_OPTION_HELP)
    .option('--actor <who>', 'only what this person did: me, a user id, or a member’s e-mail')
    .option('--action <action>', 'only this action (member.removed), or every action under a prefix ending in a dot (member.)', parseAction)
    .option('--since <when>', 'only events at or after this date, date-time or time ago (7d)', (v) => parseMoment(v))
    .option('--until <when>', 'only events before this date, date-time or time ago', (v) => parseMoment(v))
    .option('--limit <n>', 'how many events', positiveInt, 30)
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      examples(
        'qonduit audit',
        'qonduit audit list --org "Grace Labs" --action member. --since 7d',
        'qonduit audit list --action user.login_failed --since 2026-11-01 --json',
      ),
    )
    .action(async (opts) => {
      const account = await ctx.actingAccount(opts.org);
      const query: Omit<AuditEventQuery, 'cursor'> = {
        ...(opts.actor ? { actor: await actorId(ctx, account.id, opts.actor) } : {}),
        ...(opts.action ? { action: opts.action } : {}),
        ...(opts.since ? { since: opts.since } : {}),
        ...(opts.until ? { until: opts.until } : {}),
        limit: Math.min(opts.limit, 100),
      };
      const events: AuditEvent[] = [];
      for await (const event of ctx.client().audit.iterate({ ...query, ...(account.id ? { org: account.id } : {}) })) {
        events.push(event);
        if (events.length >= opts.limit) break;
      }
      if (opts.json) return ctx.json(events);
      if (events.length === 0) return ctx.note(Object.keys(query).length > 1 ? 'No audit events match.' : 'No audit events yet.');
      ctx.out(
        renderTable<AuditEvent>(
          [
            { header: 'When', value: (e) => shortDate(e.created_at) },
            { header: 'Action', value: (e) => e.action },
            { header: 'Target', value: targetOf, maxWidth: 40 },
            { header: 'By', value: actorOf, maxWidth: 48 },
            { header: 'IP', value: (e) => e.actor.ip ?? '-' },
          ],
          events,
        ),
      );
    });
}
