import type { Command } from '@commander-js/extra-typings';
import { openDatabase, serverSettings } from '../admin/server-data';
import { loadServerModules } from '../admin/server-modules';
import type { CommandContext } from '../context';
import { DATA_DIR_HELP } from './keys-status';

export function registerServerMigrate(program: Command, ctx: CommandContext): void {
  program
    .command('migrate')
    .description("Bring the server's database schema up to date (SQLite in the data folder, or QONDUIT_DATABASE_URL)")
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .action(async (opts) => {
      const settings = await serverSettings(ctx, { dataDir: opts.dataDir });
      const { migrateToLatest } = (await loadServerModules()).db;
      const database = await openDatabase(settings, { create: true });
      try {
        const result = await migrateToLatest(database.db);
        const applied = (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
        for (const name of applied) ctx.out(name);
        ctx.note(applied.length > 0 ? `✓ Applied ${applied.length} migration${applied.length === 1 ? '' : 's'}` : '✓ The database is up to date');
      } finally {
        await database.db.destroy();
      }
    });
}
