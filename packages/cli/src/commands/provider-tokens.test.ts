import { startFakeIonq } from '@qonduit/runtime/testing';
import type { FakeIonq } from '@qonduit/runtime/testing';
import { startTestServer } from '@qonduit/testing';
import type { TestServer, TestUser } from '@qonduit/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EXIT } from '../errors';
import { createMachine } from '../testing';
import type { Machine } from '../testing';

const IONQ_KEY = 'IonQkey0123456789abcdefghijklmno';
const OTHER_KEY = 'OtherKey0123456789abcdefghijklmn';

let ionq: FakeIonq;
let server: TestServer;
let ada: TestUser;
let machine: Machine;
let org: string;

beforeAll(async () => {
  ionq = await startFakeIonq({ apiKey: IONQ_KEY });
  server = await startTestServer({ env: { QONDUIT_PROVIDER_IONQ_URL: ionq.url } });
  ada = await server.signUp({ name: 'Ada Lovelace' });
  machine = createMachine({ QONDUIT_URL: server.url });
  await machine.run(['login', '--token', (await ada.createToken()).token]);
  org = (await machine.run(['orgs', 'create', 'Grace Labs'])).stdout.trim();
});
afterAll(async () => {
  await server.close();
  await ionq.close();
  machine.cleanup();
});

function output(run: { stdout: string; stderr: string }): string {
  return run.stdout + run.stderr;
}

describe('qonduit provider-tokens', () => {
  beforeEach(async () => {
    for (const where of [[], ['--org', 'Grace Labs']]) await machine.run(['provider-tokens', 'remove', 'ionq', ...where]);
  });

  it("set reads the secret from standard input for the organization, and list shows it masked", async () => {
    const set = await machine.run(['provider-tokens', 'set', 'ionq', '--org', 'Grace Labs'], { stdin: `${IONQ_KEY}\n` });
    expect(set.code).toBe(EXIT.ok);
    expect(set.stderr).toContain('Saved the IonQ token for the organization Grace Labs (api_key ••••lmno)');
    expect(output(set)).not.toContain(IONQ_KEY);

    const list = await machine.run(['provider-tokens', 'list', '--org', org]);
    expect(list.stdout).toMatch(/^PROVIDER +NAME +CREDENTIAL +STATUS/);
    expect(list.stdout).toMatch(/ionq +IonQ +api_key=••••lmno +unchecked +never +just now by Ada Lovelace +never/);
    expect(output(list)).not.toContain(IONQ_KEY);
    const personal = await machine.run(['provider-tokens', 'list']);
    expect(personal.stderr).toContain('No provider tokens for your personal account');

    const json = await machine.run(['provider-tokens', 'set', 'ionq', '--org', 'Grace Labs', '--json'], { stdin: `${IONQ_KEY}\n` });
    expect(JSON.parse(json.stdout)).toMatchObject({ provider: 'ionq', hints: { api_key: '••••lmno' } });
    expect(output(json)).not.toContain(IONQ_KEY);
  });

  it('verify checks the stored token against the provider', async () => {
    await machine.run(['provider-tokens', 'set', 'ionq'], { stdin: IONQ_KEY });
    const verified = await machine.run(['provider-tokens', 'verify', 'ionq']);
    expect(verified).toMatchObject({ code: EXIT.ok });
    expect(verified.stderr).toContain('The IonQ token of your personal account is valid');

    await machine.run(['provider-tokens', 'set', 'ionq'], { stdin: OTHER_KEY });
    const refused = await machine.run(['provider-tokens', 'verify', 'ionq']);
    expect(refused.code).toBe(EXIT.failure);
    expect(refused.stderr).toMatch(/^qonduit: IonQ refused the token of your personal account/);
    expect(output(refused)).not.toContain(OTHER_KEY);
  });

  it('never takes a secret field from an argument: usage error, and the value is not echoed', async () => {
    const run = await machine.run(['provider-tokens', 'set', 'ionq', '--field', `api_key=${IONQ_KEY}`]);
    expect(run.code).toBe(EXIT.usage);
    expect(run.stderr).toContain('api_key is secret: it is never taken from an argument');
    expect(output(run)).not.toContain(IONQ_KEY);
  });

  it('--from-env names the variable that holds the secret', async () => {
    const run = await machine.run(['provider-tokens', 'set', 'ionq', '--from-env', 'MY_IONQ_KEY'], { env: { MY_IONQ_KEY: IONQ_KEY } });
    expect(run.code).toBe(EXIT.ok);
    expect(JSON.parse((await machine.run(['provider-tokens', 'list', '--json'])).stdout)).toMatchObject([{ provider: 'ionq', hints: { api_key: '••••lmno' } }]);
    const unset = await machine.run(['provider-tokens', 'set', 'ionq', '--from-env', 'NOT_SET']);
    expect(unset).toMatchObject({ code: EXIT.usage, stderr: 'qonduit: the environment variable NOT_SET (for api_key) is not set\n' });
  });

  it('the current context decides whose tokens are meant when --org is left out', async () => {
    await machine.run(['context', 'use', 'Grace Labs']);
    try {
      await machine.run(['provider-tokens', 'set', 'ionq'], { stdin: IONQ_KEY });
      expect(JSON.parse((await machine.run(['provider-tokens', 'list', '--json', '--org', org])).stdout)).toHaveLength(1);
    } finally {
      await machine.run(['context', 'use', 'personal']);
    }
    expect(JSON.parse((await machine.run(['provider-tokens', 'list', '--json'])).stdout)).toEqual([]);
  });

  it("a viewer cannot replace the organization's token: exit 4 and the message names the role", async () => {
    const vera = await server.signUp({ name: 'Vera Viewer' });
    const invited = await machine.run(['members', 'add', vera.email, '--org', org, '--json']);
    expect(invited.code).toBe(EXIT.ok);
    expect(JSON.parse(invited.stdout)).toMatchObject({ email: vera.email, role: 'viewer', status: 'pending' });
    const asVera = { env: { QONDUIT_TOKEN: (await vera.createToken()).token } };
    expect((await machine.run(['invitations', 'accept', 'Grace Labs'], asVera)).code).toBe(EXIT.ok);
    const run = await machine.run(['provider-tokens', 'set', 'ionq', '--org', org], {
      stdin: IONQ_KEY,
      env: { QONDUIT_TOKEN: (await vera.createToken()).token },
    });
    expect(run.code).toBe(EXIT.permission);
    expect(run.stderr).toContain("Only owners and maintainers can change the organization's provider tokens; your role is viewer");
    expect(run.stderr).toContain('hint: ask an owner of the organization to change your role');
  });

  it('lists the provider catalog with secret fields marked', async () => {
    const run = await machine.run(['providers', 'list']);
    expect(run.stdout).toMatch(/aws_braket +Amazon Braket +access_key_id secret_access_key\* region session_token\*\? s3_bucket\?/);
  });
});

describe('qonduit orgs, members and audit', () => {
  it('adds a member, changes the role, lists and removes them; the last owner stays', async () => {
    const grace = await server.signUp({ name: 'Grace Hopper' });
    expect((await machine.run(['members', 'add', grace.email, '--role', 'maintainer', '--org', 'Grace Labs'])).stderr).toContain(
      `Invited ${grace.email} to Grace Labs as maintainer`,
    );
    // Not a member until she accepts.
    expect((await machine.run(['members', 'list', '--org', org])).stdout).not.toContain('Grace Hopper');
    expect((await machine.run(['invitations', 'list', '--org', org])).stdout).toMatch(new RegExp(`${grace.email.replace(/\./g, '\\.')} +maintainer +pending`));
    const asGrace = { env: { QONDUIT_TOKEN: (await grace.createToken()).token } };
    expect((await machine.run(['invitations', 'list'], asGrace)).stdout).toMatch(/Grace Labs +maintainer +Ada Lovelace/);
    expect((await machine.run(['invitations', 'accept', 'Grace Labs'], asGrace)).stderr).toContain('✓ You are now maintainer of Grace Labs');
    expect((await machine.run(['members', 'set-role', grace.email, 'owner', '--org', org])).stderr).toContain('Grace Hopper is now owner of Grace Labs');
    const list = await machine.run(['members', 'list', '--org', org]);
    expect(list.stdout).toMatch(/Grace Hopper +\S+ +owner/);
    expect((await machine.run(['members', 'remove', grace.email, '--org', org])).code).toBe(EXIT.ok);
    const last = await machine.run(['members', 'remove', ada.email, '--org', org]);
    expect(last.code).toBe(EXIT.failure);
    expect((await machine.run(['members', 'set-role', ada.email, 'chief', '--org', org])).code).toBe(EXIT.usage);
  });

  it('declines an invitation by the organization name; an unknown one is a usage error', async () => {
    const dan = await server.signUp({ name: 'Dan Decliner' });
    const asDan = { env: { QONDUIT_TOKEN: (await dan.createToken()).token } };
    expect((await machine.run(['invitations', 'list'], asDan)).stderr).toContain('No pending invitations.');
    expect((await machine.run(['members', 'add', dan.email, '--org', org])).code).toBe(EXIT.ok);
    const json = JSON.parse((await machine.run(['invitations', 'list', '--json'], asDan)).stdout) as Array<{ organization: { name: string } }>;
    expect(json.map((i) => i.organization.name)).toEqual(['Grace Labs']);
    expect((await machine.run(['invitations', 'decline', 'grace labs'], asDan)).stderr).toContain('✓ Declined the invitation to Grace Labs');
    const again = await machine.run(['invitations', 'accept', 'Grace Labs'], asDan);
    expect(again.code).toBe(EXIT.usage);
    expect(again.stderr).toContain('no pending invitation Grace Labs');
    expect((await machine.run(['members', 'list', '--org', org])).stdout).not.toContain('Dan Decliner');

    expect((await machine.run(['members', 'add', dan.email, '--org', org])).code).toBe(EXIT.ok);
    expect((await machine.run(['invitations', 'revoke', dan.email, '--org', org])).stderr).toContain(`✓ Revoked the invitation of ${dan.email} to Grace Labs`);
    expect((await machine.run(['invitations', 'list', '--json'], asDan)).stdout.trim()).toBe('[]');
    expect((await machine.run(['invitations', 'revoke', dan.email, '--org', org])).code).toBe(EXIT.usage);
  });

  it('members without an organization is a usage error that says how to name one', async () => {
    const run = await machine.run(['members', 'list']);
    expect(run).toMatchObject({ code: EXIT.usage, stderr: 'qonduit: members belong to an organization\nhint: name one with --org, or `qonduit context use ORG`\n' });
  });

  it('renames and deletes an organization, the delete guarded by --confirm', async () => {
    const id = (await machine.run(['orgs', 'create', 'Temp Lab'])).stdout.trim();
    expect((await machine.run(['orgs', 'rename', 'Temp Lab', 'Scratch Lab'])).code).toBe(EXIT.ok);
    expect((await machine.run(['orgs', 'show', id])).stdout).toMatch(/name: +Scratch Lab/);
    expect((await machine.run(['orgs', 'delete', id, '--confirm', 'Temp Lab'])).code).toBe(EXIT.usage);
    expect((await machine.run(['orgs', 'delete', id, '--confirm', 'Scratch Lab'])).code).toBe(EXIT.ok);
    expect((await machine.run(['orgs', 'list'])).stdout).not.toContain('Scratch Lab');
  });

  it('two organizations of one name are told apart by their slugs, which --org takes', async () => {
    await machine.run(['orgs', 'create', 'Twin Lab']);
    await machine.run(['orgs', 'create', 'Twin Lab']);
    expect((await machine.run(['orgs', 'list'])).stdout).toMatch(/Twin Lab +twin-lab-2 /);
    const ambiguous = await machine.run(['orgs', 'show', 'Twin Lab']);
    expect(ambiguous).toMatchObject({ code: EXIT.usage });
    expect(ambiguous.stderr).toContain('hint: use a slug: twin-lab, twin-lab-2');
    expect((await machine.run(['orgs', 'show', 'twin-lab-2'])).stdout).toMatch(/slug: +twin-lab-2\n/);
    expect((await machine.run(['members', 'list', '--org', 'twin-lab'])).code).toBe(EXIT.ok);
  });

  it("audit shows the account's and the organization's events", async () => {
    const mine = JSON.parse((await machine.run(['audit', '--json', '--limit', '5'])).stdout) as Array<{ action: string }>;
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.length).toBeLessThanOrEqual(5);
    const theirs = await machine.run(['audit', '--org', 'Grace Labs']);
    expect(theirs.stdout).toMatch(/^WHEN +ACTION +TARGET +BY +IP\n/);
    expect(theirs.stdout).toContain('provider_token');
  });
});
