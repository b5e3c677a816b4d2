import type { InjectOptions } from 'fastify';
import { connect } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPat, createTestApp, signUp, withToken } from '../test/harness';
import type { Browser, TestApp } from '../test/harness';

type Method = NonNullable<InjectOptions['method']>;

let t: TestApp;
let ada: Browser;
let orgId: string;
beforeEach(async () => {
  t = await createTestApp({ startWorker: false });
  ada = await signUp(t);
  orgId = (await ada.request({ method: 'POST', url: '/api/v1/orgs', payload: { name: 'Lab' } })).json<{ id: string }>().id;
});
afterEach(async () => {
  await t.close();
});

function expectOurError(res: { statusCode: number; headers: Record<string, unknown>; json: <T>() => T }, status: number, code: string): void {
  expect(res.statusCode).toBe(status);
  expect(String(res.headers['content-type'])).toContain('application/json');
  expect(res.json<{ error: unknown }>().error).toMatchObject({ code, message: expect.any(String) as unknown, request_id: expect.any(String) as unknown });
}

describe('text the databases cannot store is refused with 400 before any query', () => {
  const NUL_PATHS: Array<[string, string]> = [
    ['GET', '/quantum/jobs/a%00b'],
    ['GET', '/quantum/jobs/a%00b/status'],
    ['GET', '/quantum/jobs/a%00b/result'],
    ['DELETE', '/quantum/jobs/a%00b'],
    ['GET', '/quantum/backends/a%00b'],
    ['GET', '/quantum/backends/a%00b/status'],
    ['GET', '/api/v1/orgs/a%00b'],
    ['DELETE', '/api/v1/orgs/a%00b'],
    ['GET', '/api/v1/orgs/a%00b/members'],
    ['GET', '/api/v1/user/tokens/a%00b'],
    ['DELETE', '/api/v1/user/tokens/a%00b'],
    ['POST', '/api/v1/user/tokens/a%00b/rotate'],
    ['GET', '/api/v1/user/tokens?cursor=a%00b'],
    ['GET', '/quantum/jobs?provider=a%00b'],
    ['GET', '/api/v1/orgs?cursor=%00'],
    ['GET', '/api/v1/user/tokens?state=%ED%A0%80'],
  ];

  it.each(NUL_PATHS)('%s %s answers 400 in our shape', async (method, url) => {
    const res = await ada.request({ method: method as Method, url });
    expectOurError(res, 400, 'validation_failed');
  });

  it('refuses a NUL in a path parameter of an organization route', async () => {
    const res = await ada.request({ method: 'DELETE', url: `/api/v1/orgs/${orgId}/members/a%00b` });
    expectOurError(res, 400, 'validation_failed');
  });

  it.each([
    ['a NUL in a name', '/api/v1/orgs', '{"name":"\\u0000"}'],
    ['a NUL inside a name', '/api/v1/orgs', '{"name":"La\\u0000b"}'],
    ['a lone high surrogate', '/api/v1/orgs', '{"name":"Lab \\ud800"}'],
    ['a lone low surrogate', '/api/v1/orgs', '{"name":"\\udc00 Lab"}'],
    ['a NUL in a field name', '/api/v1/orgs', '{"name":"Lab","\\u0000":1}'],
    ['a NUL in a token name', '/api/v1/user/tokens', '{"name":"t\\u0000","scopes":["api"],"expires_at":"2027-01-01"}'],
    ['a NUL in an e-mail at sign-in', '/api/v1/auth/login', '{"email":"a\\u0000@example.com","password":"correct horse battery staple"}'],
  ])('refuses %s in a JSON body with 400, and stores nothing', async (_label, url, payload) => {
    const before = await t.db.selectFrom('organizations').select('id').execute();
    const res = await ada.request({ method: 'POST', url, payload, headers: { 'content-type': 'application/json' } });
    expectOurError(res, 400, 'validation_failed');
    expect(res.json<{ error: { details: Array<{ field: string }> } }>().error.details[0]?.field).toMatch(/^body/);
    expect(await t.db.selectFrom('organizations').select('id').execute()).toHaveLength(before.length);
  });

  it('keeps a well-formed emoji (a surrogate pair) and other unicode', async () => {
    const res = await ada.request({ method: 'POST', url: '/api/v1/orgs', payload: { name: 'Lab 🧪 Zürich' } });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ name: 'Lab 🧪 Zürich' });
  });

  it('refuses a JSON body nested deeper than any request needs with 400, not a stack overflow', async () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const res = await ada.request({ method: 'POST', url: '/api/v1/orgs', payload: `{"name":"Lab","x":${deep}}`, headers: { 'content-type': 'application/json' } });
    expectOurError(res, 400, 'validation_failed');
  });
});

describe('every error answers in our JSON shape', () => {
  it('a bad percent-escape in the path (/api/v1/orgs/%ff)', async () => {
    for (const url of ['/api/v1/orgs/%ff', '/quantum/jobs/%E0%A4%A', '/api/v1/orgs/%']) {
      const res = await ada.request({ method: 'GET', url });
      expectOurError(res, 400, 'validation_failed');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    }
  });

  it('a path segment longer than the router takes', async () => {
    expectOurError(await ada.request({ method: 'GET', url: `/api/v1/orgs/${'x'.repeat(500)}` }), 400, 'validation_failed');
  });

  it('a request the HTTP parser cannot read (an unknown method, a broken header) over a real socket', async () => {
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = new URL(address);
    for (const raw of ['FOO /api/v1/orgs HTTP/1.1\r\nHost: x\r\n\r\n', 'GET /api/v1/orgs HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n']) {
      const answer = await new Promise<string>((resolve, reject) => {
        const socket = connect(Number(port), '127.0.0.1', () => socket.write(raw));
        let data = '';
        socket.on('data', (d: Buffer) => (data += d.toString()));
        socket.on('close', () => resolve(data));
        socket.on('error', reject);
      });
      const [head = '', body = ''] = answer.split('\r\n\r\n');
      expect(head).toMatch(/^HTTP\/1\.1 400 /);
      expect(head.toLowerCase()).toContain('x-content-type-options: nosniff');
      expect(JSON.parse(body)).toEqual({ error: { code: 'validation_failed', message: expect.any(String) as unknown, request_id: expect.any(String) as unknown } });
    }
  });

  it('an unknown route and an unknown method', async () => {
    expectOurError(await t.request({ method: 'GET', url: '/api/v1/nothing' }), 404, 'not_found');
    expectOurError(await t.request({ method: 'PUT', url: '/api/v1/user' }), 404, 'not_found');
    expectOurError(await t.request({ method: 'PROPFIND' as Method, url: '/api/v1/orgs' }), 404, 'not_found');
  });
});

describe('answer headers', () => {
  it('every answer carries X-Content-Type-Options: nosniff', async () => {
    const pat = await createPat(t, ada);
    const answers = [
      await t.request({ method: 'GET', url: '/healthz' }),
      await t.request({ method: 'GET', url: '/api/v1/user', headers: withToken(pat.token) }),
      await t.request({ method: 'GET', url: '/api/v1/user' }),
      await t.request({ method: 'GET', url: '/no/such/page.js' }),
      await t.request({ method: 'POST', url: '/api/v1/orgs', headers: withToken(pat.token, { 'content-type': 'application/json' }), payload: '{' }),
    ];
    for (const res of answers) expect(res.headers['x-content-type-options'], `${res.statusCode}`).toBe('nosniff');
  });

  it('answers that carry a secret are never cached: token creation, rotation, sign-up and sign-in', async () => {
    const expires = new Date(t.clock.now().getTime() + 86_400_000).toISOString();
    const created = await ada.request({ method: 'POST', url: '/api/v1/user/tokens', payload: { name: 'ci', scopes: ['api'], expires_at: expires } });
    expect(created.statusCode).toBe(201);
    expect(created.headers['cache-control']).toBe('no-store');
    const rotated = await ada.request({ method: 'POST', url: `/api/v1/user/tokens/${created.json<{ id: string }>().id}/rotate` });
    expect(rotated.statusCode).toBe(200);
    expect(rotated.headers['cache-control']).toBe('no-store');
    const signup = await t.request({ method: 'POST', url: '/api/v1/auth/signup', payload: { email: 'new@example.com', password: 'correct horse battery staple', name: 'N' } });
    expect(signup.headers['cache-control']).toBe('no-store');
    const login = await t.request({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'new@example.com', password: 'correct horse battery staple' } });
    expect(login.headers['cache-control']).toBe('no-store');
  });
});

describe('validation messages read as a person would say them', () => {
  it.each([
    ['an empty name', { name: '' }, 'name must not be empty'],
    ['a blank name', { name: '   ' }, 'name is not in the expected form'],
    ['an over-long name', { name: 'n'.repeat(101) }, 'name must be at most 100 characters long'],
  ])('%s', async (_label, payload, message) => {
    const res = await ada.request({ method: 'POST', url: '/api/v1/orgs', payload });
    expectOurError(res, 400, 'validation_failed');
    expect(res.json<{ error: { message: string } }>().error.message).toBe(message);
    expect(res.json<{ error: { message: string } }>().error.message).not.toMatch(/NOT|fewer than/);
  });
});
