import { createTestDb } from '@qonduit/db/testing';
import type { FastifyPluginAsync } from 'fastify';
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestAppOn, signUp, withToken } from '../../test/harness';
import type { TestApp } from '../../test/harness';

// The checks a token's restrictions and an organization's token policy add run on every request,
// so they must cost no query once warm: the restriction and the allowlist come with the cached
// token, the policy from its own cache. Counted here, statement by statement, on both databases.

class CountingPlugin implements KyselyPlugin {
  count = 0;
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    this.count++;
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}

// A route that does nothing itself: what it costs is what authentication costs.
const probe: FastifyPluginAsync = async (app) => {
  app.get('/api/v1/_probe', { config: { access: 'read_api' } }, async () => ({ ok: true }));
  app.get('/api/v1/orgs/:org/_probe', { config: { access: 'read_api' } }, async () => ({ ok: true }));
};

let t: TestApp;
const counter = new CountingPlugin();
let org = '';
let plain = '';
let restricted = '';

beforeAll(async () => {
  const database = await createTestDb();
  t = await createTestAppOn({ ...database, db: database.db.withPlugin(counter) }, { extraPlugins: [probe], startWorker: false });
  const ada = await signUp(t);
  org = (await ada.request({ method: 'POST', url: '/api/v1/orgs', payload: { name: 'Counted' } })).json<{ id: string }>().id;
  const expires = new Date(t.clock.now().getTime() + 10 * 86_400_000).toISOString();
  const make = async (extra: Record<string, unknown>) =>
    (await ada.request({ method: 'POST', url: '/api/v1/user/tokens', payload: { name: `t${Math.random()}`, scopes: ['api'], expires_at: expires, ...extra } })).json<{ token: string }>().token;
  plain = await make({});
  restricted = await make({ organization_ids: [org], allowed_ips: ['127.0.0.0/8', '10.0.0.0/8', '2001:db8::/32'] });
  const set = await ada.request({ method: 'PUT', url: `/api/v1/orgs/${org}/token-policy`, payload: { max_lifetime_days: 30, allowed_scopes: ['read_api', 'api'], require_restricted: true, block_personal_access_tokens: false } });
  expect(set.statusCode).toBe(200);
});
afterAll(async () => {
  await t.close();
});

async function queriesOf(token: string, url: string, headers: Record<string, string> = {}): Promise<number> {
  // Warm the caches, then count one request.
  expect((await t.app.inject({ method: 'GET', url, headers: withToken(token, headers) })).statusCode).toBeLessThan(500);
  // Background timers (last-used flushes, sweeps) may run a query meanwhile: the fewest of three counts.
  let fewest = Infinity;
  for (let i = 0; i < 3; i++) {
    const before = counter.count;
    const res = await t.app.inject({ method: 'GET', url, headers: withToken(token, headers) });
    expect(res.statusCode, res.body).toBe(200);
    fewest = Math.min(fewest, counter.count - before);
  }
  return fewest;
}

describe('what restrictions and policies cost per request, once warm', () => {
  it('a token with an organization restriction and an IP allowlist costs no query, as a plain token', async () => {
    expect(await queriesOf(plain, '/api/v1/_probe')).toBe(0);
    expect(await queriesOf(restricted, '/api/v1/_probe')).toBe(0);
  });

  it("acting for an organization with a policy costs only the membership read there was before (header), and none on its path", async () => {
    expect(await queriesOf(restricted, '/api/v1/_probe', { 'x-organizationid': org })).toBe(1);
    expect(await queriesOf(restricted, `/api/v1/orgs/${org}/_probe`)).toBe(0);
  });
});
