import type { DbHandle } from '@qonduit/db';
import type { MasterKeyring } from '@qonduit/core';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { CommandContext } from '../context';
import { CliError } from '../errors';
import { loadServerModules } from './server-modules';

// The admin commands work on the server's own data folder and database, as the server would
// see them: the same settings (QONDUIT_DATA_DIR, QONDUIT_DATABASE_URL, QONDUIT_MASTER_KEY).
// The server and database packages are loaded only through server-modules.ts, so that everyday
// commands start fast.

export interface ServerSettings {
  env: Record<string, string | undefined>;
  dataDir: string;
  databaseUrl: string | null;
}

export async function serverSettings(ctx: CommandContext, overrides: { dataDir?: string | undefined } = {}): Promise<ServerSettings> {
  const { loadConfig } = (await loadServerModules()).server;
  const env: Record<string, string | undefined> = { ...ctx.io.env };
  const dataDir = overrides.dataDir ?? env.QONDUIT_DATA_DIR ?? './data';
  // Relative to where the command runs, not to wherever this process happens to be.
  env.QONDUIT_DATA_DIR = path.resolve(ctx.io.cwd, dataDir);
  const config = loadConfig(env);
  return { env, dataDir: config.dataDir, databaseUrl: config.databaseUrl };
}

export function sqliteFile(settings: ServerSettings): string {
  return path.join(settings.dataDir, 'qonduit.sqlite');
}

/** The server's database; on SQLite it must exist already (`qonduit migrate` or `serve` creates it). */
export async function openDatabase(settings: ServerSettings, options: { create?: boolean } = {}): Promise<DbHandle> {
  const { createDb } = (await loadServerModules()).db;
  if (settings.databaseUrl) return createDb({ kind: 'postgres', url: settings.databaseUrl });
  const file = sqliteFile(settings);
  if (!options.create && !existsSync(file)) {
    throw new CliError(`there is no Qonduit database in ${settings.dataDir}`, {
      hint: 'point at the server data folder with --data-dir (or QONDUIT_DATA_DIR), or create it with `qonduit migrate`',
    });
  }
  return createDb({ kind: 'sqlite', file });
}

/** The master keyring as the server loads it; never creates a key file (only the server's first start does). */
export async function loadKeyring(settings: ServerSettings): Promise<MasterKeyring> {
  const { MASTER_KEY_ENV, keyFilePath, loadMasterKeyring } = (await loadServerModules()).core;
  if (settings.env[MASTER_KEY_ENV] === undefined && !existsSync(keyFilePath(settings.dataDir))) {
    throw new CliError(`there is no master key file in ${settings.dataDir}`, {
      hint: 'point at the server data folder with --data-dir (or QONDUIT_DATA_DIR); the server creates the key on its first start',
    });
  }
  return loadMasterKeyring({ env: settings.env, dataDir: settings.dataDir }).keyring;
}
