import type { Command } from '@commander-js/extra-typings';
import { ORG_OPTION_HELP, examples } from '../command-helpers';
import type { CommandContext } from '../context';
import { renderFields } from '../format/table';
import { quantumClient } from './backends-list';

export function registerBackendsStatus(backends: Command, ctx: CommandContext): void {
  backends
    .command('status')
    .description('Show whether a backend is online and whether the account you act for has a usable token for it')
    .argument('<id>', 'backend id')
    .option('--org <org>', ORG_OPTION_HELP)
    .option('--json', 'print JSON')
    .addHelpText('after', examples('qonduit backends status ionq.simulator --org "Grace Labs"'))
    .action(async (id, opts) => {
      const { client, account } = await quantumClient(ctx, opts.org);
      const status = await client.backends.status(id);
      if (opts.json) return ctx.json(status);
      ctx.out(
        renderFields([
          ['backend', id],
          ['status', status.status],
          ['access', status.access_type === 'PAY_PER_USE' ? 'platform token (pay per use)' : 'a provider token of the account you act for'],
          ['token', `${status.provider_token_valid ? 'usable' : 'missing or invalid'} for ${account.id ? account.name : 'your personal account'}`],
        ]),
      );
    });
}
