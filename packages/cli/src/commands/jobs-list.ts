import type { Command } from '@commander-js/extra-typings';
import type { Job } from '@qonduit/sdk';
import { ORG_OPTION_HELP, examples, positiveInt } from '../command-helpers';
import type { CommandContext } from '../context';
import { jobsTable } from '../format/quantum';
import { quantumClient } from './backends-list';

export function registerJobsList(jobs: Command, ctx: CommandContext): void {
  jobs
    .command('list')
    .alias('ls')
    .description('List your jobs, newest first')
    .option('--limit <n>', 'how many jobs', positiveInt, 20)
    .option('--org <org>', ORG_OPTION_HELP)
    .option('--json', 'print JSON')
    .addHelpText('after', examples('qonduit jobs list', 'qonduit jobs list --limit 100 --json'))
    .action(async (opts) => {
      const { client } = await quantumClient(ctx, opts.org);
      const list: Job[] = [];
      for (let page = 0; list.length < opts.limit; page++) {
        const answer = await client.jobs.list({ page, size: Math.min(100, opts.limit) });
        list.push(...answer.content);
        if (answer.last || answer.content.length === 0) break;
      }
      const shown = list.slice(0, opts.limit);
      if (opts.json) return ctx.json(shown);
      if (shown.length === 0) return ctx.note('No jobs yet. Run one with `qonduit jobs run FILE.qasm --backend local.simulator --wait`.');
      ctx.out(jobsTable(shown, ctx.now()));
    });
}
