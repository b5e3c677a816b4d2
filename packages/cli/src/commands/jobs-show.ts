import type { Command } from '@commander-js/extra-typings';
import { ORG_OPTION_HELP } from '../command-helpers';
import type { CommandContext } from '../context';
import { quantumClient } from './backends-list';
import { jobFields } from '../format/quantum';

export function registerJobsShow(jobs: Command, ctx: CommandContext): void {
  jobs
    .command('show')
    .description('Show a job: backend, status, timing, and whose provider token it used')
    .argument('<id>', 'job id')
    .option('--org <org>', ORG_OPTION_HELP)
    .option('--json', 'print JSON')
    .action(async (id, opts) => {
      const job = await (await quantumClient(ctx, opts.org)).client.jobs.get(id);
      if (opts.json) return ctx.json(job);
      ctx.out(jobFields(job));
    });
}
