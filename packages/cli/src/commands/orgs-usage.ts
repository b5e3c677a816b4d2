import type { Command } from '@commander-js/extra-typings';
import { InvalidArgumentError } from '@commander-js/extra-typings';
import type { SpendingLimit, Usage } from '@qonduit/sdk';
import { examples } from '../command-helpers';
import type { CommandContext } from '../context';
import { bar } from '../format/bar-chart';
import { renderTable } from '../format/table';

function month(value: string): string {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(value)) throw new InvalidArgumentError('expected a month as YYYY-MM, e.g. 2026-11');
  return value;
}

export const usd = (amount: number): string => `$${amount.toFixed(2)}`;

/** "12 of 50" when a limit is set, else the count alone. */
function against(used: number, limit: number | null, show: (n: number) => string = String): string {
  return limit === null ? show(used) : `${show(used)} of ${show(limit)}`;
}

/** The limits of one provider token in words, e.g. "per member: 10 jobs, 1000 shots; per job: 500 shots". */
export function limitsText(l: SpendingLimit): string {
  const part = (jobs: number | null, shots: number | null, cost: number | null) =>
    [jobs !== null ? `${jobs} jobs` : null, shots !== null ? `${shots} shots` : null, cost !== null ? usd(cost) : null].filter((x) => x !== null).join(', ');
  const member = part(l.member_jobs_per_month, l.member_shots_per_month, l.member_cost_per_month);
  const org = part(l.org_jobs_per_month, l.org_shots_per_month, l.org_cost_per_month);
  return [
    member ? `per member: ${member}` : null,
    org ? `organization: ${org}` : null,
    l.max_shots_per_job !== null ? `per job: ${l.max_shots_per_job} shots` : null,
  ]
    .filter((x) => x !== null)
    .join('; ') || 'none';
}

export function renderUsage(u: Usage, width: number): string {
  const lines: string[] = [`Usage of the organization's provider tokens in ${u.month} (UTC; resets ${u.resets_at.slice(0, 10)}), estimated costs in ${u.currency} (prices of ${u.prices_as_of})`, ''];
  if (u.providers.length === 0) {
    lines.push('No job has spent an organization provider token this month.');
    return `${lines.join('\n')}\n`;
  }
  lines.push(
    renderTable(
      [
        { header: 'Provider', value: (p: Usage['providers'][number]) => p.provider_name },
        { header: 'Jobs', value: (p) => against(p.jobs, p.limits?.org_jobs_per_month ?? null), align: 'right' },
        { header: 'Shots', value: (p) => against(p.shots, p.limits?.org_shots_per_month ?? null), align: 'right' },
        { header: 'Est. cost', value: (p) => against(p.estimated_cost, p.limits?.org_cost_per_month ?? null, usd), align: 'right' },
        { header: 'Limits', value: (p) => (p.limits ? limitsText(p.limits) : 'none') },
      ],
      u.providers,
    ).trimEnd(),
  );
  if (u.members.length > 0) {
    const max = Math.max(...u.members.map((m) => m.shots));
    const barWidth = Math.max(10, Math.min(40, width - 70));
    lines.push(
      '',
      renderTable(
        [
          { header: 'Member', value: (m: Usage['members'][number]) => m.name ?? m.email ?? m.user_id, maxWidth: 30 },
          { header: 'Provider', value: (m) => m.provider_name },
          { header: 'Jobs', value: (m) => String(m.jobs), align: 'right' },
          { header: 'Shots', value: (m) => String(m.shots), align: 'right' },
          { header: 'Est. cost', value: (m) => usd(m.estimated_cost), align: 'right' },
          { header: '', value: (m) => bar(m.shots, max, barWidth) },
        ],
        u.members,
      ).trimEnd(),
    );
  }
  return `${lines.join('\n')}\n`;
}

export function registerOrgsUsage(orgs: Command, ctx: CommandContext): void {
  orgs
    .command('usage')
    .description("What the organization's provider tokens were spent on this month: per provider (with its limits) and per member")
    .argument('[org]', 'organization slug, name or id (default: the current context)')
    .option('--month <YYYY-MM>', 'another calendar month (UTC)', month)
    .option('--json', 'print JSON')
    .addHelpText('after', examples('qonduit orgs usage "Grace Labs"', 'qonduit orgs usage --month 2026-10 --json'))
    .action(async (orgArg, opts) => {
      const acting = await ctx.actingAccount(orgArg);
      if (!acting.id) return ctx.note('Usage is counted for organizations; name one, or see `qonduit orgs list`.');
      const usage = await ctx.client().orgs.usage(acting.id, opts.month ? { month: opts.month } : {});
      if (opts.json) return ctx.json(usage);
      ctx.out(renderUsage(usage, ctx.io.stdout.columns ?? 80));
    });
}
