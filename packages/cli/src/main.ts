import { runCli } from './cli';
import { processIo } from './io';

// The `qonduit` executable: scripts/build-cli.mjs bundles it from here into
// packages/cli/dist/qonduit.mjs, which bin/qonduit.js runs. Ctrl-C first stops what is
// in flight (a request, a job wait, the server) cleanly; a second one, or ten seconds, ends the
// process at once.
const controller = new AbortController();
const stop = () => {
  controller.abort(Object.assign(new Error('stopped'), { name: 'AbortError' }));
  setTimeout(() => process.exit(130), 10_000).unref();
  process.once('SIGINT', () => process.exit(130));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
// `qonduit --help | head`: a reader that went away is not an error worth a stack trace.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

process.exitCode = await runCli(process.argv.slice(2), processIo(controller.signal));
