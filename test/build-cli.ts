import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// Global setup of the unit tests: the tests that run the `qonduit` executable (bin/qonduit.js
// runs packages/cli/dist/qonduit.mjs) must run the sources as they are, not an earlier build.
export function setup(): void {
  const script = fileURLToPath(new URL('../scripts/build-cli.mjs', import.meta.url));
  const build = spawnSync(process.execPath, [script], { encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`the CLI did not build:\n${build.stdout}${build.stderr}`);
}
