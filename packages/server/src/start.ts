import { createPasswordHasher, systemClock } from '@qonduit/core';
import { createDb, migrateToLatest } from '@qonduit/db';
import type { DbHandle } from '@qonduit/db';
import path from 'node:path';
import { buildApp } from './app';
import { loadConfig } from './config';
import type { Config } from './config';
import { openServerKeyring } from './modules/keys/server-keyring';

// The one way a Qonduit server starts, for `npm start` (main.ts) and `qonduit serve` alike:
// migrate, open the master key (never creating one while sealed records exist), listen, and
// only then start the job worker, so that whatever a stored job does, a restarted server answers.

export interface RunningServer {
  app: Awaited<ReturnType<typeof buildApp>>;
  config: Config;
  database: DbHandle;
  address: string;
  /** The key file this start created (first start on an empty database): back it up. */
  createdKeyFile: string | null;
  /** Stops accepting, finishes requests in flight, then closes the database. */
  close(): Promise<void>;
}

/** Throws ConfigError for bad settings and KeyringError for a master key it must not use. */
export async function startServer(env: Readonly<Record<string, string | undefined>>): Promise<RunningServer> {
  const config = loadConfig(env);
  const database = config.databaseUrl
    ? createDb({ kind: 'postgres', url: config.databaseUrl })
    : createDb({ kind: 'sqlite', file: path.join(config.dataDir, 'qonduit.sqlite') });
  try {
    await migrateToLatest(database.db);
    const { keyring, createdKeyFile } = await openServerKeyring({ env, dataDir: config.dataDir, db: database.db });
    const app = await buildApp({ config, database, clock: systemClock, passwords: createPasswordHasher(), keyring, startWorker: false });
    if (createdKeyFile) {
      app.log.warn({ path: createdKeyFile }, 'created a new master key file; back it up: provider tokens cannot be decrypted without it');
    }
    const address = await app.listen({ port: config.port, host: config.host });
    app.jobWorker.start();
    app.log.info({ address, database: database.dialect, data_dir: config.dataDir }, 'qonduit is ready');
    return {
      app,
      config,
      database,
      address,
      createdKeyFile,
      async close() {
        await app.close();
        await database.db.destroy();
      },
    };
  } catch (err) {
    await database.db.destroy();
    throw err;
  }
}
