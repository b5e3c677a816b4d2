import { generatePat } from '@qonduit/core';
import { startTestServer } from '@qonduit/testing';
import type { TestServer, TestUser } from '@qonduit/testing';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../errors';
import { createMachine } from '../testing';
import type { Machine } from '../testing';

let server: TestServer;
let ada: TestUser;
let machine: Machine;

beforeAll(async () => {
  server = await startTestServer();
  ada = await server.signUp();
  machine = createMachine({ QONDUIT_URL: server.url });
});
afterAll(async () => {
  await server.close();
  machine.cleanup();
});

/** Right shape, wrong checksum: what a scanner must not report. */
function lookalike(): string {
  const real = generatePat();
  const last = real.at(-1) === 'A' ? 'B' : 'A';
  return real.slice(0, -1) + last;
}

describe('qonduit scan', () => {
  it('reports a real token with file:line:column, masked, and not a look-alike; exit 1', async () => {
    const { token } = await ada.createToken();
    const project = path.join(machine.home, 'project');
    mkdirSync(path.join(project, 'src'), { recursive: true });
    mkdirSync(path.join(project, 'node_modules', 'dep'), { recursive: true });
    writeFileSync(path.join(project, 'src', 'config.ts'), `export const url = 'x';\nconst token = "${token}";\n`);
    writeFileSync(path.join(project, 'notes.md'), `not a token: ${lookalike()}\n`);
    writeFileSync(path.join(project, 'node_modules', 'dep', 'leak.js'), `"${generatePat()}"\n`);

    const run = await machine.run(['scan', 'project']);
    expect(run.code).toBe(EXIT.failure);
    expect(run.stdout).toBe(`project/src/config.ts:2:16  qdp_${'*'.repeat(32)}${token.slice(-4)}\n`);
    expect(run.stdout + run.stderr).not.toContain(token);
    expect(run.stderr).toContain('Found 1 Qonduit token in 1 file (2 scanned)');

    // Scanning needs no login and no server.
    expect((await machine.run(['scan', 'project/notes.md'])).code).toBe(EXIT.ok);
  });

  it('--revoke sends the tokens found to the leak endpoint, and they stop working', async () => {
    const leaked = await ada.createToken();
    const other = await ada.createToken();
    const folder = path.join(machine.home, 'leaky');
    mkdirSync(folder, { recursive: true });
    writeFileSync(path.join(folder, '.env'), `QONDUIT_TOKEN=${leaked.token}\nAGAIN=${leaked.token}\n`);

    const run = await machine.run(['scan', folder, '--revoke', '--json']);
    expect(run.code).toBe(EXIT.failure);
    const report = JSON.parse(run.stdout) as { findings: Array<{ line: number; token: string }>; revoked: number };
    expect(report.revoked).toBe(1);
    expect(report.findings.map((f) => f.line)).toEqual([1, 2]);
    expect(run.stdout).not.toContain(leaked.token);
    expect((await ada.session.tokens.get(leaked.id)).state).toBe('revoked');
    expect((await ada.session.tokens.get(other.id)).state).toBe('active');
  });
});
