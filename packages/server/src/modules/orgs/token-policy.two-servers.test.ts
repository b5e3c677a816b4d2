import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, sharedPostgresSchema, userWithToken } from '../../test/server-process';
import type { ServerProcess } from '../../test/server-process';

// An organization's token policy set on server A is enforced by server B, which had the member's
// token and the (empty) policy in its caches, on the next request: the change travels with the
// transaction that makes it (NOTIFY), as a revocation does. B's cache time-to-live is a minute
// here, so only the notification can explain a refusal within a second.
const onPostgres = process.env.QONDUIT_TEST_DB === 'postgres';
const TTL_MS = 60_000;

async function msUntil(limitMs: number, done: () => Promise<boolean>): Promise<number> {
  const start = performance.now();
  for (;;) {
    if (await done()) return performance.now() - start;
    if (performance.now() - start > limitMs) throw new Error(`not within ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A web session (cookie and CSRF value), as the owner sets a policy in the web UI. */
async function session(url: string, email: string) {
  const res = await fetch(`${url}/api/v1/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: 'correct horse battery staple', name: 'Owner' }),
  });
  expect(res.status).toBe(201);
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const csrf = /qonduit_csrf=([^;]+)/.exec(cookie)?.[1] ?? '';
  return { userId: ((await res.json()) as { id: string }).id, headers: { cookie, 'x-csrf-token': csrf } };
}

describe.runIf(onPostgres)('an organization token policy on two servers sharing one PostgreSQL', () => {
  let shared: Awaited<ReturnType<typeof sharedPostgresSchema>>;
  let a: ServerProcess;
  let b: ServerProcess;
  let owner: Awaited<ReturnType<typeof session>>;
  let bobToken: string;
  let org: string;

  beforeAll(async () => {
    shared = await sharedPostgresSchema();
    const env = { QONDUIT_AUTH_CACHE_TTL_MS: String(TTL_MS), QONDUIT_WORKER_INTERVAL_MS: '1000' };
    a = await shared.start('a', env);
    b = await shared.start('b', env);
    const tag = randomBytes(4).toString('hex');
    owner = await session(a.url, `owner-${tag}@example.com`);
    const created = await call(a.url, 'POST', '/api/v1/orgs', { headers: owner.headers, body: { name: 'Shared Lab' } });
    expect(created.status).toBe(201);
    org = String(created.body.id);
    const bob = await userWithToken(b.url, `bob-${tag}@example.com`);
    // A 30-day token (userWithToken's lives a day), unrestricted, with api and quantum_tokens.
    const long = await call(b.url, 'POST', '/api/v1/user/tokens', {
      token: bob.token,
      body: { name: 'long', scopes: ['api', 'quantum_tokens'], expires_at: new Date(Date.now() + 30 * 86_400_000).toISOString() },
    });
    expect(long.status).toBe(201);
    bobToken = String(long.body.token);
    const c = new pg.Client({ connectionString: process.env.QONDUIT_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test' });
    await c.connect();
    try {
      await c.query(`insert into ${shared.schema}.memberships (organization_id, user_id, role, added_at) values ($1, $2, 'viewer', $3)`, [org, bob.userId, new Date().toISOString()]);
    } finally {
      await c.end();
    }
  }, 120_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await shared?.cleanup();
  });

  const bobOnB = () => call(b.url, 'GET', '/quantum/jobs', { token: bobToken, headers: { 'x-organizationid': org } });
  const setOnA = async (rules: Record<string, unknown>) => {
    const res = await call(a.url, 'PATCH', `/api/v1/orgs/${org}/token-policy`, { headers: owner.headers, body: rules });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  };

  it("a token's IP allowlist changed on A is enforced by B, which had the token cached, within a second", async () => {
    const made = await call(b.url, 'POST', '/api/v1/user/tokens', {
      token: bobToken,
      body: { name: 'allowlisted', scopes: ['read_api'], expires_at: new Date(Date.now() + 86_400_000).toISOString(), allowed_ips: ['127.0.0.0/8', '::1/128'] },
    });
    expect(made.status).toBe(201);
    const token = String(made.body.token);
    expect((await call(b.url, 'GET', '/api/v1/user', { token })).status).toBe(200);
    expect((await call(b.url, 'GET', '/api/v1/user', { token })).status).toBe(200);
    const patched = await call(a.url, 'PATCH', `/api/v1/user/tokens/${String(made.body.id)}`, { token: bobToken, body: { allowed_ips: ['192.0.2.0/24'] } });
    expect(patched.status).toBe(200);
    expect(await msUntil(1000, async () => (await call(b.url, 'GET', '/api/v1/user', { token })).status === 401)).toBeLessThan(1000);
  });

  it.each([
    ['maximum lifetime', { max_lifetime_days: 7 }, { max_lifetime_days: null }, 'admits tokens that live at most 7 days'],
    ['require restricted tokens', { require_restricted: true }, { require_restricted: false }, 'admits only tokens restricted to chosen organizations'],
    ['allowed scopes', { allowed_scopes: ['quantum_tokens'] }, { allowed_scopes: null }, 'allows tokens acting for it only the scopes quantum_tokens'],
    ['block personal access tokens', { block_personal_access_tokens: true }, { block_personal_access_tokens: false }, 'does not allow personal access tokens'],
  ])('%s set on A refuses the cached token on B within a second, and lifting it admits it again', async (_rule, set, lift, message) => {
    // Warm B: the token and the organization's policy are in its memory now.
    expect((await bobOnB()).status).toBe(200);
    expect((await bobOnB()).status).toBe(200);
    await setOnA(set);
    const ms = await msUntil(1000, async () => (await bobOnB()).status === 403);
    expect(ms).toBeLessThan(1000);
    const refused = await bobOnB();
    expect(String((refused.body.error as { message: string }).message)).toContain(message);
    await setOnA(lift);
    expect(await msUntil(1000, async () => (await bobOnB()).status === 200)).toBeLessThan(1000);
  });
});
