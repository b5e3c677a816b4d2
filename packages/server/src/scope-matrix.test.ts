import type { Scope } from '@qonduit/contract';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { holdsScope } from './plugins/auth';
import { createPat, createTestApp, signUp, withToken } from './test/harness';
import type { Browser, TestApp } from './test/harness';

/** Routes' methods as inject takes them (its union is narrower than the router's). */
type Method = NonNullable<InjectOptions['method']>;

// Every guarded route × every scope set × with and without an organization context: a route
// answers its own 2xx/4xx to a token that holds its scope, and 403 insufficient_scope (or 401
// without a token) to every other. Path ids are random, so no request changes real data.
const SCOPE_SETS: Array<Scope[] | null> = [null, ['read_api'], ['api'], ['quantum_tokens'], ['api', 'read_api', 'quantum_tokens']];
const GUARDED = /^\/(api|my|quantum|proxy|authorize)/;
const RANDOM_ID = '01890000-0000-7000-8000-000000000000';

let t: TestApp;
let ada: Browser;
let orgId: string;
const tokens = new Map<string, string>();

beforeAll(async () => {
  t = await createTestApp();
  ada = await signUp(t);
  orgId = (await ada.request({ method: 'POST', url: '/api/v1/orgs', payload: { name: 'Matrix Lab' } })).json<{ id: string }>().id;
  for (const set of SCOPE_SETS) {
    if (set) tokens.set(set.join(' '), (await createPat(t, ada, { scopes: set, name: `matrix ${set.join(' ')}` })).token);
  }
});
afterAll(async () => {
  await t.close();
});

describe('scope × route matrix', () => {
  it('covers every guarded route', () => {
    const routes = t.app.routeTable.filter((r) => GUARDED.test(r.url) && r.method !== 'HEAD');
    expect(routes.length).toBeGreaterThanOrEqual(20);
  });

  for (const withOrg of [false, true]) {
    for (const set of SCOPE_SETS) {
      const label = set ? set.join('+') : 'no token';
      it(`${label}${withOrg ? ' with X-OrganizationId' : ''}: allowed exactly where the scope is held`, async () => {
        const routes = t.app.routeTable.filter((r) => GUARDED.test(r.url) && r.method !== 'HEAD' && r.access !== 'public');
        const failures: string[] = [];
        for (const route of routes) {
          const url = route.url.replace(/:[a-z_]+/g, RANDOM_ID).replace('*', 'anything');
          const headers: Record<string, string> = set ? withToken(tokens.get(set.join(' ')) ?? '') : {};
          if (withOrg) headers['x-organizationid'] = orgId;
          const hasBody = ['POST', 'PUT', 'PATCH'].includes(route.method);
          const res = await t.request({ method: route.method as Method, url, headers, ...(hasBody ? { payload: {} } : {}) });
          const code = res.statusCode >= 400 ? res.json<{ error: { code: string } }>().error.code : 'ok';
          const access = route.access;
          const allowed = set !== null && access !== undefined && (access === 'authenticated' || (access !== 'public' && holdsScope(new Set(set), access)));
          const where = `${route.method} ${route.url} → ${res.statusCode} ${code}`;
          if (res.statusCode >= 500) failures.push(`${where} (server error)`);
          else if (set === null && res.statusCode !== 401) failures.push(`${where} (expected 401)`);
          else if (set !== null && allowed && (res.statusCode === 401 || code === 'insufficient_scope')) failures.push(`${where} (expected allowed)`);
          else if (set !== null && !allowed && code !== 'insufficient_scope') failures.push(`${where} (expected insufficient_scope)`);
        }
        expect(failures).toEqual([]);
      });
    }
  }

  it('refuses an organization context the user is not a member of, on every route (403)', async () => {
    const eve = await signUp(t, 'Eve');
    const token = (await createPat(t, eve, { scopes: ['api', 'read_api', 'quantum_tokens'] })).token;
    const routes = t.app.routeTable.filter((r) => GUARDED.test(r.url) && r.method !== 'HEAD' && r.access !== 'public');
    for (const route of routes) {
      const url = route.url.replace(/:[a-z_]+/g, RANDOM_ID).replace('*', 'anything');
      const res = await t.request({ method: route.method as Method, url, headers: withToken(token, { 'x-organizationid': orgId }) });
      expect(res.statusCode, `${route.method} ${route.url}`).toBe(403);
    }
  });
});
