import type { LightMyRequestResponse } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, createTestAppOn, createPat, signUp, withToken } from '../test/harness';
import type { TestApp } from '../test/harness';
import { RATE_LIMIT_DEFAULTS } from './rate-limit';

const BELL = 'OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[2] q;\nbit[2] c;\nh q[0];\ncx q[0], q[1];\nc = measure q;\n';

const apps: TestApp[] = [];
async function app(env: Record<string, string> = {}): Promise<TestApp> {
  const t = await createTestApp({ startWorker: false }, env);
  apps.push(t);
  return t;
}
afterEach(async () => {
  for (const t of apps.splice(0).reverse()) await t.close();
});

function expectLimited(res: LightMyRequestResponse): void {
  expect(res.statusCode).toBe(429);
  expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  expect(res.headers['content-type']).toContain('application/json');
  expect(res.json<{ error: unknown }>().error).toEqual({ code: 'rate_limited', message: expect.stringMatching(/try again in \d+ s/) as unknown, request_id: expect.any(String) as unknown });
}

/** Sends `count` requests one after another and returns their answers. */
async function burst(count: number, send: (i: number) => Promise<LightMyRequestResponse>): Promise<LightMyRequestResponse[]> {
  const out: LightMyRequestResponse[] = [];
  for (let i = 0; i < count; i++) out.push(await send(i));
  return out;
}

describe('limits on every door', () => {
  it(`limits leaked-token revocation per address (${RATE_LIMIT_DEFAULTS.leaked_token_revoke.points} a minute by default)`, async () => {
    const t = await app();
    const { points } = RATE_LIMIT_DEFAULTS.leaked_token_revoke;
    const send = (ip: string) => t.request({ method: 'POST', url: '/api/v1/tokens/revoke', payload: { tokens: ['qdp_notatoken'] }, remoteAddress: ip });
    const answers = await burst(points, () => send('203.0.113.5'));
    expect(answers.every((r) => r.statusCode === 200)).toBe(true);
    expectLimited(await send('203.0.113.5'));
    expect((await send('203.0.113.6')).statusCode).toBe(200);
  });

  it('limits token creation and rotation per user, not per address', async () => {
    const t = await app({ QONDUIT_RATE_LIMIT_TOKEN_CREATE: '3/3600' });
    const ada = await signUp(t);
    const bob = await signUp(t, 'Bob');
    const first = await createPat(t, ada);
    await createPat(t, ada);
    const rotated = await ada.request({ method: 'POST', url: `/api/v1/user/tokens/${first.id}/rotate` });
    expect(rotated.statusCode).toBe(200);
    const expires = new Date(t.clock.now().getTime() + 86_400_000).toISOString();
    expectLimited(await ada.request({ method: 'POST', url: '/api/v1/user/tokens', payload: { name: 'one more', scopes: ['api'], expires_at: expires } }));
    expect(await t.db.selectFrom('personal_access_tokens').select('id').where('user_id', '=', ada.userId).execute()).toHaveLength(3);
    await createPat(t, bob);
  });

  it('limits job submission per user, and a refusal on /quantum carries error_message too', async () => {
    const t = await app({ QONDUIT_RATE_LIMIT_JOB_SUBMIT: '3/60' });
    const ada = await signUp(t);
    const pat = await createPat(t, ada, { scopes: ['api', 'quantum_tokens'] });
    const submit = () =>
      t.request({ method: 'POST', url: '/quantum/jobs', headers: withToken(pat.token), payload: { backend_id: 'local.simulator', shots: 10, input_format: 'OPEN_QASM_V3', input: BELL } });
    const answers = await burst(3, submit);
    expect(answers.map((r) => r.statusCode)).toEqual([201, 201, 201]);
    const refused = await submit();
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['retry-after']).toBeDefined();
    expect(refused.json()).toMatchObject({ error: { code: 'rate_limited' }, error_message: expect.stringMatching(/job submissions/) as unknown });
    expect(await t.db.selectFrom('jobs').select('id').execute()).toHaveLength(3);
  });

  it('limits member additions per user', async () => {
    const t = await app({ QONDUIT_RATE_LIMIT_MEMBER_ADD: '3/3600' });
    const ada = await signUp(t);
    const org = (await ada.request({ method: 'POST', url: '/api/v1/orgs', payload: { name: 'Lab' } })).json<{ id: string }>();
    const add = (i: number) => ada.request({ method: 'POST', url: `/api/v1/orgs/${org.id}/members`, payload: { email: `m${i}@example.com`, role: 'viewer' } });
    const answers = await burst(3, add);
    expect(answers.every((r) => r.statusCode !== 429)).toBe(true);
    expectLimited(await add(3));
  });

  it('limits the provider proxy per user', async () => {
    const t = await app({ QONDUIT_RATE_LIMIT_PROXY: '3/60' });
    const ada = await signUp(t);
    const bob = await signUp(t, 'Bob');
    const pat = await createPat(t, ada, { scopes: ['quantum_tokens'] });
    const send = () => t.request({ method: 'GET', url: '/proxy/ionq/jobs', headers: withToken(pat.token) });
    const answers = await burst(3, send);
    expect(answers.every((r) => r.statusCode !== 429)).toBe(true);
    expectLimited(await send());
    const bobPat = await createPat(t, bob, { scopes: ['quantum_tokens'] });
    expect((await t.request({ method: 'GET', url: '/proxy/ionq/jobs', headers: withToken(bobPat.token) })).statusCode).not.toBe(429);
  });

  it('a limit set to off counts nothing', async () => {
    const t = await app({ QONDUIT_RATE_LIMIT_LEAKED_TOKEN_REVOKE: 'off' });
    const answers = await burst(RATE_LIMIT_DEFAULTS.leaked_token_revoke.points + 5, () =>
      t.request({ method: 'POST', url: '/api/v1/tokens/revoke', payload: { tokens: ['qdp_notatoken'] } }),
    );
    expect(answers.every((r) => r.statusCode === 200)).toBe(true);
  });

  it.runIf(process.env.QONDUIT_TEST_DB === 'postgres')('counts in the database: two server processes on one PostgreSQL share one limit', async () => {
    const a = await app({ QONDUIT_RATE_LIMIT_LEAKED_TOKEN_REVOKE: '6/60' });
    const b = await createTestAppOn(Object.assign(a.database.connectAgain(), { cleanup: async () => undefined, connectAgain: () => a.database.connectAgain() }), { startWorker: false }, { QONDUIT_RATE_LIMIT_LEAKED_TOKEN_REVOKE: '6/60' });
    try {
      const send = (t: TestApp) => t.request({ method: 'POST', url: '/api/v1/tokens/revoke', payload: { tokens: ['qdp_notatoken'] }, remoteAddress: '203.0.113.50' });
      const answers = await Promise.all([...Array.from({ length: 5 }, () => send(a)), ...Array.from({ length: 5 }, () => send(b))]);
      expect(answers.filter((r) => r.statusCode === 200)).toHaveLength(6);
      expect(answers.filter((r) => r.statusCode === 429)).toHaveLength(4);
    } finally {
      await b.app.close();
      await b.db.destroy();
    }
  });
});
