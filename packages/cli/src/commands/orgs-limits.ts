import type { Command } from '@commander-js/extra-typings';
import { InvalidArgumentError } from '@commander-js/extra-typings';
import type { SpendingLimitRequest } from '@qonduit/sdk';
import { examples } from '../command-helpers';
import type { CommandContext } from '../context';
import { usageError } from '../errors';
import { renderTable } from '../format/table';
import { limitsText } from './orgs-usage';

function count(value: string): number {
  if (!/^\d{1,10}$/.test(value)) throw new InvalidArgumentError('expected a whole number (0 or more)');
  return Number(value);
}

function dollars(value: string): number {
  if (!/^\d{1,9}(\.\d{1,6})?$/.test(value)) throw new InvalidArgumentError('expected an amount in US dollars, e.g. 250 or 12.50');
  return Number(value);
}

async function orgId(ctx: CommandContext, flag: string | undefined): Promise<string> {
  const acting = await ctx.actingAccount(flag);
  if (!acting.id) throw usageError('spending limits belong to an organization: pass --org, or `qonduit context use` one');
  return acting.id;
}

export function registerOrgsLimits(orgs: Command, ctx: CommandContext): void {
  orgs
    .command('limits')
    .description("Show the spending limits on the organization's provider tokens")
    .argument('[org]', 'organization slug, name or id (default: the current context)')
    .option('--json', 'print JSON')
    .action(async (orgArg, opts) => {
      const limits = await ctx.client().orgs.spendingLimits.list(await orgId(ctx, orgArg));
      if (opts.json) return ctx.json(limits);
      if (limits.length === 0) return ctx.note('No spending limits are set; set one with `qonduit orgs set-limit <provider>`.');
      ctx.out(renderTable([{ header: 'Provider', value: (l: (typeof limits)[number]) => l.provider_name }, { header: 'Monthly limits (UTC months, USD)', value: (l) => limitsText(l) }], limits));
    });

  orgs
    .command('set-limit')
    .description("Set the monthly spending limits on one of the organization's provider tokens (owners and maintainers); replaces every limit of that token")
    .argument('<provider>', 'provider id, e.g. ionq or aws_braket')
    .option('--org <org>', 'organization slug, name or id (default: the current context)')
    .option('--member-jobs <n>', 'jobs per member per month', count)
    .option('--member-shots <n>', 'shots per member per month', count)
    .option('--member-cost <usd>', 'estimated cost per member per month, in US dollars', dollars)
    .option('--org-jobs <n>', 'jobs for the whole organization per month', count)
    .option('--org-shots <n>', 'shots for the whole organization per month', count)
    .option('--org-cost <usd>', 'estimated cost for the whole organization per month, in US dollars', dollars)
    .option('--max-shots-per-job <n>', 'the most shots one job may have', count)
    .option('--json', 'print JSON')
    .addHelpText('after', examples('qonduit orgs set-limit ionq --org "Grace Labs" --member-shots 10000 --org-cost 500 --max-shots-per-job 2000'))
    .action(async (provider, opts) => {
      const body: SpendingLimitRequest = {
        ...(opts.memberJobs !== undefined ? { member_jobs_per_month: opts.memberJobs } : {}),
        ...(opts.memberShots !== undefined ? { member_shots_per_month: opts.memberShots } : {}),
        ...(opts.memberCost !== undefined ? { member_cost_per_month: opts.memberCost } : {}),
        ...(opts.orgJobs !== undefined ? { org_jobs_per_month: opts.orgJobs } : {}),
        ...(opts.orgShots !== undefined ? { org_shots_per_month: opts.orgShots } : {}),
        ...(opts.orgCost !== undefined ? { org_cost_per_month: opts.orgCost } : {}),
        ...(opts.maxShotsPerJob !== undefined ? { max_shots_per_job: opts.maxShotsPerJob } : {}),
      };
      if (Object.keys(body).length === 0) throw usageError('name at least one limit (see --help); `qonduit orgs remove-limit` removes them all');
      const limit = await ctx.client().orgs.spendingLimits.set(await orgId(ctx, opts.org), provider, body);
      if (opts.json) return ctx.json(limit);
      ctx.note(`✓ ${limit.provider_name}: ${limitsText(limit)}`);
    });

  orgs
    .command('remove-limit')
    .description("Remove every spending limit from one of the organization's provider tokens (owners and maintainers)")
    .argument('<provider>', 'provider id, e.g. ionq')
    .option('--org <org>', 'organization slug, name or id (default: the current context)')
    .action(async (provider, opts) => {
      await ctx.client().orgs.spendingLimits.remove(await orgId(ctx, opts.org), provider);
      ctx.note(`✓ Removed the spending limits on ${provider}`);
    });
}
