import { generatePat } from '@qonduit/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addMember, createPat, createTestApp, signUp, withToken } from '../../test/harness';
import type { Browser, TestApp } from '../../test/harness';

// Issue 16.1 (tokens restricted to chosen organizations) and 17.3 (IP allowlists), through the
// HTTP API: what each restriction refuses, what it still allows, and what it shows.

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => {
  await t.close();
});

const inDays = (days: number) => new Date(t.clock.now().getTime() + days * 86_400_000).toISOString();

async function org(owner: Browser, name: string): Promise<string> {
  const res = await owner.request({ method: 'POST', url: '/api/v1/orgs', payload: { name } });
  expect(res.statusCode).toBe(201);
  return res.json<{ id: string }>().id;
}

async function token(owner: Browser, extra: Record<string, unknown>, scopes = ['api', 'quantum_tokens']) {
  const res = await owner.request({ method: 'POST', url: '/api/v1/user/tokens', payload: { name: `t${Math.random()}`, scopes, expires_at: inDays(30), ...extra } });
  return res;
}

const get = (tok: string, url: string, headers: Record<string, string> = {}, remoteAddress?: string) =>
  t.request({ method: 'GET', url, headers: withToken(tok, headers), ...(remoteAddress ? { remoteAddress } : {}) });

describe('a token restricted to chosen organizations', () => {
  it('acts for the organizations it lists and is refused for any other with 403 naming the restriction', async () => {
    const ada = await signUp(t);
    const a = await org(ada, 'Lab A');
    const b = await org(ada, 'Lab B');
    const res = await token(ada, { organization_ids: [a] });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json<{ token: string; organizations: unknown; personal_only: boolean }>();
    expect(body).toMatchObject({ organizations: [{ id: a, name: 'Lab A' }], personal_only: false });

    expect((await get(body.token, '/quantum/jobs', { 'x-organizationid': a })).statusCode).toBe(200);
    expect((await get(body.token, `/api/v1/orgs/${a}/members`)).statusCode).toBe(200);
    // Its personal account stays its owner's.
    expect((await get(body.token, '/quantum/jobs')).statusCode).toBe(200);

    for (const refused of [await get(body.token, '/quantum/jobs', { 'x-organizationid': b }), await get(body.token, `/api/v1/orgs/${b}/members`)]) {
      expect(refused.statusCode).toBe(403);
      expect(refused.json()).toMatchObject({ error: { code: 'forbidden', message: `This token is restricted to chosen organizations, and organization ${b} is not one of them` } });
    }
    // The owner's web session still acts for B.
    expect((await ada.request({ method: 'GET', url: '/quantum/jobs', headers: { 'x-organizationid': b } })).statusCode).toBe(200);
  });

  it('/my/accounts (what PlanQK clients offer to switch to) lists only the organizations the token may act for', async () => {
    const ada = await signUp(t);
    const a = await org(ada, 'Lab A');
    await org(ada, 'Lab B');
    const names = async (tok: string) => (await get(tok, '/my/accounts')).json<Array<{ displayName: string; isOrganization: boolean }>>().filter((x) => x.isOrganization).map((x) => x.displayName).sort();
    expect(await names((await token(ada, { organization_ids: [a] })).json<{ token: string }>().token)).toEqual(['Lab A']);
    expect(await names((await token(ada, { personal_only: true })).json<{ token: string }>().token)).toEqual([]);
    expect(await names((await createPat(t, ada)).token)).toEqual(['Lab A', 'Lab B']);
  });

  it('personal_only: refused for every organization, shown as such', async () => {
    const ada = await signUp(t);
    const a = await org(ada, 'Lab A');
    const res = await token(ada, { personal_only: true });
    expect(res.statusCode).toBe(201);
    const body = res.json<{ token: string; id: string }>();
    expect(res.json()).toMatchObject({ organizations: [], personal_only: true });
    expect((await get(body.token, '/api/v1/user')).statusCode).toBe(200);
    const refused = await get(body.token, '/quantum/jobs', { 'x-organizationid': a });
    expect(refused.statusCode).toBe(403);
    expect(refused.json<{ error: { message: string } }>().error.message).toContain('restricted to your personal account');
    const self = await get(body.token, '/api/v1/user/tokens/self');
    expect(self.json()).toMatchObject({ id: body.id, organizations: [], personal_only: true, allowed_ips: null });
  });

  it('an unrestricted token (the default) acts for every organization, as before', async () => {
    const ada = await signUp(t);
    const a = await org(ada, 'Lab A');
    const b = await org(ada, 'Lab B');
    const { token: tok } = await createPat(t, ada);
    expect((await get(tok, '/api/v1/user/tokens/self')).json()).toMatchObject({ organizations: null, personal_only: false });
    for (const o of [a, b]) expect((await get(tok, '/quantum/jobs', { 'x-organizationid': o })).statusCode).toBe(200);
  });

  it('refuses to list an organization the user is not a member of, or both a list and personal_only (400, nothing made)', async () => {
    const ada = await signUp(t);
    const eve = await signUp(t, 'Eve');
    const theirs = await org(eve, 'Not Ada');
    const mine = await org(ada, 'Ada Lab');
    for (const extra of [{ organization_ids: [theirs] }, { organization_ids: ['no-such-org'] }, { organization_ids: [mine], personal_only: true }]) {
      const res = await token(ada, extra);
      expect(res.statusCode, JSON.stringify(extra)).toBe(400);
      expect(res.json<{ error: { details: Array<{ field: string }> } }>().error.details[0]?.field).toBe('organization_ids');
    }
    const tooMany = await token(ada, { organization_ids: Array.from({ length: 51 }, (_, i) => `org-${i}`) });
    expect(tooMany.statusCode).toBe(400);
    expect(await t.db.selectFrom('personal_access_tokens').select('id').execute()).toHaveLength(0);
  });

  it('leaving an organization does not widen the token: restricted to it alone, it acts for none', async () => {
    const ada = await signUp(t);
    const bob = await signUp(t, 'Bob');
    const a = await org(ada, 'Lab A');
    const other = await org(bob, 'Bob Lab');
    await addMember(ada, a, bob, 'viewer');
    const res = await token(bob, { organization_ids: [a] });
    const tok = res.json<{ token: string; id: string }>().token;
    expect((await get(tok, '/quantum/jobs', { 'x-organizationid': a })).statusCode).toBe(200);
    expect((await bob.request({ method: 'DELETE', url: `/api/v1/orgs/${a}/members/${bob.userId}` })).statusCode).toBe(204);
    expect((await get(tok, '/quantum/jobs', { 'x-organizationid': a })).statusCode).toBe(403);
    // Bob's own organization is still not one it may act for.
    expect((await get(tok, '/quantum/jobs', { 'x-organizationid': other })).statusCode).toBe(403);
    expect((await get(tok, '/api/v1/user/tokens/self')).json()).toMatchObject({ organizations: [{ id: a }] });
  });

  it('keeps its restriction through rotation, and a restricted token can only make tokens as restricted', async () => {
    const ada = await signUp(t);
    const a = await org(ada, 'Lab A');
    const b = await org(ada, 'Lab B');
    const made = (await token(ada, { organization_ids: [a], allowed_ips: ['127.0.0.0/8'] })).json<{ id: string; token: string }>();
    const rotated = await t.request({ method: 'POST', url: `/api/v1/user/tokens/${made.id}/rotate`, headers: withToken(made.token) });
    expect(rotated.statusCode, rotated.body).toBe(200);
    const next = rotated.json<{ token: string }>();
    expect(rotated.json()).toMatchObject({ organizations: [{ id: a }], allowed_ips: ['127.0.0.0/8'] });
    expect((await get(next.token, '/quantum/jobs', { 'x-organizationid': b })).statusCode).toBe(403);

    const child = await t.request({ method: 'POST', url: '/api/v1/user/tokens', headers: withToken(next.token), payload: { name: 'child', scopes: ['api'], expires_at: inDays(5) } });
    expect(child.statusCode).toBe(201);
    expect(child.json()).toMatchObject({ organizations: [{ id: a }] });
    const widen = await t.request({ method: 'POST', url: '/api/v1/user/tokens', headers: withToken(next.token), payload: { name: 'wider', scopes: ['api'], expires_at: inDays(5), organization_ids: [b] } });
    expect(widen.statusCode).toBe(400);
  });

  it('shows the restriction in the list and by id, with the organization names', async () => {
    const ada = await signUp(t);
    const a = await org(ada, 'Lab A');
    const made = (await token(ada, { organization_ids: [a] })).json<{ id: string }>();
    const list = await ada.request({ method: 'GET', url: '/api/v1/user/tokens' });
    expect(list.json<{ items: unknown[] }>().items[0]).toMatchObject({ id: made.id, organizations: [{ id: a, name: 'Lab A' }] });
    const one = await ada.request({ method: 'GET', url: `/api/v1/user/tokens/${made.id}` });
    expect(one.json()).toMatchObject({ organizations: [{ id: a, name: 'Lab A' }] });
  });
});

describe('an IP allowlist on a token', () => {
  const unknownTokenBody = async (remoteAddress: string) => {
    const res = await t.request({ method: 'GET', url: '/api/v1/user', headers: withToken(generatePat()), remoteAddress });
    return res;
  };

  it('admits requests from inside its ranges and refuses others with the same 401 as an unknown token', async () => {
    const ada = await signUp(t);
    const res = await token(ada, { allowed_ips: ['192.0.2.0/24', '2001:db8::/32'] });
    expect(res.statusCode, res.body).toBe(201);
    const tok = res.json<{ token: string }>().token;
    expect(res.json()).toMatchObject({ allowed_ips: ['192.0.2.0/24', '2001:db8::/32'] });
    for (const inside of ['192.0.2.0', '192.0.2.255', '2001:db8::', '2001:db8:ffff:ffff:ffff:ffff:ffff:ffff', '::ffff:192.0.2.9']) {
      expect((await get(tok, '/api/v1/user', {}, inside)).statusCode, inside).toBe(200);
    }
    const unknown = await unknownTokenBody('192.0.3.0');
    for (const outside of ['192.0.3.0', '192.0.1.255', '2001:db9::', '2001:db7:ffff:ffff:ffff:ffff:ffff:ffff', '127.0.0.1']) {
      const refused = await get(tok, '/api/v1/user', {}, outside);
      expect(refused.statusCode, outside).toBe(401);
      expect(refused.json<{ error: { code: string; message: string } }>().error).toMatchObject({ code: 'unauthenticated', message: unknown.json<{ error: { message: string } }>().error.message });
      expect(refused.headers['www-authenticate']).toBe(unknown.headers['www-authenticate']);
    }
  });

  it("records a refusal on the owner's audit log, at most once a minute per token however many there are", async () => {
    const ada = await signUp(t);
    const tok = (await token(ada, { allowed_ips: ['192.0.2.1'] })).json<{ token: string; id: string }>();
    for (let i = 0; i < 25; i++) expect((await get(tok.token, '/api/v1/user', {}, '203.0.113.9')).statusCode).toBe(401);
    const events = await ada.request({ method: 'GET', url: '/api/v1/user/audit-events?action=personal_access_token.ip_refused' });
    const items = events.json<{ items: Array<{ target: { id: string }; details: { ip: string }; actor: { ip: string } }> }>().items;
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ target: { id: tok.id }, details: { ip: '203.0.113.9' }, actor: { ip: '203.0.113.9' } });
  });

  it('can be changed after creation (PATCH), and the change applies to the next request', async () => {
    const ada = await signUp(t);
    const made = (await token(ada, {})).json<{ token: string; id: string }>();
    expect((await get(made.token, '/api/v1/user', {}, '198.51.100.1')).statusCode).toBe(200);
    const patched = await ada.request({ method: 'PATCH', url: `/api/v1/user/tokens/${made.id}`, payload: { allowed_ips: ['203.0.113.0/24'] } });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({ allowed_ips: ['203.0.113.0/24'] });
    // It was cached a moment ago; the change dropped it.
    expect((await get(made.token, '/api/v1/user', {}, '198.51.100.1')).statusCode).toBe(401);
    expect((await get(made.token, '/api/v1/user', {}, '203.0.113.200')).statusCode).toBe(200);
    const cleared = await ada.request({ method: 'PATCH', url: `/api/v1/user/tokens/${made.id}`, payload: { allowed_ips: null } });
    expect(cleared.json()).toMatchObject({ allowed_ips: null });
    expect((await get(made.token, '/api/v1/user', {}, '198.51.100.1')).statusCode).toBe(200);
    const audit = await ada.request({ method: 'GET', url: '/api/v1/user/audit-events?action=personal_access_token.updated' });
    expect(audit.json<{ items: unknown[] }>().items).toHaveLength(2);
  });

  it('refuses entries that are not addresses or ranges, and more than 20, with 400 changing nothing', async () => {
    const ada = await signUp(t);
    const made = (await token(ada, { allowed_ips: ['10.0.0.0/8'] })).json<{ id: string }>();
    for (const allowed_ips of [['10.1'], ['192.0.2.0/33'], ['example.com'], Array.from({ length: 21 }, (_, i) => `10.0.0.${i}`), ['x'.repeat(65)]]) {
      const created = await token(ada, { allowed_ips });
      expect(created.statusCode, JSON.stringify(allowed_ips)).toBe(400);
      const patched = await ada.request({ method: 'PATCH', url: `/api/v1/user/tokens/${made.id}`, payload: { allowed_ips } });
      expect(patched.statusCode).toBe(400);
    }
    expect((await ada.request({ method: 'GET', url: `/api/v1/user/tokens/${made.id}` })).json()).toMatchObject({ allowed_ips: ['10.0.0.0/8'] });
    expect(await t.db.selectFrom('personal_access_tokens').select('id').execute()).toHaveLength(1);
  });

  it("another user's token answers 404 to PATCH, and a read_api token may not change an allowlist", async () => {
    const ada = await signUp(t);
    const eve = await signUp(t, 'Eve');
    const adas = (await token(ada, {})).json<{ id: string }>();
    const evePat = await createPat(t, eve);
    const foreign = await t.request({ method: 'PATCH', url: `/api/v1/user/tokens/${adas.id}`, headers: withToken(evePat.token), payload: { allowed_ips: ['0.0.0.0/0'] } });
    expect(foreign.statusCode).toBe(404);
    const reader = await createPat(t, ada, { scopes: ['read_api'] });
    const weak = await t.request({ method: 'PATCH', url: `/api/v1/user/tokens/${adas.id}`, headers: withToken(reader.token), payload: { allowed_ips: ['0.0.0.0/0'] } });
    expect(weak.statusCode).toBe(403);
    expect((await ada.request({ method: 'GET', url: `/api/v1/user/tokens/${adas.id}` })).json()).toMatchObject({ allowed_ips: null });
  });
});
