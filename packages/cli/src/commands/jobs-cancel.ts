import type { Command } from '@commander-js/extra-typings';
import { ORG_OPTION_HELP } from '../command-helpers';
import type { CommandContext } from '../context';
import { quantumClient } from './backends-list';

export function registerJobsCancel(jobs: Command, ctx: CommandContext): void {
  jobs
    .command('cancel')
    .description('Ask the provider to cancel a job; it passes through CANCELLING to CANCELLED')
    .argument('<id>', 'job id')
    .option('--org <org>', ORG_OPTION_HELP)
    .action(async (id, opts) => {
      const { client } = await quantumClient(ctx, opts.org);
      await client.jobs.cancel(id);
      ctx.note(`✓ Asked to cancel job ${id}; it is now ${await client.jobs.status(id)}`);
    });
}
