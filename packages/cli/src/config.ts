import { configFilePath, parseCliConfig } from '@qonduit/sdk';
import type { CliConfig } from '@qonduit/sdk';
import { chmodSync, closeSync, fchmodSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CliError } from './errors';

const FILE_MODE = 0o600;

/** The CLI's config file (`$XDG_CONFIG_HOME/qonduit/config.json`): the token lives here, so only its owner may read it. */
export interface ConfigStore {
  readonly path: string;
  read(): CliConfig;
  write(config: CliConfig): void;
}

export function createConfigStore(env: Readonly<Record<string, string | undefined>>): ConfigStore {
  const file = configFilePath(env);
  if (!file) throw new CliError('cannot tell where the config file goes: set HOME or XDG_CONFIG_HOME');
  return {
    path: file,
    read() {
      try {
        return parseCliConfig(readFileSync(file, 'utf8'));
      } catch {
        return {};
      }
    },
    write(config) {
      const dir = path.dirname(file);
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      // A temp file created 0600 and renamed into place: the token is never readable by others,
      // not even for a moment, and a crash never leaves half a file. ('wx' refuses a name that is
      // taken; the name needs no randomness, so node:crypto stays out of every command's start-up.)
      const tmp = path.join(dir, `.config.json.${process.pid}.${process.hrtime.bigint()}.tmp`);
      try {
        const fd = openSync(tmp, 'wx', FILE_MODE);
        try {
          fchmodSync(fd, FILE_MODE);
          writeFileSync(fd, `${JSON.stringify(config, null, 2)}\n`);
        } finally {
          closeSync(fd);
        }
        renameSync(tmp, file);
        chmodSync(file, FILE_MODE);
      } finally {
        rmSync(tmp, { force: true });
      }
    },
  };
}
