import { startTestServer } from '@qonduit/testing';
import type { TestServer } from '@qonduit/testing';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_SCOPES } from '../../../web/src/features/tokens/scopes';
import { EXIT } from '../errors';
import { createMachine } from '../testing';
import type { Machine } from '../testing';

// The README's quick start, followed literally: sign up as the web UI does, create a token with
// the scopes the token page recommends for the CLI, then run each `npx qonduit ...` line of the
// README's quick start, from the repository's folder, with the files it ships in examples/.
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** The `npx qonduit` lines of the README's "Quick start" section, without their comments. */
function quickStartCommands(): { section: string; commands: string[][] } {
  const readme = readFileSync(`${ROOT}README.md`, 'utf8');
  const section = /^## Quick start[^\n]*\n([\s\S]*?)(?=^## )/m.exec(readme)?.[1] ?? '';
  const blocks = [...section.matchAll(/^```sh\n([\s\S]*?)^```/gm)].map((m) => m[1] ?? '');
  const commands = blocks
    .flatMap((block) => block.split('\n'))
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => line.startsWith('npx qonduit '))
    .map((line) => {
      // The lines are simple on purpose (no quoting), so that this split is the shell's.
      expect(line).not.toMatch(/["'\\$`]/);
      return line.split(/\s+/).slice(2);
    });
  return { section, commands };
}

let server: TestServer;
let machine: Machine;

beforeAll(async () => {
  server = await startTestServer();
  machine = createMachine({ QONDUIT_URL: server.url });
});
afterAll(async () => {
  await server.close();
  machine.cleanup();
});

describe("the README's quick start", () => {
  it('runs a first job on local.simulator with a token made as the token page recommends', async () => {
    const { section, commands } = quickStartCommands();
    expect(section).toContain(`token with the ${CLI_SCOPES.map((s) => `\`${s}\``).join(' and ')} scope`);
    expect(commands.map((argv) => argv.slice(0, 2).join(' '))).toEqual(['login', 'jobs run', 'jobs run']);

    // Sign-up and the token page, as the web UI makes those requests (a cookie session).
    const ada = await server.signUp({ name: 'Ada Lovelace' });
    const { token } = await ada.createToken({ name: 'laptop', scopes: [...CLI_SCOPES] });

    for (const argv of commands) {
      const run = await machine.run(argv, { cwd: ROOT, stdin: argv[0] === 'login' ? `${token}\n` : '' });
      expect({ argv, code: run.code, stderr: run.stderr }).toMatchObject({ code: EXIT.ok });
      if (argv[0] !== 'jobs') continue;
      expect(run.stderr).toMatch(/✓ Job \S+ completed on local\.simulator \(1000 shots/);
      // A Bell pair: only 00 and 11, about half each.
      const rows = [...run.stdout.matchAll(/^(\d{2}) +(\d+) /gm)].map((m) => [m[1], Number(m[2])] as const);
      expect(rows.map(([outcome]) => outcome).sort()).toEqual(['00', '11']);
      for (const [, count] of rows) expect(count).toBeGreaterThan(350);
    }
  });
});
