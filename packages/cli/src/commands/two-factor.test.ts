import { startTestServer } from '@qonduit/testing';
import type { TestServer, TestUser } from '@qonduit/testing';
import { PassThrough } from 'node:stream';
import { TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../errors';
import { createMachine } from '../testing';
import type { Machine } from '../testing';

// The server's clock runs ahead of real time by `offset`: a test moves it past the 30-second
// TOTP step it has used, instead of waiting, as each step's code is accepted once.
let offset = 0;
const clock = { now: () => new Date(Date.now() + offset) };
let server: TestServer;
let ada: TestUser;
let machine: Machine;

beforeAll(async () => {
  server = await startTestServer({ deps: { clock } });
  ada = await server.signUp({ name: 'Ada Lovelace' });
  machine = createMachine({ QONDUIT_URL: server.url });
  const { token } = await ada.createToken({ scopes: ['api', 'quantum_tokens'] });
  expect((await machine.run(['login', '--token', token])).code).toBe(EXIT.ok);
});
afterAll(async () => {
  machine.cleanup();
  await server.close();
});

/** A terminal the test types into line by line, each line when the CLI has asked for it. */
function terminal() {
  const stream = new PassThrough() as PassThrough & { isTTY: boolean; setRawMode: (raw: boolean) => void };
  stream.isTTY = true;
  stream.setRawMode = () => undefined;
  return stream;
}

async function until<T>(what: string, probe: () => T | null): Promise<T> {
  for (let i = 0; i < 2000; i++) {
    const found = probe();
    if (found !== null) return found;
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`the CLI never showed ${what}: ${machine.lastStderr()}`);
}

const codeAt = (secret: string) => new TOTP({ secret, digits: 6, period: 30, algorithm: 'SHA1' }).generate({ timestamp: clock.now().getTime() });

describe('qonduit 2fa', () => {
  let secret = '';
  let recovery: string[] = [];

  it('enable: asks the password, shows a QR code and the secret, confirms one code, prints ten recovery codes', async () => {
    const tty = terminal();
    const running = machine.run(['2fa', 'enable'], { stdin: tty });
    await until('the password prompt', () => (machine.lastStderr().includes(`Password for ${ada.email}: `) ? true : null));
    tty.write(`${ada.password}\r`);
    secret = await until('the secret', () => /secret: ([A-Z2-7]{32})/.exec(machine.lastStderr())?.[1] ?? null);
    await until('the code prompt', () => (machine.lastStderr().includes('Code the app shows now: ') ? true : null));
    tty.write(`${codeAt(secret)}\r`);
    const run = await running;
    expect(run.code, run.stderr).toBe(EXIT.ok);
    expect(run.stderr).toContain('✓ Added "Authenticator app"');
    // The QR code is drawn with block characters.
    expect(run.stderr).toMatch(/[▀▄█]/);
    recovery = run.stdout.trim().split('\n');
    expect(recovery).toHaveLength(10);
    for (const c of recovery) expect(c).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);
    expect(run.stderr).not.toContain(ada.password);
    offset += 30_000;
  });

  it('status: two-factor sign-in is on, with ten recovery codes', async () => {
    const run = await machine.run(['2fa', 'status', '--json']);
    expect(run.code).toBe(EXIT.ok);
    expect(JSON.parse(run.stdout)).toMatchObject({ enabled: true, recovery_codes_remaining: 10 });
  });

  it('login --email: the password alone is not enough; a wrong code is refused, the right one logs in', async () => {
    const other = createMachine({ QONDUIT_URL: server.url });
    try {
      const wrong = terminal();
      const refused = other.run(['login', '--email', ada.email], { stdin: wrong });
      await until('the password prompt', () => (other.lastStderr().includes('Password: ') ? true : null));
      wrong.write(`${ada.password}\r`);
      await until('the code prompt', () => (other.lastStderr().includes('Authentication code') ? true : null));
      wrong.write(`${String((Number(codeAt(secret)) + 1) % 1_000_000).padStart(6, '0')}\r`);
      expect((await refused).code).toBe(EXIT.authentication);

      const tty = terminal();
      const running = other.run(['login', '--email', ada.email], { stdin: tty });
      await until('the password prompt', () => (other.lastStderr().includes('Password: ') ? true : null));
      tty.write(`${ada.password}\r`);
      await until('the code prompt', () => (other.lastStderr().includes('Authentication code') ? true : null));
      tty.write(`${codeAt(secret)}\r`);
      const run = await running;
      expect(run.code, run.stderr).toBe(EXIT.ok);
      expect(run.stderr).toContain(`Logged in to ${server.url} as Ada Lovelace`);
      offset += 30_000;
    } finally {
      other.cleanup();
    }
  });

  it('recovery-codes: new ones replace the old (signed in with a recovery code)', async () => {
    const tty = terminal();
    const running = machine.run(['2fa', 'recovery-codes'], { stdin: tty });
    await until('the password prompt', () => (machine.lastStderr().includes('Password for') ? true : null));
    tty.write(`${ada.password}\r`);
    await until('the code prompt', () => (machine.lastStderr().includes('Authentication code') ? true : null));
    tty.write(`${recovery[0] ?? ''}\r`);
    const run = await running;
    expect(run.code, run.stderr).toBe(EXIT.ok);
    const fresh = run.stdout.trim().split('\n');
    expect(fresh).toHaveLength(10);
    expect(fresh).not.toContain(recovery[1]);
  });

  it('disable: removes the authenticator; sign-in asks for the password only', async () => {
    const tty = terminal();
    const running = machine.run(['2fa', 'disable'], { stdin: tty });
    await until('the password prompt', () => (machine.lastStderr().includes('Password for') ? true : null));
    tty.write(`${ada.password}\r`);
    await until('the code prompt', () => (machine.lastStderr().includes('Authentication code') ? true : null));
    tty.write(`${codeAt(secret)}\r`);
    const run = await running;
    expect(run.code, run.stderr).toBe(EXIT.ok);
    expect(run.stderr).toContain('Two-factor sign-in is off');
    expect(JSON.parse((await machine.run(['2fa', 'status', '--json'])).stdout)).toMatchObject({ enabled: false, factors: [] });
  });

  it('a token alone cannot reach the routes the commands use: the server refuses it', async () => {
    const { token } = await ada.createToken({ scopes: ['api'] });
    const res = await fetch(`${server.url}/api/v1/user/two-factor/totp`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(403);
  });
});
