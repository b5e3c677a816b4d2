import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addMember, browserFrom, createPat, createTestApp, signUp, withToken } from '../../test/harness';
import type { Browser, TestApp } from '../../test/harness';

interface Event {
  id: string;
  action: string;
  actor: { user_id: string | null; name: string | null; token_id: string | null; token_name: string | null; ip: string | null };
  account: { id: string; type: string };
  target: { type: string; id: string | null; name: string | null };
  details: Record<string, unknown>;
  created_at: string;
}

const PASSWORD = 'correct horse battery staple';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => {
  await t.close();
});

const countEvents = async () => Number((await t.db.selectFrom('audit_events').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

/** Runs `change` and returns how many audit events it recorded, in every log. */
async function recorded(change: () => Promise<unknown>): Promise<number> {
  const before = await countEvents();
  await change();
  return (await countEvents()) - before;
}

async function events(who: Browser | { token: string }, url: string): Promise<Event[]> {
  const res = 'token' in who ? await t.request({ method: 'GET', url, headers: withToken(who.token) }) : await who.request({ method: 'GET', url });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ items: Event[] }>().items;
}

const login = (email: string, password: string, remoteAddress = '192.0.2.10') =>
  t.request({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password }, remoteAddress });

/** Seeds a membership directly: joining (invitations) is not what these tests are about. */
async function seedMember(org: string, who: Browser, role: 'owner' | 'maintainer' | 'viewer') {
  await t.db.insertInto('memberships').values({ organization_id: org, user_id: who.userId, role, added_at: t.clock.now().toISOString() }).execute();
}

async function orgOf(owner: { token: string }, name = 'Quantum Lab'): Promise<string> {
  const res = await t.request({ method: 'POST', url: '/api/v1/orgs', headers: withToken(owner.token), payload: { name } });
  expect(res.statusCode).toBe(201);
  return res.json<{ id: string }>().id;
}

describe('access changes of a user account', () => {
  it('signup records exactly one user.signed_up, by the new user, named', async () => {
    let ada: Browser | undefined;
    expect(await recorded(async () => (ada = await signUp(t, 'Ada Lovelace')))).toBe(1);
    if (!ada) throw new Error('no signup');
    const [event] = await events(ada, '/api/v1/user/audit-events');
    expect(event).toMatchObject({
      action: 'user.signed_up',
      actor: { user_id: ada.userId, name: 'Ada Lovelace', token_id: null, token_name: null },
      account: { id: ada.userId, type: 'user' },
      target: { type: 'user', id: ada.userId, name: 'Ada Lovelace' },
    });
  });

  it('a sign-in records user.logged_in, a sign-out user.logged_out, each once', async () => {
    const ada = await signUp(t, 'Ada Lovelace');
    let res = await login(ada.email, PASSWORD);
    expect(await recorded(async () => (res = await login(ada.email, PASSWORD)))).toBe(1);
    expect(res.statusCode).toBe(200);
    const session = browserFrom(t, res, ada.email);
    expect(await recorded(async () => expect((await session.request({ method: 'POST', url: '/api/v1/auth/logout' })).statusCode).toBe(204))).toBe(1);
    // The session has ended: signing out of it again changes nothing, and records nothing.
    const log = await events(ada, '/api/v1/user/audit-events');
    expect(log.slice(0, 2).map((e) => [e.action, e.actor.name, e.actor.ip])).toEqual([
      ['user.logged_out', 'Ada Lovelace', '127.0.0.1'],
      ['user.logged_in', 'Ada Lovelace', '192.0.2.10'],
    ]);
  });

  it('a wrong password records user.login_failed on the account tried, by nobody known, never the password', async () => {
    const ada = await signUp(t, 'Ada Lovelace');
    const guess = 'hunter2-the-wrong-one';
    expect(await recorded(async () => expect((await login(ada.email, guess, '198.51.100.9')).statusCode).toBe(401))).toBe(1);
    const res = await ada.request({ method: 'GET', url: '/api/v1/user/audit-events' });
    expect(res.body).not.toContain(guess);
    expect(res.json<{ items: Event[] }>().items[0]).toMatchObject({
      action: 'user.login_failed',
      actor: { user_id: null, name: null, token_id: null, token_name: null, ip: '198.51.100.9' },
      account: { id: ada.userId, type: 'user' },
      details: { reason: 'wrong_password' },
    });
    const rows = await t.db.selectFrom('audit_events').select('details').execute();
    expect(JSON.stringify(rows)).not.toContain(guess);
  });

  it('a sign-in with an unknown e-mail records nothing: there is no account to keep it', async () => {
    expect(await recorded(async () => expect((await login('nobody@example.com', PASSWORD)).statusCode).toBe(401))).toBe(0);
  });
});

describe("access changes of an organization, in its log, with the person and the token that acted", () => {
  it('creating and renaming record organization.created and organization.renamed (old and new name)', async () => {
    const ada = await signUp(t, 'Ada Lovelace');
    const laptop = await createPat(t, ada, { name: 'laptop' });
    let org = '';
    expect(await recorded(async () => (org = await orgOf(laptop)))).toBe(1);
    const rename = () => t.request({ method: 'PATCH', url: `/api/v1/orgs/${org}`, headers: withToken(laptop.token), payload: { name: 'Grace Labs' } });
    expect(await recorded(async () => expect((await rename()).statusCode).toBe(200))).toBe(1);
    const log = await events(laptop, `/api/v1/orgs/${org}/audit-events`);
    const by = { user_id: ada.userId, name: 'Ada Lovelace', token_id: laptop.id, token_name: 'laptop' };
    expect(log).toMatchObject([
      { action: 'organization.renamed', actor: by, account: { id: org, type: 'organization' }, target: { type: 'organization', id: org, name: 'Grace Labs' }, details: { old_name: 'Quantum Lab', new_name: 'Grace Labs' } },
      { action: 'organization.created', actor: by, account: { id: org, type: 'organization' }, target: { type: 'organization', id: org, name: 'Quantum Lab' } },
    ]);
  });

  it('changing a role records member.role_changed with the old and the new role; setting the same role records nothing', async () => {
    const ada = await signUp(t, 'Ada Lovelace');
    const grace = await signUp(t, 'Grace Hopper');
    const laptop = await createPat(t, ada, { name: 'laptop' });
    const org = await orgOf(laptop);
    await seedMember(org, grace, 'viewer');
    const setRole = (role: string) => t.request({ method: 'PATCH', url: `/api/v1/orgs/${org}/members/${grace.userId}`, headers: withToken(laptop.token), payload: { role } });
    expect(await recorded(async () => expect((await setRole('maintainer')).statusCode).toBe(200))).toBe(1);
    expect(await recorded(async () => expect((await setRole('maintainer')).statusCode).toBe(200))).toBe(0);
    const [event] = await events(ada, `/api/v1/orgs/${org}/audit-events`);
    expect(event).toMatchObject({
      action: 'member.role_changed',
      actor: { user_id: ada.userId, name: 'Ada Lovelace', token_id: laptop.id, token_name: 'laptop' },
      target: { type: 'user', id: grace.userId, name: 'Grace Hopper' },
      details: { old_role: 'viewer', new_role: 'maintainer' },
    });
  });

  it('a member who joins by accepting an invitation is recorded once as member.added, by name', async () => {
    const ada = await signUp(t, 'Ada Lovelace');
    const grace = await signUp(t, 'Grace Hopper');
    const laptop = await createPat(t, ada, { name: 'laptop' });
    const org = await orgOf(laptop);
    await addMember(ada, org, grace, 'maintainer');
    const added = await events(ada, `/api/v1/orgs/${org}/audit-events?action=member.added`);
    expect(added).toMatchObject([{ actor: { user_id: grace.userId, name: 'Grace Hopper', token_id: null }, target: { id: grace.userId, name: 'Grace Hopper' }, details: { role: 'maintainer' } }]);
    const invited = await events(ada, `/api/v1/orgs/${org}/audit-events?action=invitation.created`);
    expect(invited).toMatchObject([{ actor: { user_id: ada.userId, name: 'Ada Lovelace', token_id: null } }]);
  });

  it('removing a member records member.removed; leaving records member.left', async () => {
    const ada = await signUp(t, 'Ada Lovelace');
    const grace = await signUp(t, 'Grace Hopper');
    const vera = await signUp(t, 'Vera Viewer');
    const org = await orgOf(await createPat(t, ada));
    await seedMember(org, grace, 'maintainer');
    await seedMember(org, vera, 'viewer');
    expect(await recorded(async () => expect((await ada.request({ method: 'DELETE', url: `/api/v1/orgs/${org}/members/${grace.userId}` })).statusCode).toBe(204))).toBe(1);
    expect(await recorded(async () => expect((await vera.request({ method: 'DELETE', url: `/api/v1/orgs/${org}/members/${vera.userId}` })).statusCode).toBe(204))).toBe(1);
    const log = await events(ada, `/api/v1/orgs/${org}/audit-events?action=member.`);
    expect(log).toMatchObject([
      { action: 'member.left', actor: { user_id: vera.userId, name: 'Vera Viewer', token_id: null, token_name: null }, target: { id: vera.userId, name: 'Vera Viewer' }, details: { role: 'viewer' } },
      { action: 'member.removed', actor: { user_id: ada.userId, name: 'Ada Lovelace', token_id: null }, target: { id: grace.userId, name: 'Grace Hopper' }, details: { role: 'maintainer' } },
    ]);
  });

  it("deleting records organization.deleted once, in the owner's own log, with the token's name", async () => {
    const ada = await signUp(t, 'Ada Lovelace');
    const laptop = await createPat(t, ada, { name: 'laptop' });
    const org = await orgOf(laptop);
    expect(await recorded(async () => expect((await t.request({ method: 'DELETE', url: `/api/v1/orgs/${org}`, headers: withToken(laptop.token) })).statusCode).toBe(204))).toBe(1);
    const [event] = await events(ada, '/api/v1/user/audit-events');
    expect(event).toMatchObject({ action: 'organization.deleted', actor: { name: 'Ada Lovelace', token_id: laptop.id, token_name: 'laptop' }, target: { id: org, name: 'Quantum Lab' } });
  });

  it('names survive the token and the user: the record keeps the names they had', async () => {
    const ada = await signUp(t, 'Ada Lovelace');
    const grace = await signUp(t, 'Grace Hopper');
    const laptop = await createPat(t, ada, { name: 'laptop' });
    const org = await orgOf(laptop);
    await seedMember(org, grace, 'owner');
    // Their tokens, sessions and memberships go with them.
    await t.db.deleteFrom('users').where('id', '=', ada.userId).execute();
    const [event] = await events(grace, `/api/v1/orgs/${org}/audit-events`);
    expect(event).toMatchObject({ action: 'organization.created', actor: { user_id: ada.userId, name: 'Ada Lovelace', token_id: laptop.id, token_name: 'laptop' } });
  });
});

describe('filters and pages', () => {
  async function busyOrg() {
    const ada = await signUp(t, 'Ada Lovelace');
    const grace = await signUp(t, 'Grace Hopper');
    const laptop = await createPat(t, ada, { name: 'laptop' });
    const org = await orgOf(laptop); // 12:00:00
    await seedMember(org, grace, 'owner');
    const at: string[] = [];
    for (const [i, name] of ['One', 'Two', 'Three', 'Four'].entries()) {
      t.clock.advance(60_000);
      at.push(t.clock.now().toISOString());
      const who = i % 2 === 0 ? { headers: withToken(laptop.token) } : {};
      const req = { method: 'PATCH' as const, url: `/api/v1/orgs/${org}`, payload: { name }, ...who };
      expect((i % 2 === 0 ? await t.request(req) : await grace.request(req)).statusCode).toBe(200);
    }
    t.clock.advance(60_000);
    expect((await grace.request({ method: 'PATCH', url: `/api/v1/orgs/${org}/members/${ada.userId}`, payload: { role: 'maintainer' } })).statusCode).toBe(200);
    return { ada, grace, org, at, url: `/api/v1/orgs/${org}/audit-events` };
  }

  it('by actor, by action or action prefix, and by time (since inclusive, until exclusive)', async () => {
    const { ada, grace, url, at } = await busyOrg();
    const actions = async (query: string) => (await events(ada, `${url}?${query}`)).map((e) => [e.action, e.actor.name, e.target.name]);
    expect(await actions(`actor=${grace.userId}`)).toEqual([
      ['member.role_changed', 'Grace Hopper', 'Ada Lovelace'],
      ['organization.renamed', 'Grace Hopper', 'Four'],
      ['organization.renamed', 'Grace Hopper', 'Two'],
    ]);
    expect(await actions('action=organization.created')).toEqual([['organization.created', 'Ada Lovelace', 'Quantum Lab']]);
    expect((await actions('action=organization.')).length).toBe(5);
    expect(await actions('action=member.')).toEqual([['member.role_changed', 'Grace Hopper', 'Ada Lovelace']]);
    expect(await actions('action=member')).toEqual([]);
    expect(await actions(`since=${encodeURIComponent(at[1] ?? '')}&until=${encodeURIComponent(at[3] ?? '')}`)).toEqual([
      ['organization.renamed', 'Ada Lovelace', 'Three'],
      ['organization.renamed', 'Grace Hopper', 'Two'],
    ]);
    expect(await actions(`actor=${ada.userId}&action=organization.renamed&since=2026-11-28&until=2026-11-29`)).toEqual([
      ['organization.renamed', 'Ada Lovelace', 'Three'],
      ['organization.renamed', 'Ada Lovelace', 'One'],
    ]);
    expect(await actions('since=2026-11-29')).toEqual([]);
    expect(await actions(`since=${encodeURIComponent('2026-11-28T13:03:00+01:00')}`)).toEqual([
      ['member.role_changed', 'Grace Hopper', 'Ada Lovelace'],
      ['organization.renamed', 'Grace Hopper', 'Four'],
      ['organization.renamed', 'Ada Lovelace', 'Three'],
    ]);
  });

  it('pages through a filtered list with the cursor, the filter holding on every page', async () => {
    const { ada, url } = await busyOrg();
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `action=organization.renamed&limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page = (await ada.request({ method: 'GET', url: `${url}?${query}` })).json<{ items: Event[]; next_cursor: string | null }>();
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((e) => `${e.action} ${e.target.name ?? ''}`));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toEqual(['organization.renamed Four', 'organization.renamed Three', 'organization.renamed Two', 'organization.renamed One']);
  });

  it('refuses filters that are not one: bad dates, bad actions, overlong values, unknown parameters', async () => {
    const ada = await signUp(t);
    const base = '/api/v1/user/audit-events';
    for (const query of ['since=yesterday', 'until=2026-13-45', 'action=Member.*', `action=${'a'.repeat(101)}`, `actor=${'x'.repeat(65)}`, 'actor=', 'who=me']) {
      const res = await ada.request({ method: 'GET', url: `${base}?${query}` });
      expect(res.statusCode, query).toBe(400);
    }
  });

  it("an organization's filters apply only within it: another account's events never show", async () => {
    const ada = await signUp(t, 'Ada Lovelace');
    const bob = await signUp(t, 'Bob');
    const org = await orgOf(await createPat(t, bob));
    expect(await events(bob, `/api/v1/orgs/${org}/audit-events?actor=${ada.userId}`)).toEqual([]);
    expect((await ada.request({ method: 'GET', url: `/api/v1/orgs/${org}/audit-events?actor=${ada.userId}` })).statusCode).toBe(404);
    expect((await events(ada, `/api/v1/user/audit-events?actor=${bob.userId}`)).length).toBe(0);
  });
});

describe('audit events are never changed through the API', () => {
  it('every route under /api/v1/**/audit-events answers GET (and HEAD) only', async () => {
    const auditRoutes = t.app.routeTable.filter((r) => /^\/api\/v1\/(.+\/)?audit-events(\/|$)/.test(r.url));
    expect(new Set(auditRoutes.map((r) => r.url))).toEqual(new Set(['/api/v1/user/audit-events', '/api/v1/orgs/:org/audit-events']));
    expect(auditRoutes.filter((r) => r.method !== 'GET' && r.method !== 'HEAD')).toEqual([]);
  });

  it('a write to an audit log is refused, and the log stays as it was', async () => {
    const ada = await signUp(t);
    const [event] = await events(ada, '/api/v1/user/audit-events');
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE'] as const) {
      for (const url of ['/api/v1/user/audit-events', `/api/v1/user/audit-events/${event?.id ?? ''}`]) {
        const res = await ada.request({ method, url, payload: {} });
        expect(res.statusCode, `${method} ${url}`).toBe(404);
      }
    }
    expect(await events(ada, '/api/v1/user/audit-events')).toEqual([event]);
  });
});
