import { startTestServer } from '@qonduit/testing';
import type { TestServer, TestUser } from '@qonduit/testing';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EXIT } from '../errors';
import { shortId } from '../ids';
import { createMachine, fakeTerminal } from '../testing';
import type { Machine } from '../testing';

let server: TestServer;
let ada: TestUser;
let machine: Machine;

beforeAll(async () => {
  server = await startTestServer();
  ada = await server.signUp({ name: 'Ada Lovelace' });
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  machine = createMachine({ QONDUIT_URL: server.url });
});
afterEach(() => {
  machine.cleanup();
});

const savedConfig = () => JSON.parse(readFileSync(machine.configFile, 'utf8')) as { url?: string; token?: string; context?: unknown };

describe('qonduit login', () => {
  it('checks the token with the server, then saves it in a config file only its owner can read', async () => {
    const { token } = await ada.createToken({ scopes: ['api', 'quantum_tokens'] });
    const run = await machine.run(['login', '--token', token]);
    expect(run.code).toBe(EXIT.ok);
    expect(run.stderr).toContain(`Logged in to ${server.url} as Ada Lovelace (${ada.email})`);
    expect(run.stderr).toContain('(api, quantum_tokens)');
    expect(run.stderr + run.stdout).not.toContain(token);
    expect(savedConfig()).toEqual({ url: server.url, token, context: null });
    expect(statSync(machine.configFile).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(machine.configFile)).mode & 0o777).toBe(0o700);
  });

  it('refuses a revoked token with exit 3 and saves nothing', async () => {
    const { id, token } = await ada.createToken();
    await ada.session.tokens.revoke(id);
    const run = await machine.run(['login', '--token', token]);
    expect(run.code).toBe(EXIT.authentication);
    expect(run.stderr).toMatch(/^qonduit: authentication failed: the token has been revoked \(request [0-9a-f-]{36}\)\nhint: /);
    expect(existsSync(machine.configFile)).toBe(false);
  });

  it('reads the token from a masked prompt: the terminal shows only asterisks', async () => {
    const { token } = await ada.createToken();
    const terminal = fakeTerminal(`${token}\r`);
    const run = await machine.run(['login'], { stdin: terminal });
    expect(run.code).toBe(EXIT.ok);
    expect(run.stderr).toContain(`Paste a personal access token for ${server.url}: ${'*'.repeat(token.length)}\n`);
    expect(run.stderr).not.toContain(token);
    expect((terminal as unknown as { rawModes: boolean[] }).rawModes).toEqual([true, false]);
    expect(savedConfig().token).toBe(token);
  });

  it('Ctrl-C at the prompt stops with exit 130 and saves nothing', async () => {
    const run = await machine.run(['login'], { stdin: fakeTerminal('qdp_\u0003') });
    expect(run.code).toBe(EXIT.interrupted);
    expect(existsSync(machine.configFile)).toBe(false);
  });

  it('reads the token from standard input when it is piped', async () => {
    const { token } = await ada.createToken();
    expect((await machine.run(['login'], { stdin: `${token}\n` })).code).toBe(EXIT.ok);
    expect(savedConfig().token).toBe(token);
  });

  it('logs in with email and password by creating a CLI token, so no password is stored', async () => {
    const run = await machine.run(['login', '--email', ada.email], { stdin: `${ada.password}\n` });
    expect(run.code).toBe(EXIT.ok);
    const config = savedConfig();
    expect(config.token).toMatch(/^qdp_/);
    expect(JSON.stringify(config)).not.toContain(ada.password);
    const whoami = await machine.run(['tokens', 'self', '--json']);
    expect(JSON.parse(whoami.stdout)).toMatchObject({ scopes: ['api', 'quantum_tokens'], name: expect.stringMatching(/^qonduit CLI on /) as unknown });
  });

  it('signs a new user up and logs them in', async () => {
    const email = `new-${Date.now()}@example.com`;
    const run = await machine.run(['signup', '--email', email, '--name', 'Grace Hopper'], { stdin: 'a long enough password\n' });
    expect(run.code).toBe(EXIT.ok);
    expect(run.stderr).toContain(`Created the account ${email}`);
    expect((await machine.run(['whoami'])).stdout).toContain(`Grace Hopper <${email}>`);
  });
});

describe('qonduit whoami and logout', () => {
  it('whoami names the user, server, context and token; QONDUIT_TOKEN overrides the saved token', async () => {
    await machine.run(['login', '--token', (await ada.createToken({ name: 'saved' })).token]);
    const human = await machine.run(['whoami']);
    expect(human.code).toBe(EXIT.ok);
    expect(human.stdout).toMatch(/user: +Ada Lovelace <.+>/);
    expect(human.stdout).toMatch(/context: +personal account/);
    expect(human.stdout).toContain('"saved" (api) from the config file');

    const other = await ada.createToken({ name: 'from env' });
    const json = await machine.run(['whoami', '--json'], { env: { QONDUIT_TOKEN: other.token } });
    expect(JSON.parse(json.stdout)).toMatchObject({ server: server.url, user: { id: ada.id }, token: { name: 'from env' } });
  });

  it('logout --revoke revokes the token on the server before forgetting it', async () => {
    const { id, token } = await ada.createToken();
    await machine.run(['login', '--token', token]);
    const run = await machine.run(['logout', '--revoke']);
    expect(run.code).toBe(EXIT.ok);
    expect(savedConfig().token).toBeUndefined();
    expect((await ada.session.tokens.get(id)).state).toBe('revoked');
    const after = await machine.run(['whoami']);
    expect(after.code).toBe(EXIT.authentication);
    expect(after.stderr).toBe('qonduit: not logged in\nhint: run `qonduit login` (or set QONDUIT_TOKEN)\n');
  });

  it('never sends the saved token to another server than the one it was saved for', async () => {
    await machine.run(['login', '--token', (await ada.createToken()).token]);
    const run = await machine.run(['whoami', '--url', 'http://127.0.0.1:9']);
    expect(run.code).toBe(EXIT.authentication);
    expect(run.stderr).toBe(
      `qonduit: not logged in to http://127.0.0.1:9 (the saved token is for ${server.url})\nhint: run \`qonduit login --url http://127.0.0.1:9\` (or set QONDUIT_TOKEN)\n`,
    );
  });

  it('a token the server refuses in QONDUIT_TOKEN gets a hint that points at the variable', async () => {
    const { id, token } = await ada.createToken();
    await ada.session.tokens.revoke(id);
    const run = await machine.run(['whoami'], { env: { QONDUIT_TOKEN: token } });
    expect(run.code).toBe(EXIT.authentication);
    expect(run.stderr).toContain('hint: QONDUIT_TOKEN holds a token the server refused');
  });
});

describe('qonduit tokens', () => {
  beforeEach(async () => {
    await machine.run(['login', '--token', (await ada.createToken({ scopes: ['api'] })).token]);
  });

  it('create prints the secret alone on stdout, once, and list shows only its hint', async () => {
    const created = await machine.run(['tokens', 'create', '--name', 'laptop', '--scopes', 'api,read_api', '--expires-in', '7d']);
    expect(created.code).toBe(EXIT.ok);
    const secret = created.stdout.trim();
    expect(secret).toMatch(/^qdp_[0-9A-Za-z]{36}$/);
    expect(created.stderr).toContain('Created token "laptop" (api, read_api), expires in 7 days');
    expect(created.stderr).toContain('This is the only time the token is shown');

    const list = await machine.run(['tokens', 'list']);
    expect(list.stdout).toMatch(/^ID +NAME +SCOPES +STATE +EXPIRES +LAST USED +TOKEN\n/);
    expect(list.stdout).toContain(`qdp_${secret.slice(-4)}`);
    expect(list.stdout).not.toContain(secret);
    const json = JSON.parse((await machine.run(['tokens', 'list', '--json'])).stdout) as Array<{ name: string }>;
    expect(json.map((t) => t.name)).toContain('laptop');
  });

  it('revoke stops the token at once', async () => {
    const secret = (await machine.run(['tokens', 'create', '--name', 'short-lived'])).stdout.trim();
    const [token] = JSON.parse((await machine.run(['tokens', 'list', '--json', '--state', 'active'])).stdout) as Array<{ id: string; name: string }>;
    expect(token?.name).toBe('short-lived');
    expect((await machine.run(['tokens', 'revoke', token?.id ?? ''])).code).toBe(EXIT.ok);
    expect((await machine.run(['whoami'], { env: { QONDUIT_TOKEN: secret } })).code).toBe(EXIT.authentication);
  });

  it('names a token by its name or the short id the list shows; revoking it again says it already was', async () => {
    const secret = (await machine.run(['tokens', 'create', '--name', 'ci-runner'])).stdout.trim();
    const [token] = (JSON.parse((await machine.run(['tokens', 'list', '--json'])).stdout) as Array<{ id: string; name: string }>).filter((t) => t.name === 'ci-runner');
    const short = shortId(token?.id ?? '');
    expect((await machine.run(['tokens', 'list'])).stdout).toMatch(new RegExp(`^${short} +ci-runner `, 'm'));
    const rotated = await machine.run(['tokens', 'rotate', 'ci-runner']);
    expect(rotated.code).toBe(EXIT.ok);
    expect((await machine.run(['whoami'], { env: { QONDUIT_TOKEN: secret } })).code).toBe(EXIT.authentication);
    // The rotated predecessor keeps its name, but only active tokens answer to a name.
    const revoked = await machine.run(['tokens', 'revoke', 'ci-runner', '--json']);
    expect(revoked.code).toBe(EXIT.ok);
    expect(JSON.parse(revoked.stdout)).toMatchObject({ name: 'ci-runner', state: 'revoked' });
    const again = await machine.run(['tokens', 'revoke', token?.id ?? '']);
    expect(again.code).toBe(EXIT.ok);
    expect(again.stderr).toContain('Token "ci-runner"');
    expect(again.stderr).toContain('was already revoked');
    expect(again.stderr).not.toContain('✓ Revoked');
    const unknown = await machine.run(['tokens', 'revoke', 'no-such-token']);
    expect(unknown.code).toBe(EXIT.failure);
    expect(unknown.stderr).toContain('no active token "no-such-token"');
  });

  it('rotate self replaces the saved token, and the old one is refused', async () => {
    const old = savedConfig().token ?? '';
    const run = await machine.run(['tokens', 'rotate', 'self', '--expires-in', '60d']);
    expect(run.code).toBe(EXIT.ok);
    const fresh = run.stdout.trim();
    expect(fresh).not.toBe(old);
    expect(savedConfig().token).toBe(fresh);
    expect(run.stderr).toContain('The CLI now uses the new token');
    expect((await machine.run(['tokens', 'self'])).stdout).toMatch(/expires: .*\(in 60 days\)/);
    expect((await machine.run(['whoami'], { env: { QONDUIT_TOKEN: old } })).code).toBe(EXIT.authentication);
  });

  it('a read_api token cannot create tokens: exit 4 and a hint naming the scope to add', async () => {
    const readOnly = await ada.createToken({ scopes: ['read_api'] });
    const run = await machine.run(['tokens', 'create', '--name', 'x'], { env: { QONDUIT_TOKEN: readOnly.token } });
    expect(run.code).toBe(EXIT.permission);
    expect(run.stderr).toMatch(/^qonduit: token lacks scope api \(request [0-9a-f-]+\)\nhint: create one with `qonduit tokens create --scopes api`/);
  });

  it('refuses an unknown scope or duration as a usage error (exit 2) without calling the server', async () => {
    const scope = await machine.run(['tokens', 'create', '--name', 'x', '--scopes', 'admin']);
    expect(scope).toMatchObject({ code: EXIT.usage, stderr: 'qonduit: unknown scope admin\nhint: scopes are api, read_api, quantum_tokens\n' });
    expect((await machine.run(['tokens', 'create', '--name', 'x', '--expires-in', 'soon'])).code).toBe(EXIT.usage);
    expect((await machine.run(['tokens', 'create'])).stderr).toContain("required option '--name <name>' not specified");
  });
});

describe('contexts', () => {
  it('lists the accounts, switches to an organization by name, and shows it', async () => {
    await machine.run(['login', '--token', (await ada.createToken()).token]);
    const org = (await machine.run(['orgs', 'create', 'Context Labs'])).stdout.trim();
    const list = await machine.run(['contexts']);
    expect(list.stdout).toMatch(/\* +Ada Lovelace +personal +- /);
    expect(list.stdout).toMatch(/ +Context Labs +organization +owner +/);

    expect((await machine.run(['context', 'use', 'context labs'])).stderr).toContain('Now acting for the organization Context Labs (owner)');
    expect(savedConfig().context).toEqual({ id: org, name: 'Context Labs', organization: true });
    expect((await machine.run(['context', 'show'])).stdout).toBe(`Context Labs (organization ${org}) — from saved context\n`);
    expect((await machine.run(['context', 'use', 'personal'])).code).toBe(EXIT.ok);
    expect(JSON.parse((await machine.run(['context', 'show', '--json'])).stdout)).toMatchObject({ id: null, organization: false });
    expect((await machine.run(['context', 'use', 'nowhere'])).code).toBe(EXIT.failure);
  });
});

describe('errors', () => {
  it('an unreachable server is one line and a hint, never a stack trace', async () => {
    const run = await machine.run(['whoami', '--url', 'http://127.0.0.1:9'], { env: { QONDUIT_TOKEN: 'qdp_whatever' } });
    expect(run.code).toBe(EXIT.failure);
    expect(run.stderr).toBe(
      'qonduit: cannot reach the Qonduit server at http://127.0.0.1:9\nhint: is it running? Start one with `qonduit serve`, or point at another with --url or QONDUIT_URL\n',
    );
  });

  it('Ctrl-C stops a request to a server that never answers: exit 130', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = silent.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const stop = new AbortController();
      setTimeout(() => stop.abort(Object.assign(new Error('stopped'), { name: 'AbortError' })), 100);
      const run = await machine.run(['tokens', 'list', '--url', `http://127.0.0.1:${port}`], { env: { QONDUIT_TOKEN: 'qdp_x' }, signal: stop.signal });
      expect(run).toMatchObject({ code: EXIT.interrupted, stderr: 'qonduit: stopped\n' });
    } finally {
      silent.close();
    }
  });

  it('an unknown command or option is a usage error (exit 2)', async () => {
    expect((await machine.run(['tokenz'])).code).toBe(EXIT.usage);
    const run = await machine.run(['tokens', 'list', '--colour']);
    expect(run.code).toBe(EXIT.usage);
    expect(run.stderr).toContain("qonduit: unknown option '--colour'");
  });

  it("--help names the API reference of the server the CLI talks to", async () => {
    const run = await machine.run(['--help']);
    expect(run.code).toBe(EXIT.ok);
    expect(run.stdout).toContain(`API reference: ${server.url}/docs\n`);
    expect((await machine.run(['--url', 'https://qonduit.example.com/', '--help'])).stdout).toContain('API reference: https://qonduit.example.com/docs\n');
  });

  it('--help on a command prints its usage and examples, and exits 0', async () => {
    const run = await machine.run(['tokens', 'create', '--help']);
    expect(run.code).toBe(EXIT.ok);
    expect(run.stdout).toContain('Usage: qonduit tokens create [options]');
    expect(run.stdout).toContain('Examples:\n  qonduit tokens create --name laptop');
  });
});
