import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addMember, createTestApp, signUp } from '../../test/harness';
import type { Browser, TestApp } from '../../test/harness';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => {
  await t.close();
});

async function createOrg(owner: Browser, name = 'Quantum Lab'): Promise<string> {
  const res = await owner.request({ method: 'POST', url: '/api/v1/orgs', payload: { name } });
  expect(res.statusCode).toBe(201);
  return res.json<{ id: string }>().id;
}

async function invite(owner: Browser, org: string, who: Browser, role: string) {
  return owner.request({ method: 'POST', url: `/api/v1/orgs/${org}/members`, payload: { email: who.email, role } });
}

describe('organizations', () => {
  it('makes the creator its owner and lists it among mine', async () => {
    const ada = await signUp(t);
    const res = await ada.request({ method: 'POST', url: '/api/v1/orgs', payload: { name: 'Quantum Lab' } });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ name: 'Quantum Lab', role: 'owner' });
    const list = await ada.request({ method: 'GET', url: '/api/v1/orgs' });
    expect(list.json()).toMatchObject({ items: [{ name: 'Quantum Lab', role: 'owner' }], next_cursor: null });
  });

  it('gives each organization a unique slug from its name, kept when it is renamed', async () => {
    const ada = await signUp(t);
    const bob = await signUp(t, 'Bob');
    const first = await ada.request({ method: 'POST', url: '/api/v1/orgs', payload: { name: 'Grace Labs' } });
    expect(first.json()).toMatchObject({ name: 'Grace Labs', slug: 'grace-labs' });
    // Another person's organization of the same name: the slug is unique across the server.
    const second = await bob.request({ method: 'POST', url: '/api/v1/orgs', payload: { name: 'Grace  Labs!' } });
    expect(second.json()).toMatchObject({ name: 'Grace  Labs!', slug: 'grace-labs-2' });
    const id = first.json<{ id: string }>().id;
    await ada.request({ method: 'PATCH', url: `/api/v1/orgs/${id}`, payload: { name: 'Hopper Labs' } });
    expect((await ada.request({ method: 'GET', url: `/api/v1/orgs/${id}` })).json()).toMatchObject({ name: 'Hopper Labs', slug: 'grace-labs' });
    expect((await ada.request({ method: 'GET', url: '/api/v1/orgs' })).json()).toMatchObject({ items: [{ slug: 'grace-labs' }] });
  });

  it('gives parallel creations of one name different slugs', async () => {
    const ada = await signUp(t);
    const created = await Promise.all(Array.from({ length: 4 }, () => ada.request({ method: 'POST', url: '/api/v1/orgs', payload: { name: 'Rush' } })));
    expect(created.map((r) => r.statusCode)).toEqual([201, 201, 201, 201]);
    expect(new Set(created.map((r) => r.json<{ slug: string }>().slug))).toEqual(new Set(['rush', 'rush-2', 'rush-3', 'rush-4']));
  });

  it('pages through organizations with a cursor', async () => {
    const ada = await signUp(t);
    for (let i = 0; i < 5; i++) {
      await createOrg(ada, `Org ${i}`);
      t.clock.advance(1000);
    }
    const first = (await ada.request({ method: 'GET', url: '/api/v1/orgs?limit=2' })).json<{ items: Array<{ name: string }>; next_cursor: string }>();
    expect(first.items.map((o) => o.name)).toEqual(['Org 0', 'Org 1']);
    const second = (await ada.request({ method: 'GET', url: `/api/v1/orgs?limit=2&cursor=${first.next_cursor}` })).json<{ items: Array<{ name: string }> }>();
    expect(second.items.map((o) => o.name)).toEqual(['Org 2', 'Org 3']);
    expect((await ada.request({ method: 'GET', url: '/api/v1/orgs?cursor=garbage' })).statusCode).toBe(400);
  });

  it("answers 404 for another account's organization, exactly as for a missing one", async () => {
    const ada = await signUp(t);
    const eve = await signUp(t, 'Eve');
    const org = await createOrg(ada);
    const theirs = await eve.request({ method: 'GET', url: `/api/v1/orgs/${org}` });
    const missing = await eve.request({ method: 'GET', url: '/api/v1/orgs/00000000-0000-0000-0000-000000000000' });
    expect(theirs.statusCode).toBe(404);
    expect(missing.statusCode).toBe(404);
    expect(theirs.json<{ error: { message: string } }>().error.message).toBe(missing.json<{ error: { message: string } }>().error.message);
    expect((await eve.request({ method: 'GET', url: `/api/v1/orgs/${org}/members` })).statusCode).toBe(404);
    expect((await eve.request({ method: 'PATCH', url: `/api/v1/orgs/${org}`, payload: { name: 'Mine' } })).statusCode).toBe(404);
    expect((await eve.request({ method: 'DELETE', url: `/api/v1/orgs/${org}` })).statusCode).toBe(404);
  });

  it('lets only owners rename (DESIGN.md), not a maintainer or a viewer', async () => {
    const ada = await signUp(t);
    const max = await signUp(t, 'Max');
    const vic = await signUp(t, 'Vic');
    const org = await createOrg(ada);
    await addMember(ada, org, max, 'maintainer');
    await addMember(ada, org, vic, 'viewer');
    const byViewer = await vic.request({ method: 'PATCH', url: `/api/v1/orgs/${org}`, payload: { name: 'Hijacked' } });
    expect(byViewer.statusCode).toBe(403);
    expect(byViewer.json()).toMatchObject({ error: { code: 'forbidden' } });
    const byMaintainer = await max.request({ method: 'PATCH', url: `/api/v1/orgs/${org}`, payload: { name: 'Renamed' } });
    expect(byMaintainer.statusCode).toBe(403);
    const byOwner = await ada.request({ method: 'PATCH', url: `/api/v1/orgs/${org}`, payload: { name: 'Renamed' } });
    expect(byOwner.statusCode).toBe(200);
    expect(byOwner.json()).toMatchObject({ name: 'Renamed', role: 'owner' });
  });

  it('lets only an owner delete it', async () => {
    const ada = await signUp(t);
    const max = await signUp(t, 'Max');
    const org = await createOrg(ada);
    await addMember(ada, org, max, 'maintainer');
    expect((await max.request({ method: 'DELETE', url: `/api/v1/orgs/${org}` })).statusCode).toBe(403);
    expect((await ada.request({ method: 'DELETE', url: `/api/v1/orgs/${org}` })).statusCode).toBe(204);
    expect((await ada.request({ method: 'GET', url: `/api/v1/orgs/${org}` })).statusCode).toBe(404);
    expect(await t.db.selectFrom('memberships').selectAll().execute()).toHaveLength(0);
  });

  it('refuses blank, over-long and unknown-field bodies', async () => {
    const ada = await signUp(t);
    for (const payload of [{ name: '' }, { name: '   ' }, { name: 'x'.repeat(101) }, { name: 'Lab', plan: 'pro' }, {}]) {
      const res = await ada.request({ method: 'POST', url: '/api/v1/orgs', payload });
      expect(res.statusCode).toBe(400);
    }
    expect(await t.db.selectFrom('organizations').selectAll().execute()).toHaveLength(0);
  });
});

describe('members', () => {
  it('lets an owner invite a user by email with a role; once they accept, every member lists them', async () => {
    const ada = await signUp(t);
    const vic = await signUp(t, 'Vic');
    const org = await createOrg(ada);
    t.clock.advance(1000);
    const res = await invite(ada, org, vic, 'viewer');
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ invitation: { email: vic.email, role: 'viewer', status: 'pending' } });
    const id = res.json<{ invitation: { id: string } }>().invitation.id;
    expect((await vic.request({ method: 'POST', url: `/api/v1/user/invitations/${id}/accept` })).statusCode).toBe(200);
    const list = await vic.request({ method: 'GET', url: `/api/v1/orgs/${org}/members` });
    expect(list.statusCode).toBe(200);
    expect(list.json<{ items: Array<{ role: string; name: string }> }>().items.map((m) => [m.name, m.role])).toEqual([
      ['Ada Lovelace', 'owner'],
      ['Vic', 'viewer'],
    ]);
  });

  it('refuses inviting someone who is a member already, and an unknown role', async () => {
    const ada = await signUp(t);
    const vic = await signUp(t, 'Vic');
    const org = await createOrg(ada);
    await addMember(ada, org, vic, 'viewer');
    expect((await invite(ada, org, vic, 'owner')).statusCode).toBe(409);
    expect((await invite(ada, org, await signUp(t, 'New'), 'admin')).statusCode).toBe(400);
  });

  it('lets only owners manage members: a maintainer or viewer cannot add, change or remove', async () => {
    const ada = await signUp(t);
    const max = await signUp(t, 'Max');
    const vic = await signUp(t, 'Vic');
    const newcomer = await signUp(t, 'New');
    const org = await createOrg(ada);
    await addMember(ada, org, max, 'maintainer');
    await addMember(ada, org, vic, 'viewer');
    for (const actor of [max, vic]) {
      expect((await invite(actor, org, newcomer, 'viewer')).statusCode).toBe(403);
      expect((await actor.request({ method: 'PATCH', url: `/api/v1/orgs/${org}/members/${ada.userId}`, payload: { role: 'viewer' } })).statusCode).toBe(403);
      expect((await actor.request({ method: 'DELETE', url: `/api/v1/orgs/${org}/members/${ada.userId}` })).statusCode).toBe(403);
    }
    const roles = await t.db.selectFrom('memberships').select(['user_id', 'role']).where('organization_id', '=', org).execute();
    expect(roles.find((r) => r.user_id === ada.userId)?.role).toBe('owner');
    expect(roles).toHaveLength(3);
  });

  it('lets an owner change a role and remove a member, who then loses access at once', async () => {
    const ada = await signUp(t);
    const vic = await signUp(t, 'Vic');
    const org = await createOrg(ada);
    await addMember(ada, org, vic, 'viewer');
    const promoted = await ada.request({ method: 'PATCH', url: `/api/v1/orgs/${org}/members/${vic.userId}`, payload: { role: 'maintainer' } });
    expect(promoted.json()).toMatchObject({ role: 'maintainer' });
    expect((await ada.request({ method: 'DELETE', url: `/api/v1/orgs/${org}/members/${vic.userId}` })).statusCode).toBe(204);
    expect((await vic.request({ method: 'GET', url: `/api/v1/orgs/${org}` })).statusCode).toBe(404);
    expect((await vic.request({ method: 'GET', url: '/api/v1/user', headers: { 'x-organizationid': org } })).statusCode).toBe(403);
  });

  it('never removes or demotes the last owner', async () => {
    const ada = await signUp(t);
    const vic = await signUp(t, 'Vic');
    const org = await createOrg(ada);
    await addMember(ada, org, vic, 'viewer');
    const demote = await ada.request({ method: 'PATCH', url: `/api/v1/orgs/${org}/members/${ada.userId}`, payload: { role: 'maintainer' } });
    expect(demote.statusCode).toBe(409);
    expect(demote.json()).toMatchObject({ error: { code: 'last_owner' } });
    const leave = await ada.request({ method: 'DELETE', url: `/api/v1/orgs/${org}/members/${ada.userId}` });
    expect(leave.statusCode).toBe(409);
    // With a second owner, the first may step down.
    await ada.request({ method: 'PATCH', url: `/api/v1/orgs/${org}/members/${vic.userId}`, payload: { role: 'owner' } });
    expect((await ada.request({ method: 'PATCH', url: `/api/v1/orgs/${org}/members/${ada.userId}`, payload: { role: 'viewer' } })).statusCode).toBe(200);
  });

  it('keeps one owner when two owners demote each other at the same time', async () => {
    const ada = await signUp(t);
    const bob = await signUp(t, 'Bob');
    const org = await createOrg(ada);
    await addMember(ada, org, bob, 'owner');
    const results = await Promise.all([
      ada.request({ method: 'PATCH', url: `/api/v1/orgs/${org}/members/${bob.userId}`, payload: { role: 'viewer' } }),
      bob.request({ method: 'PATCH', url: `/api/v1/orgs/${org}/members/${ada.userId}`, payload: { role: 'viewer' } }),
    ]);
    const owners = await t.db.selectFrom('memberships').select('role').where('organization_id', '=', org).where('role', '=', 'owner').execute();
    expect(owners.length).toBeGreaterThanOrEqual(1);
    expect(results.map((r) => r.statusCode).sort()).toContain(200);
  });

  it('lets a member leave on their own', async () => {
    const ada = await signUp(t);
    const vic = await signUp(t, 'Vic');
    const org = await createOrg(ada);
    await addMember(ada, org, vic, 'viewer');
    expect((await vic.request({ method: 'DELETE', url: `/api/v1/orgs/${org}/members/${vic.userId}` })).statusCode).toBe(204);
  });
});

describe('GET /my/accounts (PlanQK shape)', () => {
  it('lists the personal account first with a null role, then each organization with my role', async () => {
    const ada = await signUp(t, 'Ada');
    const bob = await signUp(t, 'Bob');
    const org = await createOrg(bob, 'Bob Lab');
    await addMember(bob, org, ada, 'maintainer');
    const res = await ada.request({ method: 'GET', url: '/my/accounts' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual([
      { id: ada.userId, displayName: 'Ada', role: null, isOrganization: false, accountType: { name: 'PERSONAL', feature: 'DEFAULT' } },
      { id: org, displayName: 'Bob Lab', role: 'maintainer', isOrganization: true, accountType: { name: 'ORGANIZATION', feature: 'DEFAULT' } },
    ]);
  });

  it('needs authentication', async () => {
    expect((await t.request({ method: 'GET', url: '/my/accounts' })).statusCode).toBe(401);
  });
});
