import type { Command } from '@commander-js/extra-typings';
import { loadKeyring, serverSettings } from '../admin/server-data';
import { loadServerModules } from '../admin/server-modules';
import { examples } from '../command-helpers';
import type { CommandContext } from '../context';
import { DATA_DIR_HELP } from './keys-status';

export function registerKeysRotate(keys: Command, ctx: CommandContext): void {
  keys
    .command('rotate')
    .description('Add a new master key version and make it the one that encrypts (nothing is re-encrypted yet)')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .addHelpText(
      'after',
      `\nRotation is three steps; servers keep running throughout:\n  qonduit keys rotate         # new version encrypts new records\n  qonduit keys rewrap         # every record moves to the new version\n  qonduit keys retire <old>   # the old version opens nothing any more\n${examples('qonduit keys rotate --data-dir /var/lib/qonduit')}`,
    )
    .action(async (opts) => {
      const settings = await serverSettings(ctx, { dataDir: opts.dataDir });
      const { rotateMasterKey } = (await loadServerModules()).server;
      const before = await loadKeyring(settings);
      const after = rotateMasterKey(settings.dataDir, before, ctx.now());
      ctx.out(after.activeId);
      ctx.note(`✓ ${after.activeId} is now the active master key version (was ${before.activeId})`);
      ctx.note('  Running servers use it for new records at once. Back up the key file, then run `qonduit keys rewrap`.');
    });
}
