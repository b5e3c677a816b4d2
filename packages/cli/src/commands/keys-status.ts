import type { Command } from '@commander-js/extra-typings';
import type { KeyVersionStatus } from '@qonduit/server';
import { loadKeyring, openDatabase, serverSettings } from '../admin/server-data';
import { loadServerModules } from '../admin/server-modules';
import type { CommandContext } from '../context';
import { renderTable } from '../format/table';
import { shortDate } from '../format/time';

export const DATA_DIR_HELP = "the server's data folder (default: QONDUIT_DATA_DIR, else ./data)";

export function registerKeysStatus(keys: Command, ctx: CommandContext): void {
  keys
    .command('status')
    .description('List master key versions: which one encrypts, and how many provider tokens each still wraps')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .option('--json', 'print JSON')
    .action(async (opts) => {
      const settings = await serverSettings(ctx, { dataDir: opts.dataDir });
      const { keyStatus } = (await loadServerModules()).server;
      const keyring = await loadKeyring(settings);
      const database = await openDatabase(settings);
      try {
        const versions = await keyStatus(database.db, keyring);
        if (opts.json) return ctx.json(versions);
        ctx.out(
          renderTable<KeyVersionStatus>(
            [
              { header: 'Version', value: (v) => v.id },
              { header: 'State', value: (v) => (v.active ? 'active' : v.retired_at ? 'retired' : 'decrypt only') },
              { header: 'Records', value: (v) => String(v.records), align: 'right' },
              { header: 'Created', value: (v) => shortDate(v.created_at) },
              { header: 'Retired', value: (v) => shortDate(v.retired_at) },
            ],
            versions,
          ),
        );
      } finally {
        await database.db.destroy();
      }
    });
}
