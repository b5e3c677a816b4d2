import { KeyringError, createPasswordHasher, systemClock } from '@qonduit/core';
import { createDb, migrateToLatest } from '@qonduit/db';
import path from 'node:path';
import { buildApp } from './app';
import { openServerKeyring } from './modules/keys/server-keyring';
import { ConfigError, loadConfig } from './config';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`qonduit: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
  const database = config.databaseUrl
    ? createDb({ kind: 'postgres', url: config.databaseUrl })
    : createDb({ kind: 'sqlite', file: path.join(config.dataDir, 'qonduit.sqlite') });
  await migrateToLatest(database.db);
  // The master key is checked before anything else starts: a server that cannot decrypt
  // provider tokens must not come up half-working, and a key file is created only while the
  // database holds nothing sealed under another key.
  let keyFileCreated: string | null = null;
  let keyring;
  try {
    const opened = await openServerKeyring({ env: process.env, dataDir: config.dataDir, db: database.db });
    keyring = opened.keyring;
    keyFileCreated = opened.createdKeyFile;
  } catch (err) {
    if (err instanceof KeyringError) {
      console.error(`qonduit: cannot use the master key: ${err.message}`);
      await database.db.destroy();
      process.exit(2);
    }
    throw err;
  }

  // The job worker starts only once the server listens: whatever a stored job does, a restarted
  // server answers first.
  const app = await buildApp({ config, database, clock: systemClock, passwords: createPasswordHasher(), keyring, startWorker: false });
  if (keyFileCreated) {
    app.log.warn({ path: keyFileCreated }, 'created a new master key file; back it up: provider tokens cannot be decrypted without it');
  }

  // Graceful shutdown: stop accepting, finish in-flight requests, then close the database.
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    app
      .close()
      .then(() => database.db.destroy())
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        app.log.error({ err }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));

  const address = await app.listen({ port: config.port, host: config.host });
  app.jobWorker.start();
  app.log.info({ address, database: database.dialect, data_dir: config.dataDir }, 'qonduit is ready');
}

main().catch((err: unknown) => {
  console.error('qonduit: failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
