import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPat, createTestApp, signUp, withToken } from '../../../test/harness';
import type { Browser, TestApp } from '../../../test/harness';
import { PASSWORD, challengeOf, codeNow, enrolTotp, passwordLogin, sessionCookie, signInWithTotp } from '../test/two-factor.harness';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp({ startWorker: false });
});
afterAll(async () => {
  await t.close();
});

async function sessions(userId: string): Promise<number> {
  const row = await t.db.selectFrom('sessions').select((eb) => eb.fn.countAll<number | string>().as('n')).where('user_id', '=', userId).executeTakeFirst();
  return Number(row?.n ?? 0);
}

describe('enrolling an authenticator app', () => {
  it('a personal access token cannot add a second factor, whatever its scopes', async () => {
    const ada = await signUp(t);
    const pat = await createPat(t, ada, { scopes: ['api', 'quantum_tokens'] });
    const res = await t.request({ method: 'POST', url: '/api/v1/user/two-factor/totp', headers: withToken(pat.token), payload: {} });
    expect(res.statusCode).toBe(403);
    expect(res.json<{ error: { code: string } }>().error.code).toBe('forbidden');
    expect(await t.db.selectFrom('second_factors').select('id').where('user_id', '=', ada.userId).execute()).toHaveLength(0);
  });

  it('a wrong code does not confirm it, and sign-in still asks for no second factor', async () => {
    const ada = await signUp(t);
    const begun = await ada.request({ method: 'POST', url: '/api/v1/user/two-factor/totp', payload: { name: 'Phone' } });
    expect(begun.statusCode).toBe(201);
    const { id, secret } = begun.json<{ id: string; secret: string }>();
    const right = codeNow(t, secret);
    const wrong = String((Number(right) + 1) % 1_000_000).padStart(6, '0');
    const res = await ada.request({ method: 'POST', url: `/api/v1/user/two-factor/totp/${id}/confirm`, payload: { code: wrong } });
    expect(res.statusCode).toBe(400);
    expect((await ada.request({ method: 'GET', url: '/api/v1/user/two-factor' })).json()).toMatchObject({ enabled: false, factors: [], recovery_codes_remaining: 0 });
    const login = await passwordLogin(t, ada.email);
    expect(login.statusCode).toBe(200);
  });

  it('shows the secret once with a QR code; one code confirms it and brings ten recovery codes', async () => {
    const ada = await signUp(t);
    const begun = await ada.request({ method: 'POST', url: '/api/v1/user/two-factor/totp', payload: {} });
    const body = begun.json<{ id: string; secret: string; otpauth_uri: string; qr_code: string }>();
    expect(body.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(body.otpauth_uri).toMatch(/^otpauth:\/\/totp\/.*secret=[A-Z2-7]{32}/);
    expect(body.otpauth_uri).toContain(encodeURIComponent(ada.email));
    expect(body.qr_code).toMatch(/^data:image\/png;base64,/);
    const confirmed = await ada.request({ method: 'POST', url: `/api/v1/user/two-factor/totp/${body.id}/confirm`, payload: { code: codeNow(t, body.secret) } });
    expect(confirmed.statusCode).toBe(200);
    const codes = confirmed.json<{ recovery_codes: string[] }>().recovery_codes;
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const c of codes) expect(c).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);
    const status = (await ada.request({ method: 'GET', url: '/api/v1/user/two-factor' })).json<{ enabled: boolean; factors: Array<{ kind: string; name: string }>; recovery_codes_remaining: number }>();
    expect(status).toMatchObject({ enabled: true, recovery_codes_remaining: 10 });
    expect(status.factors).toEqual([expect.objectContaining({ kind: 'totp', name: 'Authenticator app' })]);
    // Nothing secret is stored or logged in plain text.
    const row = await t.db.selectFrom('second_factors').selectAll().where('id', '=', body.id).executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(body.secret);
    const stored = await t.db.selectFrom('recovery_codes').select('code_digest').where('user_id', '=', ada.userId).execute();
    expect(stored).toHaveLength(10);
    for (const c of codes) expect(JSON.stringify(stored)).not.toContain(c.replace('-', ''));
    expect(t.logLines.join('\n')).not.toContain(body.secret);
    const audit = await t.db.selectFrom('audit_events').select(['action']).where('account_id', '=', ada.userId).execute();
    expect(audit.map((a) => a.action)).toContain('user.second_factor_added');
    t.clock.advance(30_000);
  });
});

describe('signing in with a second factor', () => {
  let ada: Browser;
  let secret: string;
  let recovery: string[];

  beforeAll(async () => {
    ada = await signUp(t);
    ({ secret, recoveryCodes: recovery } = await enrolTotp(t, ada));
  });

  it('the password alone answers 401 second_factor_required with a challenge, and no session', async () => {
    const before = await sessions(ada.userId);
    const res = await passwordLogin(t, ada.email);
    const challenge = challengeOf(res);
    expect(challenge.methods).toEqual(['totp', 'recovery_code']);
    expect(Date.parse(challenge.expires_at) - t.clock.now().getTime()).toBe(5 * 60_000);
    expect(sessionCookie(res)).toBeUndefined();
    expect(await sessions(ada.userId)).toBe(before);
  });

  it('a wrong password still answers the plain 401, with no challenge', async () => {
    const res = await passwordLogin(t, ada.email, 'not the password');
    expect(res.statusCode).toBe(401);
    expect(res.json<{ error: { code: string; challenge?: unknown } }>().error).toMatchObject({ code: 'unauthenticated' });
    expect(res.json<{ error: { challenge?: unknown } }>().error.challenge).toBeUndefined();
  });

  it('a wrong code is refused; the right one signs in; the same code is refused the second time', async () => {
    const challenge = challengeOf(await passwordLogin(t, ada.email));
    const code = codeNow(t, secret);
    const wrong = String((Number(code) + 500_000) % 1_000_000).padStart(6, '0');
    const refused = await t.request({ method: 'POST', url: '/api/v1/auth/login/second-factor', payload: { challenge_id: challenge.id, code: wrong } });
    expect(refused.statusCode).toBe(401);
    expect(sessionCookie(refused)).toBeUndefined();
    const ok = await t.request({ method: 'POST', url: '/api/v1/auth/login/second-factor', payload: { challenge_id: challenge.id, code } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json<{ id: string }>().id).toBe(ada.userId);
    expect(sessionCookie(ok)?.value).toBeTruthy();
    // The challenge is spent, and so is the code, even with a new challenge.
    const replayed = await t.request({ method: 'POST', url: '/api/v1/auth/login/second-factor', payload: { challenge_id: challenge.id, code } });
    expect(replayed.statusCode).toBe(401);
    const again = challengeOf(await passwordLogin(t, ada.email));
    const reused = await t.request({ method: 'POST', url: '/api/v1/auth/login/second-factor', payload: { challenge_id: again.id, code } });
    expect(reused.statusCode).toBe(401);
    const failures = await t.db.selectFrom('audit_events').select('details').where('account_id', '=', ada.userId).where('action', '=', 'user.login_failed').execute();
    expect(failures.map((f) => (JSON.parse(f.details ?? '{}') as { reason?: string }).reason)).toContain('wrong_second_factor');
    t.clock.advance(30_000);
  });

  it('a recovery code signs in once, and is refused the second time', async () => {
    const [first] = recovery;
    if (first === undefined) throw new Error('no recovery codes');
    const challenge = challengeOf(await passwordLogin(t, ada.email));
    const ok = await t.request({ method: 'POST', url: '/api/v1/auth/login/second-factor', payload: { challenge_id: challenge.id, recovery_code: first.toUpperCase() } });
    expect(ok.statusCode).toBe(200);
    const again = challengeOf(await passwordLogin(t, ada.email));
    const reused = await t.request({ method: 'POST', url: '/api/v1/auth/login/second-factor', payload: { challenge_id: again.id, recovery_code: first } });
    expect(reused.statusCode).toBe(401);
    expect((await ada.request({ method: 'GET', url: '/api/v1/user/two-factor' })).json<{ recovery_codes_remaining: number }>().recovery_codes_remaining).toBe(9);
  });

  it('five wrong answers end the challenge: the right code no longer completes it', async () => {
    const challenge = challengeOf(await passwordLogin(t, ada.email));
    for (let i = 0; i < 5; i++) {
      const res = await t.request({ method: 'POST', url: '/api/v1/auth/login/second-factor', payload: { challenge_id: challenge.id, recovery_code: 'aaaaa-aaaaa' } });
      expect(res.statusCode).toBe(401);
    }
    const late = await t.request({ method: 'POST', url: '/api/v1/auth/login/second-factor', payload: { challenge_id: challenge.id, code: codeNow(t, secret) } });
    expect(late.statusCode).toBe(401);
  });

  it('a challenge expires after five minutes', async () => {
    const challenge = challengeOf(await passwordLogin(t, ada.email));
    t.clock.advance(5 * 60_000 + 1);
    const res = await t.request({ method: 'POST', url: '/api/v1/auth/login/second-factor', payload: { challenge_id: challenge.id, code: codeNow(t, secret) } });
    expect(res.statusCode).toBe(401);
  });

  it('an answer needs exactly one of code and recovery_code', async () => {
    const challenge = challengeOf(await passwordLogin(t, ada.email));
    const both = await t.request({ method: 'POST', url: '/api/v1/auth/login/second-factor', payload: { challenge_id: challenge.id, code: '123456', recovery_code: 'aaaaa-aaaaa' } });
    expect(both.statusCode).toBe(400);
    const none = await t.request({ method: 'POST', url: '/api/v1/auth/login/second-factor', payload: { challenge_id: challenge.id } });
    expect(none.statusCode).toBe(400);
  });
});

describe('second-factor attempts are rate-limited like passwords', () => {
  it('past the per-account limit the answer is 429 with Retry-After, even with the right code', async () => {
    const limited = await createTestApp({ startWorker: false }, { QONDUIT_RATE_LIMIT_SECOND_FACTOR_ACCOUNT: '3/900' });
    try {
      const bob = await signUp(limited);
      const { secret } = await enrolTotp(limited, bob);
      for (let i = 0; i < 3; i++) {
        const challenge = challengeOf(await passwordLogin(limited, bob.email));
        const res = await limited.request({ method: 'POST', url: '/api/v1/auth/login/second-factor', payload: { challenge_id: challenge.id, recovery_code: 'aaaaa-aaaaa' } });
        expect(res.statusCode).toBe(401);
      }
      const challenge = challengeOf(await passwordLogin(limited, bob.email));
      const res = await limited.request({ method: 'POST', url: '/api/v1/auth/login/second-factor', payload: { challenge_id: challenge.id, code: codeNow(limited, secret) } });
      expect(res.statusCode).toBe(429);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    } finally {
      await limited.close();
    }
  });
});

describe('removing a second factor', () => {
  it('a token cannot remove it; a recent session can, and sign-in then asks for the password only', async () => {
    const ada = await signUp(t);
    const { factorId, secret } = await enrolTotp(t, ada);
    const pat = await createPat(t, ada);
    const byToken = await t.request({ method: 'DELETE', url: `/api/v1/user/two-factor/factors/${factorId}`, headers: withToken(pat.token) });
    expect(byToken.statusCode).toBe(403);
    const byCodes = await t.request({ method: 'POST', url: '/api/v1/user/two-factor/recovery-codes', headers: withToken(pat.token) });
    expect(byCodes.statusCode).toBe(403);
    const fresh = await signInWithTotp(t, ada.email, secret);
    const removed = await fresh.request({ method: 'DELETE', url: `/api/v1/user/two-factor/factors/${factorId}` });
    expect(removed.statusCode).toBe(204);
    expect(await t.db.selectFrom('recovery_codes').select('code_digest').where('user_id', '=', ada.userId).execute()).toHaveLength(0);
    expect((await passwordLogin(t, ada.email)).statusCode).toBe(200);
    const audit = await t.db.selectFrom('audit_events').select('action').where('account_id', '=', ada.userId).execute();
    expect(audit.map((a) => a.action)).toContain('user.second_factor_removed');
  });

  it("another user's factor answers 404, as a missing one does", async () => {
    const ada = await signUp(t);
    const { factorId } = await enrolTotp(t, ada);
    const eve = await signUp(t);
    expect((await eve.request({ method: 'DELETE', url: `/api/v1/user/two-factor/factors/${factorId}` })).statusCode).toBe(404);
    expect((await eve.request({ method: 'POST', url: `/api/v1/user/two-factor/totp/${factorId}/confirm`, payload: { code: '123456' } })).statusCode).toBe(404);
    expect(await t.db.selectFrom('second_factors').select('id').where('id', '=', factorId).execute()).toHaveLength(1);
  });

  it('new recovery codes replace the old ones', async () => {
    const ada = await signUp(t);
    const { recoveryCodes } = await enrolTotp(t, ada);
    const res = await ada.request({ method: 'POST', url: '/api/v1/user/two-factor/recovery-codes' });
    expect(res.statusCode).toBe(200);
    const fresh = res.json<{ recovery_codes: string[] }>().recovery_codes;
    expect(fresh).toHaveLength(10);
    const [old] = recoveryCodes;
    if (old === undefined) throw new Error('no recovery codes');
    const challenge = challengeOf(await passwordLogin(t, ada.email, PASSWORD));
    const refused = await t.request({ method: 'POST', url: '/api/v1/auth/login/second-factor', payload: { challenge_id: challenge.id, recovery_code: old } });
    expect(refused.statusCode).toBe(401);
  });
});
