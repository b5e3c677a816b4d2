import { runCli } from './cli';
import { processIo } from './io';

// The `qonduit` executable (bin/qonduit.js loads this through tsx). Ctrl-C first stops what is
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

process.exitCode = await runCli(process.argv.slice(2), processIo(controller.signal));
