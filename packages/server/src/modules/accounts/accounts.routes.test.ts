import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, signUp } from '../../test/harness';
import type { TestApp } from '../../test/harness';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => {
  await t.close();
});

const password = 'correct horse battery staple';

describe('sign-up', () => {
  it('creates the account, signs in with an HttpOnly SameSite=Lax cookie and a readable CSRF cookie', async () => {
    const res = await t.request({ method: 'POST', url: '/api/v1/auth/signup', payload: { email: 'Ada@Example.com', password, name: 'Ada' } });
    expect(res.statusCode).toBe(201);
    const body = res.json<Record<string, unknown>>();
    expect(Object.keys(body).sort()).toEqual(['created_at', 'email', 'id', 'name']);
    expect(body.email).toBe('ada@example.com');
    const session = res.cookies.find((c) => c.name === 'qonduit_session');
    const csrf = res.cookies.find((c) => c.name === 'qonduit_csrf');
    expect(session?.httpOnly).toBe(true);
    expect(session?.sameSite).toBe('Lax');
    expect(csrf?.httpOnly).toBeFalsy();
  });

  it('refuses a taken email with 409, whatever its case', async () => {
    await signUp(t, 'Ada', 'ada@example.com');
    const res = await t.request({ method: 'POST', url: '/api/v1/auth/signup', payload: { email: 'ADA@example.com', password, name: 'Other' } });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ error: { code: 'email_taken' } });
  });

  it('never stores the password in plain text', async () => {
    await signUp(t, 'Ada', 'ada@example.com');
    const row = await t.db.selectFrom('users').selectAll().executeTakeFirstOrThrow();
    expect(row.password_hash).not.toContain(password);
    expect(row.password_hash).toMatch(/^scrypt\$/);
    expect(t.logLines.join('\n')).not.toContain(password);
  });

  it.each([
    ['a short password', { email: 'a@example.com', password: 'short', name: 'A' }, 'password'],
    ['an invalid email', { email: 'not-an-email', password, name: 'A' }, 'email'],
    ['a missing name', { email: 'a@example.com', password }, 'name'],
    ['an over-long name', { email: 'a@example.com', password, name: 'x'.repeat(101) }, 'name'],
    ['an unknown field', { email: 'a@example.com', password, name: 'A', admin: true }, 'admin'],
    ['a number for a string', { email: 'a@example.com', password, name: 42 }, 'name'],
  ])('refuses %s with 400 naming the field', async (_label, payload, field) => {
    const res = await t.request({ method: 'POST', url: '/api/v1/auth/signup', payload });
    expect(res.statusCode).toBe(400);
    const body = res.json<{ error: { code: string; details: Array<{ field: string }> } }>();
    expect(body.error.code).toBe('validation_failed');
    expect(body.error.details.map((d) => d.field)).toContain(field);
    expect(await t.db.selectFrom('users').selectAll().execute()).toHaveLength(0);
  });

  it('refuses malformed JSON with 400 invalid_json, not 500', async () => {
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/auth/signup',
      headers: { 'content-type': 'application/json' },
      payload: '{"email": "a@example.com", ',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: 'invalid_json' } });
  });
});

describe('log-in and log-out', () => {
  it('signs in with the right password and reaches GET /api/v1/user', async () => {
    await signUp(t, 'Ada', 'ada@example.com');
    const res = await t.request({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'ada@example.com', password } });
    expect(res.statusCode).toBe(200);
    const cookie = res.cookies.find((c) => c.name === 'qonduit_session')?.value ?? '';
    const me = await t.request({ method: 'GET', url: '/api/v1/user', cookies: { qonduit_session: cookie } });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ email: 'ada@example.com', name: 'Ada' });
  });

  it('refuses a wrong password and an unknown email with the same 401', async () => {
    await signUp(t, 'Ada', 'ada@example.com');
    const wrong = await t.request({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'ada@example.com', password: 'wrong password!' } });
    const unknown = await t.request({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'nobody@example.com', password } });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json<{ error: { message: string } }>().error.message).toBe(unknown.json<{ error: { message: string } }>().error.message);
    expect(wrong.cookies).toHaveLength(0);
  });

  it('limits failed log-ins per account, even with the right password afterwards, until the window passes', async () => {
    await signUp(t, 'Ada', 'ada@example.com');
    for (let i = 0; i < 10; i++) {
      const r = await t.request({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'ada@example.com', password: 'wrong password!' } });
      expect(r.statusCode).toBe(401);
    }
    const limited = await t.request({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'ada@example.com', password } });
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    t.clock.advance(16 * 60_000);
    const after = await t.request({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'ada@example.com', password } });
    expect(after.statusCode).toBe(200);
  });

  it('limits failed log-ins per IP across accounts', async () => {
    for (let i = 0; i < 50; i++) {
      await t.request({ method: 'POST', url: '/api/v1/auth/login', payload: { email: `n${i}@example.com`, password: 'wrong password!' } });
    }
    const res = await t.request({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'other@example.com', password } });
    expect(res.statusCode).toBe(429);
  });

  it('ends the session at log-out', async () => {
    const ada = await signUp(t);
    expect((await ada.request({ method: 'POST', url: '/api/v1/auth/logout' })).statusCode).toBe(204);
    expect((await ada.request({ method: 'GET', url: '/api/v1/user' })).statusCode).toBe(401);
  });

  it('ends the session when it expires', async () => {
    const ada = await signUp(t);
    t.clock.advance(15 * 24 * 3_600_000);
    expect((await ada.request({ method: 'GET', url: '/api/v1/user' })).statusCode).toBe(401);
  });
});

describe('cookie sessions and CSRF', () => {
  it('refuses a cookie-authenticated write without the X-CSRF-Token header', async () => {
    const ada = await signUp(t);
    const res = await ada.request({ method: 'POST', url: '/api/v1/orgs', payload: { name: 'Lab' }, headers: { 'x-csrf-token': '' } });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ error: { code: 'csrf_failed' } });
    expect(await t.db.selectFrom('organizations').selectAll().execute()).toHaveLength(0);
  });

  it("refuses another session's CSRF value", async () => {
    const ada = await signUp(t);
    const bob = await signUp(t, 'Bob');
    const bobRes = await t.request({ method: 'POST', url: '/api/v1/auth/login', payload: { email: bob.email, password } });
    const bobCsrf = bobRes.cookies.find((c) => c.name === 'qonduit_csrf')?.value ?? '';
    const res = await ada.request({ method: 'POST', url: '/api/v1/orgs', payload: { name: 'Lab' }, headers: { 'x-csrf-token': bobCsrf } });
    expect(res.statusCode).toBe(403);
  });

  it('needs no CSRF header for reads', async () => {
    const ada = await signUp(t);
    expect((await ada.request({ method: 'GET', url: '/api/v1/user', headers: { 'x-csrf-token': '' } })).statusCode).toBe(200);
  });

  it('answers 401 with no session, a forged session and a malformed token alike', async () => {
    for (const options of [
      {},
      { cookies: { qonduit_session: 'forged' } },
      { headers: { authorization: 'Bearer not-a-token' } },
    ]) {
      const res = await t.request({ method: 'GET', url: '/api/v1/user', ...options });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({ error: { code: 'unauthenticated' } });
    }
  });
});
