import type { Command } from '@commander-js/extra-typings';
import { ORG_OPTION_HELP } from '../command-helpers';
import type { CommandContext } from '../context';
import { findJob } from '../job-reference';

export function registerJobsStatus(jobs: Command, ctx: CommandContext): void {
  jobs
    .command('status')
    .description("Print a job's status: PENDING, RUNNING, COMPLETED, FAILED, CANCELLING or CANCELLED")
    .argument('<id>', 'job id: the full id, the short id tables show (or its first characters), or the job name')
    .option('--org <org>', ORG_OPTION_HELP)
    .option('--json', 'print JSON')
    .action(async (id, opts) => {
      const found = await findJob(ctx, id, opts.org);
      const status = await found.client.jobs.status(found.id);
      if (opts.json) return ctx.json({ status });
      ctx.out(status);
    });
}
