import type { Command } from '@commander-js/extra-typings';
import { ORG_OPTION_HELP } from '../command-helpers';
import type { CommandContext } from '../context';
import { findJob } from '../job-reference';
import { jobFields } from '../format/quantum';

export function registerJobsShow(jobs: Command, ctx: CommandContext): void {
  jobs
    .command('show')
    .description('Show a job: backend, status, timing, and whose provider token it used')
    .argument('<id>', 'job id: the full id, the short id tables show (or its first characters), or the job name')
    .option('--org <org>', ORG_OPTION_HELP)
    .option('--json', 'print JSON')
    .action(async (id, opts) => {
      const found = await findJob(ctx, id, opts.org);
      const job = await found.client.jobs.get(found.id);
      if (opts.json) return ctx.json(job);
      ctx.out(jobFields(job));
    });
}
