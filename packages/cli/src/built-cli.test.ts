import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CLI_VERSION } from './context';

// The command as `npm ci` installs it: node_modules/.bin/qonduit → bin/qonduit.js → the bundle
// that scripts/build-cli.mjs built (the unit tests' global setup rebuilds it from these sources).
// Every other CLI test runs the TypeScript sources in-process.
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const INSTALLED = `${ROOT}node_modules/.bin/qonduit`;
const BUNDLE = `${ROOT}packages/cli/dist/qonduit.mjs`;

describe('the built qonduit command', () => {
  it('prints its version from the bundle, with no TypeScript loader', () => {
    expect(existsSync(BUNDLE)).toBe(true);
    const run = spawnSync(INSTALLED, ['--version'], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
    // bin/qonduit.js says so on stderr when it has to fall back to the sources through tsx.
    expect(run).toMatchObject({ status: 0, stdout: `${CLI_VERSION}\n`, stderr: '' });
  });

  it('leaves the server, the database layer and tsx out of the bundle, for server commands to load', () => {
    const bundle = readFileSync(BUNDLE, 'utf8');
    expect(bundle).not.toMatch(/packages\/(server|db)\/src\//);
    expect(bundle).toContain('import("@qonduit/server")');
    expect(bundle).toContain('import("tsx/esm/api")');
  });
});
