import type { Command } from '@commander-js/extra-typings';
import { loadKeyring, openDatabase, serverSettings } from '../admin/server-data';
import { loadServerModules } from '../admin/server-modules';
import type { CommandContext } from '../context';
import { CliError } from '../errors';
import { DATA_DIR_HELP } from './keys-status';

export function registerKeysRewrap(keys: Command, ctx: CommandContext): void {
  keys
    .command('rewrap')
    .description("Re-wrap every provider token's data key under the active master key version")
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .option('--json', 'print JSON')
    .action(async (opts) => {
      const settings = await serverSettings(ctx, { dataDir: opts.dataDir });
      const { rewrapAll } = (await loadServerModules()).server;
      const keyring = await loadKeyring(settings);
      const database = await openDatabase(settings);
      try {
        const outcome = await rewrapAll(database.db, keyring);
        if (opts.json) ctx.json(outcome);
        else ctx.note(`✓ Rewrapped ${outcome.rewrapped} provider token${outcome.rewrapped === 1 ? '' : 's'} under ${keyring.activeId}`);
        if (outcome.failed.length > 0) {
          throw new CliError(`${outcome.failed.length} record(s) could not be opened: ${outcome.failed.map((f) => `${f.id} (${f.reason})`).join(', ')}`, {
            hint: 'keep their master key versions until they are fixed or replaced',
          });
        }
      } finally {
        await database.db.destroy();
      }
    });
}
