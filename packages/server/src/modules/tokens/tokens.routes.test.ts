import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPat, createTestApp, signUp, withToken } from '../../test/harness';
import type { TestApp } from '../../test/harness';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => {
  await t.close();
});

const inDays = (days: number) => new Date(t.clock.now().getTime() + days * 86_400_000).toISOString();

describe('creating a personal access token', () => {
  it('answers 201 with the secret once, in the qdp_ format, and stores only its digest', async () => {
    const ada = await signUp(t);
    const res = await ada.request({ method: 'POST', url: '/api/v1/user/tokens', payload: { name: 'laptop', scopes: ['api', 'quantum_tokens'], expires_at: inDays(30) } });
    expect(res.statusCode).toBe(201);
    const body = res.json<{ token: string; id: string; hint: string; state: string; scopes: string[] }>();
    expect(body.token).toMatch(/^qdp_[0-9A-Za-z]{36}$/);
    expect(body).toMatchObject({ state: 'active', scopes: ['api', 'quantum_tokens'], hint: `qdp_${body.token.slice(-4)}` });
    const list = await ada.request({ method: 'GET', url: '/api/v1/user/tokens' });
    expect(list.body).not.toContain(body.token);
    const one = await ada.request({ method: 'GET', url: `/api/v1/user/tokens/${body.id}` });
    expect(one.json()).not.toHaveProperty('token');
    const row = await t.db.selectFrom('personal_access_tokens').selectAll().executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(body.token.slice(4, 34));
  });

  it('accepts a date as expiry (00:00 UTC that day)', async () => {
    const ada = await signUp(t);
    const res = await ada.request({ method: 'POST', url: '/api/v1/user/tokens', payload: { name: 'ci', scopes: ['read_api'], expires_at: '2027-01-15' } });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ expires_at: '2027-01-15T00:00:00.000Z' });
  });

  it.each([
    ['a missing expiry', { name: 'x', scopes: ['api'] }, 'expires_at'],
    ['an expiry in the past', { name: 'x', scopes: ['api'], expires_at: '2020-01-01' }, 'expires_at'],
    ['an expiry more than 365 days ahead', { name: 'x', scopes: ['api'], expires_at: '2028-06-01' }, 'expires_at'],
    ['an expiry that is not a date', { name: 'x', scopes: ['api'], expires_at: 'next week' }, 'expires_at'],
    ['no scopes', { name: 'x', scopes: [], expires_at: '2027-01-01' }, 'scopes'],
    ['an unknown scope', { name: 'x', scopes: ['admin'], expires_at: '2027-01-01' }, 'scopes.0'],
    ['a repeated scope', { name: 'x', scopes: ['api', 'api'], expires_at: '2027-01-01' }, 'scopes'],
    ['a missing name', { scopes: ['api'], expires_at: '2027-01-01' }, 'name'],
    ['an over-long name', { name: 'n'.repeat(101), scopes: ['api'], expires_at: '2027-01-01' }, 'name'],
    ['an unknown field', { name: 'x', scopes: ['api'], expires_at: '2027-01-01', owner: 'org' }, 'owner'],
  ])('refuses %s with 400 naming the field, and creates nothing', async (_label, payload, field) => {
    const ada = await signUp(t);
    const res = await ada.request({ method: 'POST', url: '/api/v1/user/tokens', payload });
    expect(res.statusCode).toBe(400);
    expect(res.json<{ error: { details: Array<{ field: string }> } }>().error.details.map((d) => d.field)).toContain(field);
    expect(await t.db.selectFrom('personal_access_tokens').selectAll().execute()).toHaveLength(0);
  });

  it('keeps names unique among active tokens, and frees a name once its token is revoked', async () => {
    const ada = await signUp(t);
    const first = await createPat(t, ada, { name: 'laptop' });
    const dup = await ada.request({ method: 'POST', url: '/api/v1/user/tokens', payload: { name: 'laptop', scopes: ['api'], expires_at: inDays(10) } });
    expect(dup.statusCode).toBe(409);
    await ada.request({ method: 'DELETE', url: `/api/v1/user/tokens/${first.id}` });
    expect((await ada.request({ method: 'POST', url: '/api/v1/user/tokens', payload: { name: 'laptop', scopes: ['api'], expires_at: inDays(10) } })).statusCode).toBe(201);
  });

  it('lets a token grant only scopes it holds itself', async () => {
    const ada = await signUp(t);
    const apiOnly = await createPat(t, ada, { scopes: ['api'] });
    const escalate = await t.request({ method: 'POST', url: '/api/v1/user/tokens', headers: withToken(apiOnly.token), payload: { name: 'more', scopes: ['api', 'quantum_tokens'], expires_at: inDays(5) } });
    expect(escalate.statusCode).toBe(403);
    expect(escalate.json()).toMatchObject({ error: { code: 'insufficient_scope' } });
    const narrower = await t.request({ method: 'POST', url: '/api/v1/user/tokens', headers: withToken(apiOnly.token), payload: { name: 'reader', scopes: ['read_api'], expires_at: inDays(5) } });
    expect(narrower.statusCode).toBe(201);
  });
});

describe('authenticating with a personal access token', () => {
  it('accepts Authorization: Bearer and PlanQK X-Auth-Token alike', async () => {
    const ada = await signUp(t);
    const { token } = await createPat(t, ada, { scopes: ['read_api'] });
    expect((await t.request({ method: 'GET', url: '/api/v1/user', headers: { authorization: `Bearer ${token}` } })).json()).toMatchObject({ id: ada.userId });
    expect((await t.request({ method: 'GET', url: '/api/v1/user', headers: { 'x-auth-token': token } })).json()).toMatchObject({ id: ada.userId });
  });

  it('needs no CSRF header for writes', async () => {
    const ada = await signUp(t);
    const { token } = await createPat(t, ada);
    expect((await t.request({ method: 'POST', url: '/api/v1/orgs', headers: withToken(token), payload: { name: 'Lab' } })).statusCode).toBe(201);
  });

  it.each([
    ['malformed', 'qdp_short'],
    ['checksum-invalid', `qdp_${'a'.repeat(36)}`],
  ])('refuses a %s token with 401 invalid_token', async (_label, token) => {
    const res = await t.request({ method: 'GET', url: '/api/v1/user', headers: withToken(token) });
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
  });

  it('refuses an expired token with 401 and says so', async () => {
    const ada = await signUp(t);
    const { token } = await createPat(t, ada, { expiresInDays: 1 });
    expect((await t.request({ method: 'GET', url: '/api/v1/user', headers: withToken(token) })).statusCode).toBe(200);
    t.clock.advance(2 * 86_400_000);
    const res = await t.request({ method: 'GET', url: '/api/v1/user', headers: withToken(token) });
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toContain('invalid_token');
    expect(res.json<{ error: { message: string } }>().error.message).toContain('expired');
  });

  it('refuses a token without the needed scope with 403 naming the scopes that would do', async () => {
    const ada = await signUp(t);
    const quantum = await createPat(t, ada, { scopes: ['quantum_tokens'] });
    const res = await t.request({ method: 'GET', url: '/api/v1/user', headers: withToken(quantum.token) });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ error: { code: 'insufficient_scope' } });
    expect(res.json<{ error: { message: string } }>().error.message).toContain("'read_api' or 'api'");
    expect(res.headers['www-authenticate']).toContain('insufficient_scope');
    const reader = await createPat(t, ada, { scopes: ['read_api'] });
    expect((await t.request({ method: 'POST', url: '/api/v1/orgs', headers: withToken(reader.token), payload: { name: 'x' } })).statusCode).toBe(403);
  });

  it('acts for an organization the user is a member of, and refuses one they are not (403)', async () => {
    const ada = await signUp(t);
    const eve = await signUp(t, 'Eve');
    const org = (await ada.request({ method: 'POST', url: '/api/v1/orgs', payload: { name: 'Lab' } })).json<{ id: string }>().id;
    const mine = await createPat(t, ada, { scopes: ['read_api'] });
    const hers = await createPat(t, eve, { scopes: ['read_api'] });
    expect((await t.request({ method: 'GET', url: '/api/v1/user', headers: withToken(mine.token, { 'x-organizationid': org }) })).statusCode).toBe(200);
    const refused = await t.request({ method: 'GET', url: '/api/v1/user', headers: withToken(hers.token, { 'x-organizationid': org }) });
    expect(refused.statusCode).toBe(403);
  });

  it('answers PlanQK POST /authorize with the user, and 401 for a bad token', async () => {
    const ada = await signUp(t, 'Ada Lovelace');
    const { token } = await createPat(t, ada, { scopes: ['api'] });
    const ok = await t.request({ method: 'POST', url: '/authorize', headers: { 'x-auth-token': token } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ user: { id: ada.userId, username: ada.email, firstName: 'Ada', lastName: 'Lovelace', email: ada.email }, roles: ['USER'] });
    expect((await t.request({ method: 'POST', url: '/authorize', headers: { 'x-auth-token': `qdp_${'x'.repeat(36)}` } })).statusCode).toBe(401);
  });
});

describe('listing, revoking and rotating', () => {
  it('lists tokens with state, hint, last use and the expires_soon flag, filtered by state', async () => {
    const ada = await signUp(t);
    const soon = await createPat(t, ada, { name: 'soon', expiresInDays: 5 });
    await createPat(t, ada, { name: 'later', expiresInDays: 60 });
    const gone = await createPat(t, ada, { name: 'gone' });
    await ada.request({ method: 'DELETE', url: `/api/v1/user/tokens/${gone.id}` });
    await t.request({ method: 'GET', url: '/api/v1/user', headers: withToken(soon.token), remoteAddress: '203.0.113.9' });
    await t.app.tokenVerifier.flush();
    const all = (await ada.request({ method: 'GET', url: '/api/v1/user/tokens' })).json<{ items: Array<Record<string, unknown>> }>().items;
    const byName: Record<string, Record<string, unknown> | undefined> = Object.fromEntries(all.map((x) => [String(x.name), x]));
    expect(byName.soon).toMatchObject({ state: 'active', expires_soon: true, last_used_ip: '203.0.113.9' });
    expect(byName.soon?.last_used_at).toBe(t.clock.now().toISOString());
    expect(byName.later).toMatchObject({ state: 'active', expires_soon: false, last_used_at: null });
    expect(byName.gone).toMatchObject({ state: 'revoked' });
    const active = (await ada.request({ method: 'GET', url: '/api/v1/user/tokens?state=active' })).json<{ items: Array<{ name: string }> }>().items;
    expect(active.map((x) => x.name).sort()).toEqual(['later', 'soon']);
    expect((await ada.request({ method: 'GET', url: '/api/v1/user/tokens?state=bogus' })).statusCode).toBe(400);
  });

  it('describes the token used for the request at /self, and answers 404 for a session', async () => {
    const ada = await signUp(t);
    const pat = await createPat(t, ada, { name: 'cli', scopes: ['quantum_tokens'] });
    const self = await t.request({ method: 'GET', url: '/api/v1/user/tokens/self', headers: withToken(pat.token) });
    expect(self.statusCode).toBe(200);
    expect(self.json()).toMatchObject({ id: pat.id, name: 'cli', scopes: ['quantum_tokens'] });
    expect((await ada.request({ method: 'GET', url: '/api/v1/user/tokens/self' })).statusCode).toBe(404);
  });

  it('revokes a token (204), after which it is refused at once', async () => {
    const ada = await signUp(t);
    const pat = await createPat(t, ada);
    expect((await t.request({ method: 'GET', url: '/api/v1/user', headers: withToken(pat.token) })).statusCode).toBe(200);
    expect((await ada.request({ method: 'DELETE', url: `/api/v1/user/tokens/${pat.id}` })).statusCode).toBe(204);
    const res = await t.request({ method: 'GET', url: '/api/v1/user', headers: withToken(pat.token) });
    expect(res.statusCode).toBe(401);
    expect(res.json<{ error: { message: string } }>().error.message).toContain('revoked');
  });

  it("answers 404 for another user's token: it can be neither seen, revoked nor rotated", async () => {
    const ada = await signUp(t);
    const eve = await signUp(t, 'Eve');
    const pat = await createPat(t, ada);
    expect((await eve.request({ method: 'GET', url: `/api/v1/user/tokens/${pat.id}` })).statusCode).toBe(404);
    expect((await eve.request({ method: 'DELETE', url: `/api/v1/user/tokens/${pat.id}` })).statusCode).toBe(404);
    expect((await eve.request({ method: 'POST', url: `/api/v1/user/tokens/${pat.id}/rotate`, payload: {} })).statusCode).toBe(404);
    expect((await t.request({ method: 'GET', url: '/api/v1/user', headers: withToken(pat.token) })).statusCode).toBe(200);
  });

  it('rotates: the old token stops working, the new one works with the same scopes', async () => {
    const ada = await signUp(t);
    const old = await createPat(t, ada, { name: 'ci', scopes: ['read_api', 'quantum_tokens'] });
    await t.request({ method: 'GET', url: '/api/v1/user', headers: withToken(old.token) });
    const res = await ada.request({ method: 'POST', url: `/api/v1/user/tokens/${old.id}/rotate`, payload: { expires_at: inDays(90) } });
    expect(res.statusCode).toBe(200);
    const fresh = res.json<{ id: string; token: string; name: string; scopes: string[] }>();
    expect(fresh).toMatchObject({ name: 'ci', scopes: ['quantum_tokens', 'read_api'].sort() });
    expect(fresh.token).not.toBe(old.token);
    expect((await t.request({ method: 'GET', url: '/api/v1/user', headers: withToken(old.token) })).statusCode).toBe(401);
    expect((await t.request({ method: 'GET', url: '/api/v1/user', headers: withToken(fresh.token) })).statusCode).toBe(200);
  });

  it('revokes the whole family when an already-rotated token is rotated again (reuse detection)', async () => {
    const ada = await signUp(t);
    const first = await createPat(t, ada);
    const second = (await ada.request({ method: 'POST', url: `/api/v1/user/tokens/${first.id}/rotate` })).json<{ id: string; token: string }>();
    const third = (await ada.request({ method: 'POST', url: `/api/v1/user/tokens/${second.id}/rotate` })).json<{ id: string; token: string }>();
    expect((await t.request({ method: 'GET', url: '/api/v1/user', headers: withToken(third.token) })).statusCode).toBe(200);
    const reuse = await ada.request({ method: 'POST', url: `/api/v1/user/tokens/${first.id}/rotate` });
    expect(reuse.statusCode).toBe(409);
    expect((await t.request({ method: 'GET', url: '/api/v1/user', headers: withToken(third.token) })).statusCode).toBe(401);
    const events = (await ada.request({ method: 'GET', url: '/api/v1/user/audit-events' })).json<{ items: Array<{ action: string }> }>().items;
    expect(events[0]?.action).toBe('personal_access_token.family_revoked');
  });

  it('of two rotations of one token at the same moment, one wins, the other gets 409, and nothing else is revoked', async () => {
    const ada = await signUp(t);
    for (let round = 0; round < 4; round++) {
      const pat = await createPat(t, ada);
      const answers = await Promise.all([1, 2].map(() => ada.request({ method: 'POST', url: `/api/v1/user/tokens/${pat.id}/rotate` })));
      expect(answers.map((r) => r.statusCode).sort()).toEqual([200, 409]);
      const winner = answers.find((r) => r.statusCode === 200)?.json<{ id: string; token: string }>();
      expect((await t.request({ method: 'GET', url: '/api/v1/user', headers: withToken(winner?.token ?? '') })).statusCode).toBe(200);
      const row = await t.db.selectFrom('personal_access_tokens').select(['revoked_at']).where('id', '=', winner?.id ?? '').executeTakeFirstOrThrow();
      expect(row.revoked_at).toBeNull();
    }
  });

  it('a double click a second later still gets 409 without revoking the new token', async () => {
    const ada = await signUp(t);
    const pat = await createPat(t, ada);
    const first = await ada.request({ method: 'POST', url: `/api/v1/user/tokens/${pat.id}/rotate` });
    expect(first.statusCode).toBe(200);
    t.clock.advance(1000);
    const second = await ada.request({ method: 'POST', url: `/api/v1/user/tokens/${pat.id}/rotate` });
    expect(second.statusCode).toBe(409);
    expect((await t.request({ method: 'GET', url: '/api/v1/user', headers: withToken(first.json<{ token: string }>().token) })).statusCode).toBe(200);
  });

  it('still revokes the family when a rotated token is presented again later', async () => {
    const ada = await signUp(t);
    const pat = await createPat(t, ada);
    const fresh = (await ada.request({ method: 'POST', url: `/api/v1/user/tokens/${pat.id}/rotate` })).json<{ token: string }>();
    t.clock.advance(60_000);
    const reuse = await ada.request({ method: 'POST', url: `/api/v1/user/tokens/${pat.id}/rotate` });
    expect(reuse.statusCode).toBe(409);
    expect(reuse.json<{ error: { message: string } }>().error.message).toMatch(/every token of its rotation chain is now revoked/);
    expect((await t.request({ method: 'GET', url: '/api/v1/user', headers: withToken(fresh.token) })).statusCode).toBe(401);
  });

  it('refuses to rotate a revoked or expired token', async () => {
    const ada = await signUp(t);
    const revoked = await createPat(t, ada);
    await ada.request({ method: 'DELETE', url: `/api/v1/user/tokens/${revoked.id}` });
    expect((await ada.request({ method: 'POST', url: `/api/v1/user/tokens/${revoked.id}/rotate` })).statusCode).toBe(409);
    const expiring = await createPat(t, ada, { expiresInDays: 1 });
    t.clock.advance(2 * 86_400_000);
    // Two days on, rotating needs a recent sign-in first (step-up), then finds the token expired.
    expect((await ada.request({ method: 'POST', url: `/api/v1/user/tokens/${expiring.id}/rotate` })).json<{ error: { code: string } }>().error.code).toBe('reauthentication_required');
    expect((await ada.request({ method: 'POST', url: '/api/v1/auth/reauthenticate', payload: { password: 'correct horse battery staple' } })).statusCode).toBe(200);
    expect((await ada.request({ method: 'POST', url: `/api/v1/user/tokens/${expiring.id}/rotate` })).statusCode).toBe(409);
  });
});

describe('leaked-token revocation', () => {
  it('revokes every valid token presented, without authentication, answering only the count', async () => {
    const ada = await signUp(t);
    const bob = await signUp(t, 'Bob');
    const a = await createPat(t, ada);
    const b = await createPat(t, bob);
    const res = await t.request({ method: 'POST', url: '/api/v1/tokens/revoke', payload: { tokens: [a.token, b.token, b.token, 'qdp_nonsense', `qdp_${'A'.repeat(36)}`] } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ revoked: 2 });
    expect((await t.request({ method: 'GET', url: '/api/v1/user', headers: withToken(a.token) })).statusCode).toBe(401);
    const again = await t.request({ method: 'POST', url: '/api/v1/tokens/revoke', payload: { tokens: [a.token] } });
    expect(again.json()).toEqual({ revoked: 0 });
    const events = (await ada.request({ method: 'GET', url: '/api/v1/user/audit-events' })).json<{ items: Array<{ action: string; actor: { user_id: string | null } }> }>().items;
    expect(events[0]).toMatchObject({ action: 'personal_access_token.revoked_as_leaked', actor: { user_id: null } });
  });

  it('refuses an empty list and an oversized one', async () => {
    expect((await t.request({ method: 'POST', url: '/api/v1/tokens/revoke', payload: { tokens: [] } })).statusCode).toBe(400);
    expect((await t.request({ method: 'POST', url: '/api/v1/tokens/revoke', payload: { tokens: Array.from({ length: 1001 }, () => 'x') } })).statusCode).toBe(400);
  });
});

describe('audit and secrecy', () => {
  it('records created, rotated and revoked events with actor, IP and token name, never the secret', async () => {
    const ada = await signUp(t);
    const pat = await createPat(t, ada, { name: 'deploy' });
    const rotated = (await t.request({ method: 'POST', url: `/api/v1/user/tokens/${pat.id}/rotate`, headers: withToken(pat.token), remoteAddress: '198.51.100.7' })).json<{ id: string; token: string }>();
    await ada.request({ method: 'DELETE', url: `/api/v1/user/tokens/${rotated.id}` });
    const res = await ada.request({ method: 'GET', url: '/api/v1/user/audit-events?action=personal_access_token.' });
    const items = res.json<{ items: Array<{ action: string; target: { name: string }; actor: { ip: string; token_id: string | null } }> }>().items;
    expect(items.map((e) => e.action)).toEqual(['personal_access_token.revoked', 'personal_access_token.rotated', 'personal_access_token.created']);
    expect(items[1]).toMatchObject({ target: { name: 'deploy' }, actor: { ip: '198.51.100.7', token_id: pat.id } });
    expect(res.body).not.toContain(pat.token);
    expect(res.body).not.toContain(rotated.token);
  });

  it('leaves no token secret in the database or in any log line', async () => {
    const ada = await signUp(t);
    const secrets: string[] = [];
    for (let i = 0; i < 3; i++) {
      const pat = await createPat(t, ada, { scopes: ['api', 'quantum_tokens'] });
      secrets.push(pat.token);
      await t.request({ method: 'GET', url: '/api/v1/user', headers: withToken(pat.token) });
      await t.request({ method: 'GET', url: '/api/v1/user', headers: { 'x-auth-token': pat.token } });
    }
    const rotated = (await t.request({ method: 'POST', url: `/api/v1/user/tokens/${(await createPat(t, ada)).id}/rotate`, headers: withToken(secrets[0] ?? '') })).json<{ token: string }>();
    secrets.push(rotated.token);
    await t.request({ method: 'POST', url: '/api/v1/tokens/revoke', payload: { tokens: [secrets[1]] } });
    await t.request({ method: 'GET', url: `/api/v1/user?token=${secrets[2]}`, headers: withToken(secrets[2] ?? '') });
    await t.app.tokenVerifier.flush();

    const stored: string[] = [];
    if (t.database.sqliteFile) {
      // The WAL holds recent writes before checkpoint: read both.
      for (const f of [t.database.sqliteFile, `${t.database.sqliteFile}-wal`]) {
        try {
          stored.push(readFileSync(f).toString('latin1'));
        } catch {
          // no WAL file after a checkpoint
        }
      }
    }
    for (const table of ['users', 'sessions', 'personal_access_tokens', 'audit_events'] as const) {
      stored.push(JSON.stringify(await t.db.selectFrom(table).selectAll().execute()));
    }
    const logs = t.logLines.join('\n');
    for (const secret of secrets) {
      const random = secret.slice(4, 34);
      for (const text of stored) expect(text).not.toContain(random);
      expect(logs).not.toContain(random);
    }
  });
});
