import { startTestServer } from '@qonduit/testing';
import type { TestServer, TestUser } from '@qonduit/testing';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The installed command as a user runs it: bin/qonduit.js in a child process, with a real
// standard input, a real pseudo-terminal for the prompt, and real exit codes.

const BIN = fileURLToPath(new URL('../bin/qonduit.js', import.meta.url));
const HAS_SCRIPT = spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0;

let server: TestServer;
let ada: TestUser;
let home: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  server = await startTestServer();
  ada = await server.signUp({ name: 'Ada Lovelace' });
  home = mkdtempSync(path.join(os.tmpdir(), 'qonduit-bin-'));
  const { QONDUIT_TOKEN: _token, ...rest } = process.env;
  env = { ...rest, HOME: home, XDG_CONFIG_HOME: path.join(home, 'config'), QONDUIT_URL: server.url, NO_COLOR: '1' };
});
afterAll(async () => {
  await server.close();
  rmSync(home, { recursive: true, force: true });
});

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command; `respond` may answer what it prints (a prompt) by writing to its stdin. */
function run(command: string, args: string[], options: { input?: string; respond?: (stdout: string, write: (text: string) => void) => void } = {}): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, cwd: home });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      options.respond?.(stdout, (text) => child.stdin.write(text));
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    if (options.input !== undefined) child.stdin.end(options.input);
  });
}

const configFile = () => path.join(home, 'config', 'qonduit', 'config.json');

describe('the qonduit executable', () => {
  it('logs in with a token piped on standard input, writes the config 0600, and answers whoami', async () => {
    const { token } = await ada.createToken();
    const login = await run(process.execPath, [BIN, 'login'], { input: `${token}\n` });
    expect(login).toMatchObject({ code: 0, stdout: '' });
    expect(login.stderr).toContain(`Logged in to ${server.url} as Ada Lovelace`);
    expect(statSync(configFile()).mode & 0o777).toBe(0o600);
    expect((JSON.parse(readFileSync(configFile(), 'utf8')) as { token: string }).token).toBe(token);

    const whoami = await run(process.execPath, [BIN, 'whoami', '--json'], { input: '' });
    expect(whoami.code).toBe(0);
    expect(JSON.parse(whoami.stdout)).toMatchObject({ user: { email: ada.email } });
  });

  it('exits 3 when not logged in, with one line and a hint on stderr', async () => {
    const fresh = { ...env, XDG_CONFIG_HOME: path.join(home, 'empty') };
    const anonymous = await new Promise<Exit>((resolve) => {
      const child = spawn(process.execPath, [BIN, 'tokens', 'list'], { env: fresh, cwd: home, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      child.on('close', (code) => resolve({ code, stdout: '', stderr }));
    });
    expect(anonymous).toMatchObject({ code: 3, stderr: 'qonduit: not logged in\nhint: run `qonduit login` (or set QONDUIT_TOKEN)\n' });
  });

  it.skipIf(!HAS_SCRIPT)('prompts on a real terminal with masked input: the token is never echoed', async () => {
    const { token } = await ada.createToken({ name: 'typed at the prompt' });
    let typed = false;
    // script(1) gives the CLI a pseudo-terminal; the token is typed only once the prompt is up (raw mode on).
    const session = await run('script', ['-qec', `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} login`, '/dev/null'], {
      respond: (stdout, write) => {
        if (!typed && stdout.includes('Paste a personal access token')) {
          typed = true;
          write(`${token}\r`);
        }
      },
    });
    expect(session.code).toBe(0);
    expect(session.stdout).toContain('*'.repeat(token.length));
    expect(session.stdout).not.toContain(token);
    expect((JSON.parse(readFileSync(configFile(), 'utf8')) as { token: string }).token).toBe(token);
  });
});
