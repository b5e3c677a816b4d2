import type { Command } from '@commander-js/extra-typings';
import { statSync } from 'node:fs';
import { openDatabase, serverSettings } from '../admin/server-data';
import { loadServerModules } from '../admin/server-modules';
import { examples } from '../command-helpers';
import type { CommandContext } from '../context';
import { DATA_DIR_HELP } from './keys-status';

// What the server's main.ts does, with the CLI's flags on top. (The server package exports no
// start function; see the report that came with this command.)

export function registerServerServe(program: Command, ctx: CommandContext): void {
  program
    .command('serve')
    .description('Run the Qonduit server: API, job runtime and web UI, until Ctrl-C')
    .option('--port <port>', 'port to listen on (default: QONDUIT_PORT, else 8080)')
    .option('--host <host>', 'address to listen on (default: QONDUIT_HOST, else 127.0.0.1)')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .addHelpText('after', examples('qonduit serve', 'QONDUIT_DATABASE_URL=postgres://... qonduit serve --host 0.0.0.0 --port 8080'))
    .action(async (opts) => {
      const settings = await serverSettings(ctx, { dataDir: opts.dataDir });
      if (opts.port) settings.env.QONDUIT_PORT = opts.port;
      if (opts.host) settings.env.QONDUIT_HOST = opts.host;
      const { server, core, db } = await loadServerModules();
      const { buildApp, createKeyringHolder, loadConfig } = server;
      const { createPasswordHasher, keyFilePath, loadMasterKeyring, systemClock } = core;
      const { migrateToLatest } = db;
      const config = loadConfig(settings.env);
      // The key is checked first: a server that cannot decrypt provider tokens must not start.
      let created: string | null = null;
      const keyring = createKeyringHolder(
        () => {
          const loaded = loadMasterKeyring({ env: settings.env, dataDir: config.dataDir });
          if (loaded.keyFile?.created) created = loaded.keyFile.path;
          return loaded.keyring;
        },
        () => statSync(keyFilePath(config.dataDir), { throwIfNoEntry: false })?.mtimeMs ?? 0,
      );
      const database = await openDatabase(settings, { create: true });
      await migrateToLatest(database.db);
      const app = await buildApp({ config, database, clock: systemClock, passwords: createPasswordHasher(), keyring });
      if (created) ctx.note(`Created a new master key file ${String(created)}: back it up; provider tokens cannot be decrypted without it.`);
      const address = await app.listen({ port: config.port, host: config.host });
      ctx.note(`✓ Qonduit is listening on ${address} (${database.dialect}, data in ${config.dataDir}); Ctrl-C stops it`);
      await new Promise<void>((resolve) => {
        if (ctx.io.signal?.aborted) resolve();
        ctx.io.signal?.addEventListener('abort', () => resolve(), { once: true });
      });
      ctx.note('Stopping: finishing requests in flight…');
      await app.close();
      await database.db.destroy();
    });
}
