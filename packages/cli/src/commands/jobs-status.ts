import type { Command } from '@commander-js/extra-typings';
import { ORG_OPTION_HELP } from '../command-helpers';
import type { CommandContext } from '../context';
import { quantumClient } from './backends-list';

export function registerJobsStatus(jobs: Command, ctx: CommandContext): void {
  jobs
    .command('status')
    .description("Print a job's status: PENDING, RUNNING, COMPLETED, FAILED, CANCELLING or CANCELLED")
    .argument('<id>', 'job id')
    .option('--org <org>', ORG_OPTION_HELP)
    .option('--json', 'print JSON')
    .action(async (id, opts) => {
      const status = await (await quantumClient(ctx, opts.org)).client.jobs.status(id);
      if (opts.json) return ctx.json({ status });
      ctx.out(status);
    });
}
