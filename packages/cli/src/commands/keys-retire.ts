import type { Command } from '@commander-js/extra-typings';
import { loadKeyring, openDatabase, serverSettings } from '../admin/server-data';
import { loadServerModules } from '../admin/server-modules';
import type { CommandContext } from '../context';
import { CliError } from '../errors';
import { DATA_DIR_HELP } from './keys-status';

export function registerKeysRetire(keys: Command, ctx: CommandContext): void {
  keys
    .command('retire')
    .description('Retire a master key version once no provider token needs it; it then opens nothing')
    .argument('<version>', 'the version id (mk_...) from `qonduit keys status`')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .action(async (version, opts) => {
      const settings = await serverSettings(ctx, { dataDir: opts.dataDir });
      const { retireMasterKey } = (await loadServerModules()).server;
      const keyring = await loadKeyring(settings);
      const database = await openDatabase(settings);
      try {
        const outcome = await retireMasterKey(database.db, settings.dataDir, keyring, version, ctx.now());
        if (!outcome.ok) throw new CliError(outcome.message);
        ctx.note(`✓ Retired ${version}`);
      } finally {
        await database.db.destroy();
      }
    });
}
