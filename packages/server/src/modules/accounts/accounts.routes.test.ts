import { createPasswordHasher } from '@qonduit/core';
import type { PasswordHasher } from '@qonduit/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTestApp, signUp } from '../../test/harness';
import type { TestApp } from '../../test/harness';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => {
  vi.useRealTimers();
  await t.close();
});

/** A hasher that counts how many passwords it was asked to check. */
function countingHasher(): PasswordHasher & { verified: number; hashed: number } {
  const inner = createPasswordHasher({ log2Cost: 10 });
  const counting = {
    verified: 0,
    hashed: 0,
    async hash(password: string) {
      counting.hashed++;
      return inner.hash(password);
    },
    async verify(password: string, stored: string) {
      counting.verified++;
      return inner.verify(password, stored);
    },
  };
  return counting;
}

const login = (email: string, pw: string, remoteAddress = '127.0.0.1') =>
  t.request({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password: pw }, remoteAddress });

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

  it('limits failed log-ins per account from one address, even with the right password afterwards, until the window passes', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    await signUp(t, 'Ada', 'ada@example.com');
    for (let i = 0; i < 10; i++) {
      const r = await login('ada@example.com', 'wrong password!');
      expect(r.statusCode).toBe(401);
    }
    const limited = await login('ada@example.com', password);
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(15 * 60);
    expect(limited.json()).toEqual({ error: { code: 'rate_limited', message: expect.stringMatching(/try again/) as unknown, request_id: expect.any(String) as unknown } });
    vi.setSystemTime(Date.now() + 16 * 60_000);
    t.clock.advance(16 * 60_000);
    const after = await login('ada@example.com', password);
    expect(after.statusCode).toBe(200);
  });

  it('counts each attempt before the password check: of 50 parallel wrong guesses at most 10 are checked, the rest answer 429', async () => {
    await t.close();
    const hasher = countingHasher();
    t = await createTestApp({ passwords: hasher });
    await signUp(t, 'Ada', 'ada@example.com');
    const checkedBefore = hasher.verified;
    const answers = await Promise.all(Array.from({ length: 50 }, () => login('ada@example.com', 'wrong password!')));
    const statuses = answers.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(10);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(40);
    expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
    // One decoy hash may be made for unknown emails; no more than 10 passwords were compared.
    expect(hasher.verified - checkedBefore).toBeLessThanOrEqual(10);
  });

  it("does not lock the owner out when a stranger fails from another address (the per-address count is the stranger's)", async () => {
    await signUp(t, 'Ada', 'ada@example.com');
    for (let i = 0; i < 10; i++) expect((await login('ada@example.com', 'wrong password!', '203.0.113.9')).statusCode).toBe(401);
    expect((await login('ada@example.com', password, '203.0.113.9')).statusCode).toBe(429);
    expect((await login('ada@example.com', password, '198.51.100.20')).statusCode).toBe(200);
  });

  it("a successful log-in forgets the owner's earlier failures from that address", async () => {
    await signUp(t, 'Ada', 'ada@example.com');
    for (let i = 0; i < 9; i++) expect((await login('ada@example.com', 'wrong password!')).statusCode).toBe(401);
    expect((await login('ada@example.com', password)).statusCode).toBe(200);
    for (let i = 0; i < 9; i++) expect((await login('ada@example.com', 'wrong password!')).statusCode).toBe(401);
    expect((await login('ada@example.com', password)).statusCode).toBe(200);
  });

  it('caps guesses at one account spread over many addresses with the looser account-wide limit', async () => {
    await t.close();
    t = await createTestApp({}, { QONDUIT_RATE_LIMIT_LOGIN_ACCOUNT: '5/900' });
    await signUp(t, 'Ada', 'ada@example.com');
    for (let i = 0; i < 5; i++) expect((await login('ada@example.com', 'wrong password!', `203.0.113.${i + 1}`)).statusCode).toBe(401);
    expect((await login('ada@example.com', 'wrong password!', '203.0.113.99')).statusCode).toBe(429);
    // Another account is untouched.
    expect((await login('bob@example.com', 'wrong password!', '203.0.113.99')).statusCode).toBe(401);
  });

  it('limits failed log-ins per IP across accounts', async () => {
    for (let i = 0; i < 50; i++) {
      await t.request({ method: 'POST', url: '/api/v1/auth/login', payload: { email: `n${i}@example.com`, password: 'wrong password!' } });
    }
    const res = await t.request({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'other@example.com', password } });
    expect(res.statusCode).toBe(429);
  });

  it('limits sign-ups per address (20 an hour) before any password is hashed', async () => {
    await t.close();
    const hasher = countingHasher();
    t = await createTestApp({ passwords: hasher });
    const signup = (i: number) =>
      t.request({ method: 'POST', url: '/api/v1/auth/signup', payload: { email: `s${i}@example.com`, password, name: 'S' }, remoteAddress: '203.0.113.7' });
    for (let i = 0; i < 20; i++) expect((await signup(i)).statusCode).toBe(201);
    const hashed = hasher.hashed;
    const refused = await signup(20);
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.json()).toMatchObject({ error: { code: 'rate_limited' } });
    expect(hasher.hashed).toBe(hashed);
    expect(await t.db.selectFrom('users').select('id').execute()).toHaveLength(20);
    // Another address still signs up.
    expect((await t.request({ method: 'POST', url: '/api/v1/auth/signup', payload: { email: 'other@example.com', password, name: 'O' }, remoteAddress: '198.51.100.1' })).statusCode).toBe(201);
  });

  it('sweeps expired sessions periodically', async () => {
    await t.close();
    t = await createTestApp({}, { QONDUIT_SWEEP_INTERVAL_MS: '1000' });
    await signUp(t);
    await signUp(t);
    expect(await t.db.selectFrom('sessions').select('user_id').execute()).toHaveLength(2);
    t.clock.advance(15 * 24 * 3_600_000);
    for (let i = 0; i < 40; i++) {
      if ((await t.db.selectFrom('sessions').select('user_id').execute()).length === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await t.db.selectFrom('sessions').select('user_id').execute()).toHaveLength(0);
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
