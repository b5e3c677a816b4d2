import type { Command } from '@commander-js/extra-typings';
import { ORG_OPTION_HELP } from '../command-helpers';
import type { CommandContext } from '../context';
import { findJob } from '../job-reference';
import { shortId } from '../ids';

export function registerJobsCancel(jobs: Command, ctx: CommandContext): void {
  jobs
    .command('cancel')
    .description('Ask the provider to cancel a job; it passes through CANCELLING to CANCELLED')
    .argument('<id>', 'job id: the full id, the short id tables show (or its first characters), or the job name')
    .option('--org <org>', ORG_OPTION_HELP)
    .option('--json', 'print JSON ({id, status})')
    .action(async (id, opts) => {
      const { client, id: jobId } = await findJob(ctx, id, opts.org);
      await client.jobs.cancel(jobId);
      const status = await client.jobs.status(jobId);
      if (opts.json) return ctx.json({ id: jobId, status });
      ctx.note(`✓ Asked to cancel job ${shortId(jobId)}; it is now ${status}`);
    });
}
