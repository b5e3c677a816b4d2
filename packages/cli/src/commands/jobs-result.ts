import type { Command } from '@commander-js/extra-typings';
import { ORG_OPTION_HELP, examples } from '../command-helpers';
import type { CommandContext } from '../context';
import { findJob } from '../job-reference';
import { renderCounts } from '../format/bar-chart';

export function registerJobsResult(jobs: Command, ctx: CommandContext): void {
  jobs
    .command('result')
    .description("Print a completed job's measurement counts as a table with bars")
    .argument('<id>', 'job id: the full id, the short id tables show (or its first characters), or the job name')
    .option('--org <org>', ORG_OPTION_HELP)
    .option('--json', 'print JSON ({counts, memory?})')
    .addHelpText('after', examples('qonduit jobs result 0193c2d4-...', 'qonduit jobs result 0193c2d4-... --json | jq .counts'))
    .action(async (id, opts) => {
      const found = await findJob(ctx, id, opts.org);
      const result = await found.client.jobs.result(found.id);
      if (opts.json) return ctx.json(result);
      ctx.out(renderCounts(result.counts, { width: ctx.io.stdout.columns ?? 80 }));
    });
}
