import type { Command } from '@commander-js/extra-typings';
import { ORG_OPTION_HELP, examples } from '../command-helpers';
import type { CommandContext } from '../context';
import { quantumClient } from './backends-list';
import { renderCounts } from '../format/bar-chart';

export function registerJobsResult(jobs: Command, ctx: CommandContext): void {
  jobs
    .command('result')
    .description("Print a completed job's measurement counts as a table with bars")
    .argument('<id>', 'job id')
    .option('--org <org>', ORG_OPTION_HELP)
    .option('--json', 'print JSON ({counts, memory?})')
    .addHelpText('after', examples('qonduit jobs result 0193c2d4-...', 'qonduit jobs result 0193c2d4-... --json | jq .counts'))
    .action(async (id, opts) => {
      const result = await (await quantumClient(ctx, opts.org)).client.jobs.result(id);
      if (opts.json) return ctx.json(result);
      ctx.out(renderCounts(result.counts, { width: ctx.io.stdout.columns ?? 80 }));
    });
}
