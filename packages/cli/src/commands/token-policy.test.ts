import { addMember, startTestServer } from '@qonduit/testing';
import type { TestServer, TestUser } from '@qonduit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../errors';
import { createMachine } from '../testing';
import type { Machine } from '../testing';

// qonduit tokens create --org/--personal-only/--allow-ip, tokens allow-ip, orgs policy show|set.

let server: TestServer;
let owner: TestUser;
let member: TestUser;
let ownerCli: Machine;
let memberCli: Machine;
let lab: string;
let other: string;

beforeAll(async () => {
  server = await startTestServer();
  owner = await server.signUp({ name: 'Olga Owner' });
  member = await server.signUp({ name: 'Max Member' });
  ownerCli = createMachine({ QONDUIT_URL: server.url });
  memberCli = createMachine({ QONDUIT_URL: server.url });
  await ownerCli.run(['login', '--token', (await owner.createToken()).token]);
  await memberCli.run(['login', '--token', (await member.createToken()).token]);
  lab = (await ownerCli.run(['orgs', 'create', 'Quantum Lab'])).stdout.trim();
  other = (await ownerCli.run(['orgs', 'create', 'Other Lab'])).stdout.trim();
  await addMember(owner, lab, member, 'viewer');
});
afterAll(async () => {
  await server.close();
  ownerCli.cleanup();
  memberCli.cleanup();
});

describe('qonduit tokens create with restrictions', () => {
  it('--org by name and by id restricts the token; the token is refused for another organization', async () => {
    const made = await ownerCli.run(['tokens', 'create', '--name', 'lab-ci', '--org', 'Quantum Lab', '--org', lab, '--allow-ip', '127.0.0.1', '--allow-ip', '::1', '--json']);
    expect(made.code, made.stderr).toBe(EXIT.ok);
    const token = JSON.parse(made.stdout) as { token: string; organizations: unknown; allowed_ips: string[] };
    expect(token).toMatchObject({ organizations: [{ id: lab, name: 'Quantum Lab' }], allowed_ips: ['127.0.0.1/32', '::1/128'] });
    const refused = await server.client({ token: token.token, organizationId: other }).jobs.list().catch((err: unknown) => err);
    expect(String(refused)).toContain('restricted to chosen organizations');
    const shown = await ownerCli.run(['tokens', 'list']);
    expect(shown.code).toBe(EXIT.ok);
    expect(shown.stdout).toMatch(/TOKEN +RESTRICTED TO\n/);
    expect(shown.stdout).toMatch(/lab-ci .* Quantum Lab; 2 address ranges/);
  });

  it('--personal-only, and refuses both --org and --personal-only', async () => {
    const made = await ownerCli.run(['tokens', 'create', '--name', 'notebook', '--personal-only', '--json']);
    expect(JSON.parse(made.stdout)).toMatchObject({ personal_only: true, organizations: [] });
    const both = await ownerCli.run(['tokens', 'create', '--name', 'x', '--personal-only', '--org', lab]);
    expect(both.code).toBe(EXIT.usage);
    expect(both.stderr).toContain('give --org or --personal-only, not both');
  });

  it('tokens allow-ip sets and lifts the allowlist; a bad range is refused by the server', async () => {
    await ownerCli.run(['tokens', 'create', '--name', 'build-box']);
    const set = await ownerCli.run(['tokens', 'allow-ip', 'build-box', '--allow-ip', '203.0.113.0/24']);
    expect(set.code, set.stderr).toBe(EXIT.ok);
    expect(set.stdout).toMatch(/allowed from: +203\.0\.113\.0\/24/);
    const lifted = await ownerCli.run(['tokens', 'allow-ip', 'build-box', '--anywhere']);
    expect(lifted.stdout).toMatch(/allowed from: +anywhere/);
    const bad = await ownerCli.run(['tokens', 'allow-ip', 'build-box', '--allow-ip', '300.1.2.3/8']);
    expect(bad.code).not.toBe(EXIT.ok);
    expect(bad.stderr).toContain('allowed_ips');
  });
});

describe('qonduit orgs policy', () => {
  it('the owner sets rules, the member reads them and sees which of their tokens are refused', async () => {
    const long = await memberCli.run(['tokens', 'create', '--name', 'yearly', '--expires-in', '300d']);
    expect(long.code).toBe(EXIT.ok);
    const set = await ownerCli.run(['orgs', 'policy', 'set', 'Quantum Lab', '--max-lifetime', '90', '--scopes', 'read_api,quantum_tokens']);
    expect(set.code, set.stderr).toBe(EXIT.ok);
    expect(set.stdout).toMatch(/max token lifetime: +90 days/);
    expect(set.stdout).toMatch(/scopes allowed: +quantum_tokens, read_api/);

    const shown = await memberCli.run(['orgs', 'policy', 'show', 'Quantum Lab']);
    expect(shown.code, shown.stderr).toBe(EXIT.ok);
    expect(shown.stdout).toMatch(/Max Member +yearly/);
    expect(shown.stdout).toContain('admits tokens that live at most 90 days');
    expect(shown.stdout).not.toContain('Olga Owner ');

    const json = JSON.parse((await ownerCli.run(['orgs', 'policy', 'show', lab, '--json'])).stdout) as { policy: { max_lifetime_days: number }; affected_tokens: { items: unknown[] } };
    expect(json.policy.max_lifetime_days).toBe(90);
    expect(json.affected_tokens.items.length).toBeGreaterThanOrEqual(1);

    const refused = await memberCli.run(['orgs', 'policy', 'set', 'Quantum Lab', '--block-tokens']);
    expect(refused.code).not.toBe(EXIT.ok);
    expect(refused.stderr).toContain("Organization 'Quantum Lab' allows tokens acting for it only the scopes quantum_tokens, read_api");

    const nothing = await ownerCli.run(['orgs', 'policy', 'set', 'Quantum Lab']);
    expect(nothing.code).toBe(EXIT.usage);
    // The policy binds the owner's token too: only read_api and quantum_tokens now, so lifting it takes the web UI.
    const locked = await ownerCli.run(['orgs', 'policy', 'set', 'Quantum Lab', '--max-lifetime', 'none', '--scopes', 'all']);
    expect(locked.code).toBe(EXIT.permission);
    expect(locked.stderr).toContain('use the web UI');
    await owner.session.orgs.tokenPolicy.update(lab, { allowed_scopes: null });
    const lifted = await ownerCli.run(['orgs', 'policy', 'set', 'Quantum Lab', '--max-lifetime', 'none', '--scopes', 'all']);
    expect(lifted.stdout, lifted.stderr).toMatch(/max token lifetime: +no limit/);
  });
});
