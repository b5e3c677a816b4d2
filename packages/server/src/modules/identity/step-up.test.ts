import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, createPat, createTestApp, signUp, withToken } from '../../test/harness';
import type { Browser, TestApp } from '../../test/harness';
import { PASSWORD, codeNow, enrolTotp } from './test/two-factor.harness';

const IONQ_KEY = 'IonQkey0123456789abcdefghijklmno';
const STALE_MS = 10 * 60_000 + 1_000;

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ startWorker: false }, { QONDUIT_RATE_LIMIT_TOKEN_CREATE: 'off', QONDUIT_RATE_LIMIT_MEMBER_ADD: 'off' });
});
afterAll(async () => {
  await t.close();
});

const errorCode = (res: LightMyRequestResponse) => res.json<{ error?: { code: string } }>().error?.code;

interface World {
  owner: Browser;
  org: string;
  member: Browser;
  tokenId: string;
}

async function world(): Promise<World> {
  const owner = await signUp(t, 'Olga Owner');
  const member = await signUp(t, 'Mia Member');
  const created = await owner.request({ method: 'POST', url: '/api/v1/orgs', payload: { name: `Lab ${Date.now()}` } });
  const org = created.json<{ id: string }>().id;
  await addMember(owner, org, member, 'viewer');
  const { id } = await createPat(t, owner);
  return { owner, org, member, tokenId: id };
}

// Each action that hands out or spends credentials, as the web UI sends it, and its success status.
const ACTIONS: Array<{ name: string; expected: number; send(w: World, as: Browser): Promise<LightMyRequestResponse> }> = [
  {
    name: 'creating a personal access token',
    expected: 201,
    send: (w, as) => as.request({ method: 'POST', url: '/api/v1/user/tokens', payload: { name: `t ${Math.random()}`, scopes: ['api'], expires_at: new Date(t.clock.now().getTime() + 86_400_000).toISOString() } }),
  },
  { name: 'rotating a personal access token', expected: 200, send: (w, as) => as.request({ method: 'POST', url: `/api/v1/user/tokens/${w.tokenId}/rotate` }) },
  { name: 'adding a provider token', expected: 201, send: (w, as) => as.request({ method: 'PUT', url: '/api/v1/user/provider-tokens/ionq', payload: { credentials: { api_key: IONQ_KEY } } }) },
  { name: "adding the organization's provider token", expected: 201, send: (w, as) => as.request({ method: 'PUT', url: `/api/v1/orgs/${w.org}/provider-tokens/ionq`, payload: { credentials: { api_key: IONQ_KEY } } }) },
  { name: 'setting a notice webhook', expected: 200, send: (w, as) => as.request({ method: 'PUT', url: '/api/v1/user/notice-webhook', payload: { url: 'https://hooks.example.com/qonduit' } }) },
  { name: "changing a member's role", expected: 200, send: (w, as) => as.request({ method: 'PATCH', url: `/api/v1/orgs/${w.org}/members/${w.member.userId}`, payload: { role: 'maintainer' } }) },
  { name: 'deleting the organization', expected: 204, send: (w, as) => as.request({ method: 'DELETE', url: `/api/v1/orgs/${w.org}` }) },
];

describe('step-up: a session older than QONDUIT_STEP_UP_MINUTES must confirm who its holder is', () => {
  for (const action of ACTIONS) {
    it(`${action.name}: refused with 403 reauthentication_required, then done after the password`, async () => {
      const w = await world();
      t.clock.advance(STALE_MS);
      const refused = await action.send(w, w.owner);
      expect(refused.statusCode, refused.body).toBe(403);
      expect(errorCode(refused)).toBe('reauthentication_required');
      const again = await w.owner.request({ method: 'POST', url: '/api/v1/auth/reauthenticate', payload: { password: PASSWORD } });
      expect(again.statusCode, again.body).toBe(200);
      const done = await action.send(w, w.owner);
      expect(done.statusCode, done.body).toBe(action.expected);
    });
  }

  it('removing a second factor: refused when stale, done after an authenticator code', async () => {
    const ada = await signUp(t);
    const { factorId, secret } = await enrolTotp(t, ada);
    t.clock.advance(STALE_MS);
    const refused = await ada.request({ method: 'DELETE', url: `/api/v1/user/two-factor/factors/${factorId}` });
    expect(errorCode(refused)).toBe('reauthentication_required');
    expect(await t.db.selectFrom('second_factors').select('id').where('id', '=', factorId).execute()).toHaveLength(1);
    const again = await ada.request({ method: 'POST', url: '/api/v1/auth/reauthenticate', payload: { code: codeNow(t, secret) } });
    expect(again.statusCode, again.body).toBe(200);
    expect((await ada.request({ method: 'DELETE', url: `/api/v1/user/two-factor/factors/${factorId}` })).statusCode).toBe(204);
  });

  it('a fresh session is not asked, and a personal access token is never asked', async () => {
    const w = await world();
    const fresh = await ACTIONS[0]?.send(w, w.owner);
    expect(fresh?.statusCode).toBe(201);
    const pat = await createPat(t, w.owner, { scopes: ['api'] });
    t.clock.advance(24 * 3_600_000);
    const byToken = await t.request({ method: 'PUT', url: '/api/v1/user/provider-tokens/ionq', headers: withToken(pat.token), payload: { credentials: { api_key: IONQ_KEY } } });
    expect(byToken.statusCode, byToken.body).toBe(201);
  });

  it('a wrong password or code does not renew the session, and is refused', async () => {
    const ada = await signUp(t);
    t.clock.advance(STALE_MS);
    const wrong = await ada.request({ method: 'POST', url: '/api/v1/auth/reauthenticate', payload: { password: 'not the password' } });
    expect(wrong.statusCode).toBe(401);
    const code = await ada.request({ method: 'POST', url: '/api/v1/auth/reauthenticate', payload: { code: '123456' } });
    expect(code.statusCode).toBe(401);
    const both = await ada.request({ method: 'POST', url: '/api/v1/auth/reauthenticate', payload: { password: PASSWORD, code: '123456' } });
    expect(both.statusCode).toBe(400);
    const still = await ada.request({ method: 'POST', url: '/api/v1/user/tokens', payload: { name: 'x', scopes: ['api'], expires_at: new Date(t.clock.now().getTime() + 86_400_000).toISOString() } });
    expect(errorCode(still)).toBe('reauthentication_required');
    const audit = await t.db.selectFrom('audit_events').select('action').where('account_id', '=', ada.userId).where('action', '=', 'user.reauthenticated').execute();
    expect(audit).toHaveLength(0);
  });

  it('a personal access token cannot re-authenticate', async () => {
    const ada = await signUp(t);
    const pat = await createPat(t, ada);
    const res = await t.request({ method: 'POST', url: '/api/v1/auth/reauthenticate', headers: withToken(pat.token), payload: { password: PASSWORD } });
    expect(res.statusCode).toBe(403);
  });

  it('QONDUIT_STEP_UP_MINUTES sets the window', async () => {
    const wide = await createTestApp({ startWorker: false }, { QONDUIT_STEP_UP_MINUTES: '60' });
    try {
      const ada = await signUp(wide);
      wide.clock.advance(30 * 60_000);
      const res = await ada.request({ method: 'POST', url: '/api/v1/user/tokens', payload: { name: 'x', scopes: ['api'], expires_at: new Date(wide.clock.now().getTime() + 86_400_000).toISOString() } });
      expect(res.statusCode).toBe(201);
      wide.clock.advance(31 * 60_000);
      const late = await ada.request({ method: 'POST', url: '/api/v1/user/tokens', payload: { name: 'y', scopes: ['api'], expires_at: new Date(wide.clock.now().getTime() + 86_400_000).toISOString() } });
      expect(late.json<{ error: { code: string } }>().error.code).toBe('reauthentication_required');
    } finally {
      await wide.close();
    }
  });
});
