import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, signUp } from './test/harness';
import type { TestApp } from './test/harness';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => {
  await t.close();
});

describe('the server', () => {
  it('answers /healthz with the database reachable', async () => {
    const res = await t.request({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok', database: 'ok' });
  });

  it('serves an OpenAPI 3.1 document that lists every API route', async () => {
    const res = await t.request({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json<{ openapi: string; paths: Record<string, unknown> }>();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/auth/signup', '/api/v1/orgs/{org}/members', '/my/accounts']));
  });

  it('serves a readable API reference at /docs', async () => {
    const res = await t.request({ method: 'GET', url: '/docs' });
    const page = [301, 302].includes(res.statusCode) ? await t.request({ method: 'GET', url: String(res.headers.location) }) : res;
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('<title>Qonduit API reference</title>');
  });

  it('answers an unknown route with a JSON 404', async () => {
    const res = await t.request({ method: 'GET', url: '/api/v1/nothing-here' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  it('refuses a non-JSON body with 415', async () => {
    const res = await t.request({ method: 'POST', url: '/api/v1/auth/login', headers: { 'content-type': 'text/plain' }, payload: 'hello' });
    expect(res.statusCode).toBe(415);
    expect(res.json()).toMatchObject({ error: { code: 'unsupported_media_type' } });
  });

  it('refuses an oversized body with 413', async () => {
    const res = await t.request({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'a@example.com', password: 'x'.repeat(2 * 1024 * 1024) } });
    expect(res.statusCode).toBe(413);
  });

  it('declares what every API route needs (no route is left open by accident)', () => {
    const api = t.app.routeTable.filter((r) => /^\/(api|my|quantum|proxy|authorize)/.test(r.url));
    expect(api.length).toBeGreaterThan(10);
    for (const route of api) expect(route.access, `${route.method} ${route.url}`).toBeDefined();
    const open = api.filter((r) => r.access === 'public').map((r) => `${r.method} ${r.url}`);
    // The calendar feed is opened by its own feed token, which calendar applications send in the URL.
    expect(open.sort()).toEqual(['GET /api/v1/feeds/token-expiries.ics', 'HEAD /api/v1/feeds/token-expiries.ics', 'POST /api/v1/auth/login', 'POST /api/v1/auth/login/second-factor', 'POST /api/v1/auth/signup', 'POST /api/v1/tokens/revoke']);
  });

  it('never logs a password, session cookie or CSRF value', async () => {
    const ada = await signUp(t);
    await ada.request({ method: 'GET', url: '/api/v1/user' });
    await t.request({ method: 'POST', url: '/api/v1/auth/login', payload: { email: ada.email, password: 'wrong password here' } });
    const logs = t.logLines.join('\n');
    const row = await t.db.selectFrom('sessions').select('id_digest').executeTakeFirstOrThrow();
    expect(logs).not.toContain('correct horse battery staple');
    expect(logs).not.toContain('wrong password here');
    expect(logs).not.toContain(row.id_digest);
    expect(logs).not.toMatch(/qonduit_session=|x-csrf-token/i);
  });
});
