import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PermissionError } from './errors';
import { addMember, startTestServer } from '@qonduit/testing';
import type { TestServer, TestUser } from '@qonduit/testing';

// The SDK's token restriction, allowlist and organization token policy calls, against a real
// server on 127.0.0.1.

let server: TestServer;
let owner: TestUser;
let member: TestUser;
let org: string;

beforeAll(async () => {
  server = await startTestServer();
  owner = await server.signUp({ name: 'Olga Owner' });
  member = await server.signUp({ name: 'Max Member' });
  org = (await owner.session.orgs.create({ name: 'SDK Lab' })).id;
  await addMember(owner, org, member, 'viewer');
});
afterAll(async () => {
  await server.close();
});

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

describe('tokens restricted to organizations and addresses', () => {
  it('creates a restricted token, shows it, and changes its allowlist', async () => {
    const made = await member.session.tokens.create({ name: 'ci', scopes: ['api'], expires_at: inDays(10), organization_ids: [org], allowed_ips: ['127.0.0.1', '::1'] });
    expect(made).toMatchObject({ organizations: [{ id: org, name: 'SDK Lab' }], personal_only: false, allowed_ips: ['127.0.0.1/32', '::1/128'] });
    const self = await server.client({ token: made.token }).tokens.self();
    expect(self.organizations).toEqual([{ id: org, name: 'SDK Lab' }]);
    const updated = await member.session.tokens.update(made.id, { allowed_ips: null });
    expect(updated.allowed_ips).toBeNull();
  });

  it('a personal-only token is refused for the organization with a PermissionError naming the restriction', async () => {
    const made = await member.session.tokens.create({ name: 'personal', scopes: ['api'], expires_at: inDays(10), personal_only: true });
    const client = server.client({ token: made.token, organizationId: org });
    await expect(client.jobs.list()).rejects.toThrow(PermissionError);
    await expect(client.jobs.list()).rejects.toThrow(/restricted to your personal account/);
  });
});

describe("an organization's token policy", () => {
  it('the owner sets it, a member reads it and sees which of their tokens it refuses', async () => {
    const long = await member.createToken({ name: 'long', expiresInDays: 200 });
    const set = await owner.session.orgs.tokenPolicy.set(org, { max_lifetime_days: 90, allowed_scopes: null, require_restricted: false, block_personal_access_tokens: false });
    expect(set.max_lifetime_days).toBe(90);
    const changed = await owner.session.orgs.tokenPolicy.update(org, { allowed_scopes: ['read_api', 'quantum_tokens'] });
    expect(changed).toMatchObject({ max_lifetime_days: 90, allowed_scopes: ['quantum_tokens', 'read_api'] });
    expect(await member.session.orgs.tokenPolicy.get(org)).toMatchObject({ max_lifetime_days: 90 });
    const mine = await member.session.orgs.tokenPolicy.affectedTokens(org, { member: member.id });
    expect(mine.items.map((i) => i.token.id)).toContain(long.id);
    await expect(member.session.orgs.tokenPolicy.update(org, { max_lifetime_days: 365 })).rejects.toThrow(PermissionError);
    await expect(server.client({ token: long.token, organizationId: org }).jobs.list()).rejects.toThrow(/at most 90 days/);
  });
});
