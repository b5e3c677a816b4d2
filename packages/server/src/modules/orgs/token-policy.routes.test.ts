import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addMember, createPat, createTestApp, signUp, withToken } from '../../test/harness';
import type { Browser, TestApp } from '../../test/harness';

// An organization's token policy (issue 16.2): owners set it, members read it, and each rule
// holds for tokens that already exist, on the very next request they make for the organization
// (their verification is cached: the change must reach it).

let t: TestApp;
let owner: Browser;
let member: Browser;
let org: string;

beforeEach(async () => {
  t = await createTestApp();
  owner = await signUp(t, 'Olga Owner');
  member = await signUp(t, 'Max Member');
  org = (await owner.request({ method: 'POST', url: '/api/v1/orgs', payload: { name: 'Policy Lab' } })).json<{ id: string }>().id;
  await addMember(owner, org, member, 'maintainer');
});
afterEach(async () => {
  await t.close();
});

const inOrg = () => ({ 'x-organizationid': org });
const setPolicy = (body: Record<string, unknown>, by: Browser = owner) => by.request({ method: 'PATCH', url: `/api/v1/orgs/${org}/token-policy`, payload: body });
const jobsFor = (token: string) => t.request({ method: 'GET', url: '/quantum/jobs', headers: withToken(token, { 'x-organizationid': org }) });
const membersVia = (token: string) => t.request({ method: 'GET', url: `/api/v1/orgs/${org}/members`, headers: withToken(token) });

async function restrictedToken(who: Browser, orgs: string[], days = 30, scopes = ['api']) {
  const res = await who.request({
    method: 'POST',
    url: '/api/v1/user/tokens',
    payload: { name: `restricted ${Math.random()}`, scopes, expires_at: new Date(t.clock.now().getTime() + days * 86_400_000).toISOString(), organization_ids: orgs },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<{ id: string; token: string }>();
}

function expectRefused(res: { statusCode: number; body: string }, message: string) {
  expect(res.statusCode, res.body).toBe(403);
  expect(JSON.parse(res.body)).toMatchObject({ error: { code: 'forbidden', message } });
}

describe('reading and setting the policy', () => {
  it('starts empty; every member reads it; the owner sets it with PUT and PATCH; the change is audited', async () => {
    const empty = await member.request({ method: 'GET', url: `/api/v1/orgs/${org}/token-policy` });
    expect(empty.statusCode).toBe(200);
    expect(empty.json()).toEqual({ organization_id: org, max_lifetime_days: null, allowed_scopes: null, require_restricted: false, block_personal_access_tokens: false, require_two_factor: false, require_sso: false, updated_at: null, updated_by: null });

    const put = await owner.request({
      method: 'PUT',
      url: `/api/v1/orgs/${org}/token-policy`,
      payload: { max_lifetime_days: 30, allowed_scopes: ['read_api'], require_restricted: true, block_personal_access_tokens: false },
    });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()).toMatchObject({ max_lifetime_days: 30, allowed_scopes: ['read_api'], require_restricted: true, block_personal_access_tokens: false, updated_by: { user_id: owner.userId, name: 'Olga Owner' } });

    const patched = await setPolicy({ require_restricted: false });
    expect(patched.json()).toMatchObject({ max_lifetime_days: 30, allowed_scopes: ['read_api'], require_restricted: false });
    const seen = await member.request({ method: 'GET', url: `/api/v1/orgs/${org}/token-policy` });
    expect(seen.json()).toMatchObject({ max_lifetime_days: 30, require_restricted: false });

    const audit = await owner.request({ method: 'GET', url: `/api/v1/orgs/${org}/audit-events?action=organization.token_policy_changed` });
    const items = audit.json<{ items: Array<{ details: { old: unknown; new: unknown } }> }>().items;
    expect(items).toHaveLength(2);
    expect(items[0]?.details).toMatchObject({ old: { require_restricted: true }, new: { require_restricted: false, max_lifetime_days: 30 } });
  });

  it('a maintainer or viewer may not set it (403 naming the rule), an outsider gets 404, and nothing changes', async () => {
    const viewer = await signUp(t, 'Vera Viewer');
    await addMember(owner, org, viewer, 'viewer');
    const outsider = await signUp(t, 'Otto Outsider');
    for (const who of [member, viewer]) {
      const res = await setPolicy({ block_personal_access_tokens: true }, who);
      expect(res.statusCode).toBe(403);
      expect(res.json<{ error: { message: string } }>().error.message).toContain("Only owners can set the organization's token policy");
    }
    expect((await setPolicy({ block_personal_access_tokens: true }, outsider)).statusCode).toBe(404);
    expect((await outsider.request({ method: 'GET', url: `/api/v1/orgs/${org}/token-policy` })).statusCode).toBe(404);
    expect((await owner.request({ method: 'GET', url: `/api/v1/orgs/${org}/token-policy` })).json()).toMatchObject({ block_personal_access_tokens: false, updated_at: null });
  });

  it.each([
    ['a lifetime of 0 days', { max_lifetime_days: 0 }],
    ['a lifetime over 365 days', { max_lifetime_days: 366 }],
    ['an unknown scope', { allowed_scopes: ['admin'] }],
    ['a repeated scope', { allowed_scopes: ['api', 'api'] }],
    ['an unknown rule', { allow_everything: true }],
    ['no rule at all', {}],
  ])('refuses %s with 400 and changes nothing', async (_label, body) => {
    const res = await setPolicy(body);
    expect(res.statusCode).toBe(400);
    expect(await t.db.selectFrom('organization_token_policies').selectAll().execute()).toHaveLength(0);
  });

  it('a PUT must name every rule', async () => {
    const res = await owner.request({ method: 'PUT', url: `/api/v1/orgs/${org}/token-policy`, payload: { max_lifetime_days: 30 } });
    expect(res.statusCode).toBe(400);
  });

  it('a token may not set the policy through a policy that blocks tokens (it cannot undo it)', async () => {
    const ownerPat = await createPat(t, owner);
    expect((await setPolicy({ block_personal_access_tokens: true })).statusCode).toBe(200);
    const res = await t.request({ method: 'PATCH', url: `/api/v1/orgs/${org}/token-policy`, headers: withToken(ownerPat.token), payload: { block_personal_access_tokens: false } });
    expect(res.statusCode).toBe(403);
    expect((await owner.request({ method: 'GET', url: `/api/v1/orgs/${org}/token-policy` })).json()).toMatchObject({ block_personal_access_tokens: true });
  });
});

describe('each rule holds for an existing token the moment the policy changes', () => {
  it('block personal access tokens: refused for the organization (header and path), the web session and the personal account unaffected', async () => {
    const pat = await createPat(t, member);
    expect((await jobsFor(pat.token)).statusCode).toBe(200);
    expect((await membersVia(pat.token)).statusCode).toBe(200);
    expect((await setPolicy({ block_personal_access_tokens: true })).statusCode).toBe(200);
    const message = "Organization 'Policy Lab' does not allow personal access tokens to act for it; use the web UI";
    expectRefused(await jobsFor(pat.token), message);
    expectRefused(await membersVia(pat.token), message);
    expect((await member.request({ method: 'GET', url: '/quantum/jobs', headers: inOrg() })).statusCode).toBe(200);
    expect((await t.request({ method: 'GET', url: '/quantum/jobs', headers: withToken(pat.token) })).statusCode).toBe(200);
    // Lifted: allowed again at once.
    expect((await setPolicy({ block_personal_access_tokens: false })).statusCode).toBe(200);
    expect((await jobsFor(pat.token)).statusCode).toBe(200);
  });

  it('maximum lifetime: a longer-lived token is refused with the policy and its expiry; a shorter one is allowed', async () => {
    const long = await createPat(t, member, { expiresInDays: 90 });
    const short = await createPat(t, member, { expiresInDays: 7 });
    expect((await jobsFor(long.token)).statusCode).toBe(200);
    expect((await setPolicy({ max_lifetime_days: 30 })).statusCode).toBe(200);
    const expiry = new Date(t.clock.now().getTime() + 90 * 86_400_000).toISOString().slice(0, 10);
    expectRefused(await jobsFor(long.token), `Organization 'Policy Lab' admits tokens that live at most 30 days; this token expires on ${expiry}, 90 days after it was made`);
    expect((await jobsFor(short.token)).statusCode).toBe(200);
  });

  it('require restricted tokens: an unrestricted token is refused; one that lists the organization is allowed', async () => {
    const open = await createPat(t, member);
    const listed = await restrictedToken(member, [org]);
    expect((await jobsFor(open.token)).statusCode).toBe(200);
    expect((await setPolicy({ require_restricted: true })).statusCode).toBe(200);
    const refused = await jobsFor(open.token);
    expect(refused.statusCode).toBe(403);
    expect(refused.json<{ error: { message: string } }>().error.message).toContain('admits only tokens restricted to chosen organizations that list it');
    expect((await jobsFor(listed.token)).statusCode).toBe(200);
  });

  it('allowed scopes: an api token keeps reading but may not write for the organization; a quantum_tokens-only token is refused', async () => {
    const writer = await createPat(t, member, { scopes: ['api'] });
    const quantumOnly = await createPat(t, member, { scopes: ['quantum_tokens'] });
    const invite = (token: string) =>
      t.request({ method: 'POST', url: `/api/v1/orgs/${org}/members`, headers: withToken(token), payload: { email: 'new@example.com', role: 'viewer' } });
    expect((await setPolicy({ allowed_scopes: ['read_api'] })).statusCode).toBe(200);
    expect((await membersVia(writer.token)).statusCode).toBe(200);
    const write = await t.request({ method: 'PATCH', url: `/api/v1/orgs/${org}`, headers: withToken(writer.token), payload: { name: 'Renamed' } });
    expect(write.statusCode).toBe(403);
    expect(write.json()).toMatchObject({ error: { code: 'insufficient_scope', message: expect.stringContaining("Organization 'Policy Lab' allows tokens acting for it only the scopes read_api") as unknown } });
    expect((await invite(writer.token)).statusCode).toBe(403);
    const submit = await t.request({
      method: 'POST',
      url: '/quantum/jobs',
      headers: withToken(quantumOnly.token, inOrg()),
      payload: { backend_id: 'local.simulator', shots: 10, input_format: 'OPEN_QASM_V3', input: 'OPENQASM 3.0;\nqubit[1] q;\nbit[1] c;\nc[0] = measure q[0];\n' },
    });
    expectRefused(submit, "Organization 'Policy Lab' allows tokens acting for it only the scopes read_api; this token holds none of them");
    // The same token acts with all its scopes for the personal account.
    expect((await t.request({ method: 'POST', url: '/api/v1/orgs', headers: withToken(writer.token), payload: { name: 'Own org' } })).statusCode).toBe(201);
  });

  it('a policy refusal never tells a non-member that the organization exists: they get 404 as before', async () => {
    const stranger = await signUp(t, 'Stranger');
    const pat = await createPat(t, stranger);
    expect((await setPolicy({ block_personal_access_tokens: true })).statusCode).toBe(200);
    expect((await membersVia(pat.token)).statusCode).toBe(404);
    expect((await jobsFor(pat.token)).statusCode).toBe(403);
    expect((await jobsFor(pat.token)).json<{ error: { message: string } }>().error.message).toBe('You are not a member of the organization named in X-OrganizationId');
  });
});

describe("the members' tokens the policy refuses", () => {
  it("owners see every member's refused or limited tokens with the reasons; others see only their own", async () => {
    const long = await createPat(t, member, { name: 'ci forever', expiresInDays: 200 });
    await createPat(t, member, { name: 'short', expiresInDays: 5 });
    await restrictedToken(member, [], 200).catch(() => undefined);
    const ownerLong = await createPat(t, owner, { name: 'owner laptop', expiresInDays: 100 });
    // A token restricted to another organization cannot act for this one: not listed.
    const elsewhere = (await member.request({ method: 'POST', url: '/api/v1/orgs', payload: { name: 'Elsewhere' } })).json<{ id: string }>().id;
    await restrictedToken(member, [elsewhere], 300);
    expect((await setPolicy({ max_lifetime_days: 60 })).statusCode).toBe(200);

    const all = await owner.request({ method: 'GET', url: `/api/v1/orgs/${org}/token-policy/affected-tokens` });
    expect(all.statusCode, all.body).toBe(200);
    const items = all.json<{ items: Array<{ member: { name: string }; token: { id: string; name: string }; findings: Array<{ rule: string; effect: string }> }>; truncated: boolean }>();
    expect(items.truncated).toBe(false);
    expect(items.items.map((i) => [i.member.name, i.token.name]).sort()).toEqual([
      ['Max Member', 'ci forever'],
      ['Olga Owner', 'owner laptop'],
    ]);
    expect(items.items.find((i) => i.token.id === long.id)?.findings).toEqual([
      expect.objectContaining({ rule: 'max_lifetime', effect: 'refused' }),
    ]);
    expect(JSON.stringify(all.json())).not.toMatch(/qdp_[0-9A-Za-z]{36}/);
    expect(ownerLong.id).toBeTruthy();

    const own = await member.request({ method: 'GET', url: `/api/v1/orgs/${org}/token-policy/affected-tokens?member=${member.userId}` });
    expect(own.statusCode).toBe(200);
    expect(own.json<{ items: Array<{ token: { name: string } }> }>().items.map((i) => i.token.name)).toEqual(['ci forever']);
    const others = await member.request({ method: 'GET', url: `/api/v1/orgs/${org}/token-policy/affected-tokens` });
    expect(others.statusCode).toBe(403);
    const outsider = await signUp(t, 'Outsider');
    expect((await outsider.request({ method: 'GET', url: `/api/v1/orgs/${org}/token-policy/affected-tokens?member=${outsider.userId}` })).statusCode).toBe(404);
  });
});
