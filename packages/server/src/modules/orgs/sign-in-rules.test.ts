import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, createPat, createTestApp, signUp, withToken } from '../../test/harness';
import type { Browser, TestApp } from '../../test/harness';
import { enrolTotp, signInWithTotp } from '../identity/test/two-factor.harness';

let t: TestApp;
let owner: Browser;
let member: Browser;
let outsider: Browser;
let org: string;
let memberToken: string;

beforeAll(async () => {
  t = await createTestApp({ startWorker: false }, { QONDUIT_RATE_LIMIT_MEMBER_ADD: 'off' });
  owner = await signUp(t, 'Olga Owner');
  member = await signUp(t, 'Mia Member');
  outsider = await signUp(t, 'Otto Outsider');
  org = (await owner.request({ method: 'POST', url: '/api/v1/orgs', payload: { name: 'Secure Lab' } })).json<{ id: string }>().id;
  await addMember(owner, org, member, 'maintainer');
  memberToken = (await createPat(t, member, { scopes: ['api', 'quantum_tokens'] })).token;
});
afterAll(async () => {
  await t.close();
});

const code = (res: LightMyRequestResponse) => res.json<{ error?: { code: string; message: string } }>().error;
const require2fa = (as: Browser, on: boolean) => as.request({ method: 'PATCH', url: `/api/v1/orgs/${org}/token-policy`, payload: { require_two_factor: on } });

describe('require_two_factor', () => {
  it('an owner without a second factor cannot turn it on (it would refuse them too)', async () => {
    const res = await require2fa(owner, true);
    expect(res.statusCode).toBe(409);
    expect((await owner.request({ method: 'GET', url: `/api/v1/orgs/${org}/token-policy` })).json<{ require_two_factor: boolean }>().require_two_factor).toBe(false);
  });

  it('a maintainer cannot set it', async () => {
    const res = await require2fa(member, true);
    expect(res.statusCode).toBe(403);
    expect(code(res)?.code).toBe('forbidden');
  });

  describe('once an owner with a second factor turns it on', () => {
    let ownerNow: Browser;
    beforeAll(async () => {
      const { secret } = await enrolTotp(t, owner);
      ownerNow = await signInWithTotp(t, owner.email, secret);
      const res = await require2fa(ownerNow, true);
      expect(res.statusCode, res.body).toBe(200);
    });

    it("refuses a member without one on the organization's routes, by session and by token, naming the rule", async () => {
      const bySession = await member.request({ method: 'GET', url: `/api/v1/orgs/${org}` });
      expect(bySession.statusCode).toBe(403);
      expect(code(bySession)).toMatchObject({ code: 'two_factor_required', message: expect.stringContaining("Organization 'Secure Lab' requires") as unknown });
      const byToken = await t.request({ method: 'GET', url: `/api/v1/orgs/${org}/members`, headers: withToken(memberToken) });
      expect(code(byToken)?.code).toBe('two_factor_required');
      const jobs = await t.request({ method: 'GET', url: '/quantum/jobs', headers: withToken(memberToken, { 'x-organizationid': org }) });
      expect(code(jobs)?.code).toBe('two_factor_required');
      const headerSession = await member.request({ method: 'GET', url: '/quantum/jobs', headers: { 'x-organizationid': org } });
      expect(code(headerSession)?.code).toBe('two_factor_required');
    });

    it('leaves the member their personal account', async () => {
      expect((await member.request({ method: 'GET', url: '/api/v1/user' })).statusCode).toBe(200);
      expect((await t.request({ method: 'GET', url: '/quantum/jobs', headers: withToken(memberToken) })).statusCode).toBe(200);
    });

    it('a non-member still gets 404, learning nothing about the organization', async () => {
      expect((await outsider.request({ method: 'GET', url: `/api/v1/orgs/${org}` })).statusCode).toBe(404);
    });

    it('owners see who does not comply; other members may not', async () => {
      const res = await ownerNow.request({ method: 'GET', url: `/api/v1/orgs/${org}/token-policy/compliance?noncompliant=true` });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({
        require_two_factor: true,
        require_sso: false,
        items: [{ user_id: member.userId, name: 'Mia Member', email: member.email, role: 'maintainer', two_factor: false, sso: false, missing: ['require_two_factor'] }],
      });
      const all = await ownerNow.request({ method: 'GET', url: `/api/v1/orgs/${org}/token-policy/compliance` });
      expect(all.json<{ items: unknown[] }>().items).toHaveLength(2);
      // The member is refused by the rule itself before the role table is asked.
      expect((await member.request({ method: 'GET', url: `/api/v1/orgs/${org}/token-policy/compliance` })).statusCode).toBe(403);
    });

    it('admits the member, by session and token, once they add a second factor', async () => {
      await enrolTotp(t, member);
      expect((await member.request({ method: 'GET', url: `/api/v1/orgs/${org}` })).statusCode).toBe(200);
      expect((await t.request({ method: 'GET', url: `/api/v1/orgs/${org}/members`, headers: withToken(memberToken) })).statusCode).toBe(200);
      const res = await ownerNow.request({ method: 'GET', url: `/api/v1/orgs/${org}/token-policy/compliance?noncompliant=true` });
      expect(res.json<{ items: unknown[] }>().items).toEqual([]);
    });

    it('the change is audited', async () => {
      const rows = await t.db.selectFrom('audit_events').select('details').where('account_id', '=', org).where('action', '=', 'organization.token_policy_changed').execute();
      expect(rows.map((r) => (JSON.parse(r.details) as { new: { require_two_factor: boolean } }).new.require_two_factor)).toContain(true);
    });
  });
});

describe('require_sso', () => {
  it('cannot be turned on where no single sign-on provider is configured', async () => {
    const res = await owner.request({ method: 'PATCH', url: `/api/v1/orgs/${org}/token-policy`, payload: { require_sso: true } });
    expect(res.statusCode).toBe(409);
    expect((await t.db.selectFrom('organization_token_policies').select('require_sso').where('organization_id', '=', org).executeTakeFirst())?.require_sso ?? 0).toBe(0);
  });
});
