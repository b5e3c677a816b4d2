import type { Command } from '@commander-js/extra-typings';
import { serverSettings } from '../admin/server-data';
import { CliError, EXIT } from '../errors';
import { loadServerModules } from '../admin/server-modules';
import { examples } from '../command-helpers';
import type { CommandContext } from '../context';
import { DATA_DIR_HELP } from './keys-status';

// The server's own start (startServer, as `npm start` runs it), with the CLI's flags on top.

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
      const { server: serverModule, core } = await loadServerModules();
      let server;
      try {
        // The server's own start: a key file is created only while nothing is sealed under another.
        server = await serverModule.startServer(settings.env);
      } catch (err) {
        if (err instanceof serverModule.ConfigError) throw new CliError(err.message, { exitCode: EXIT.usage });
        if (err instanceof core.KeyringError) throw new CliError(`cannot use the master key: ${err.message}`);
        throw err;
      }
      const { config, database, address } = server;
      if (server.createdKeyFile) ctx.note(`Created a new master key file ${server.createdKeyFile}: back it up; provider tokens cannot be decrypted without it.`);
      ctx.note(`✓ Qonduit is listening on ${address} (${database.dialect}, data in ${config.dataDir}); Ctrl-C stops it`);
      await new Promise<void>((resolve) => {
        if (ctx.io.signal?.aborted) resolve();
        ctx.io.signal?.addEventListener('abort', () => resolve(), { once: true });
      });
      ctx.note('Stopping: finishing requests in flight…');
      await server.close();
    });
}
