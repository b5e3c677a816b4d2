import type * as Core from '@qonduit/core';
import type * as Db from '@qonduit/db';
import type * as Server from '@qonduit/server';

export interface ServerModules {
  server: typeof Server;
  db: typeof Db;
  core: typeof Core;
}

let loading: Promise<ServerModules> | null = null;

/**
 * The server, database and core packages, for the commands that administer a server (`serve`,
 * `migrate`, `keys ...`) and for them only, so that everyday commands never load them.
 *
 * They stay TypeScript sources (internal packages have no build step) and are left out of the
 * bundled CLI (scripts/build-cli.mjs): bundling the server would mean bundling its native
 * database drivers, its pino transports and its static files, for commands that spend seconds
 * on a database anyway. So the bundle registers tsx first, and pays for it only here. Run from
 * source (tests, tsx), TypeScript loads already.
 */
export function loadServerModules(): Promise<ServerModules> {
  loading ??= (async () => {
    if (!/\.ts($|\?)/.test(import.meta.url)) {
      const { register } = await import('tsx/esm/api');
      register();
    }
    const [server, db, core] = await Promise.all([import('@qonduit/server'), import('@qonduit/db'), import('@qonduit/core')]);
    return { server, db, core };
  })();
  return loading;
}
