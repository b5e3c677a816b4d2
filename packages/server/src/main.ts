import { KeyringError } from '@qonduit/core';
import { ConfigError } from './config';
import { startServer } from './start';

async function main(): Promise<void> {
  let server;
  try {
    server = await startServer(process.env);
  } catch (err) {
    // Settings and master key problems are the operator's to fix: say what, exit 2.
    if (err instanceof ConfigError) console.error(`qonduit: ${err.message}`);
    else if (err instanceof KeyringError) console.error(`qonduit: cannot use the master key: ${err.message}`);
    else throw err;
    process.exit(2);
  }

  // Graceful shutdown: stop accepting, finish in-flight requests, then close the database.
  let closing = false;
  const { app } = server;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    server
      .close()
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        app.log.error({ err }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  console.error('qonduit: failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
