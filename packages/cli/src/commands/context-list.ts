import type { Command } from '@commander-js/extra-typings';
import type { Account } from '@qonduit/sdk';
import type { CommandContext } from '../context';
import { renderTable } from '../format/table';

export async function listAccounts(ctx: CommandContext, json: boolean | undefined): Promise<void> {
  const accounts = await ctx.client().accounts.list();
  const current = ctx.config().context?.id ?? accounts[0]?.id;
  if (json) {
    ctx.json(accounts.map((a) => ({ ...a, current: a.id === current })));
    return;
  }
  ctx.out(
    renderTable<Account>(
      [
        { header: '', value: (a) => (a.id === current ? '*' : ' ') },
        { header: 'Name', value: (a) => a.displayName, maxWidth: 40 },
        { header: 'Type', value: (a) => (a.isOrganization ? 'organization' : 'personal') },
        { header: 'Role', value: (a) => a.role ?? '-' },
        { header: 'ID', value: (a) => a.id },
      ],
      accounts,
    ),
  );
}

export function registerContextList(program: Command, context: Command, ctx: CommandContext): void {
  // PlanQK's CLI spells it `contexts`; `context list` is the gh-style spelling of the same.
  program
    .command('contexts')
    .description('List the accounts you can act for: your own and each organization (* marks the current one)')
    .option('--json', 'print JSON')
    .action(async (opts) => listAccounts(ctx, opts.json));
  context
    .command('list')
    .description('List the accounts you can act for (same as `qonduit contexts`)')
    .option('--json', 'print JSON')
    .action(async (opts) => listAccounts(ctx, opts.json));
}
