import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addMember, createPat, createTestApp, signUp, withToken } from '../../test/harness';
import type { Browser, TestApp } from '../../test/harness';
import { INVITATION_TTL_MS } from './invitations.service';

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

const invite = (owner: Browser, org: string, email: string, role = 'viewer') =>
  owner.request({ method: 'POST', url: `/api/v1/orgs/${org}/members`, payload: { email, role } });

async function invitationId(owner: Browser, org: string, email: string, role = 'viewer'): Promise<string> {
  const res = await invite(owner, org, email, role);
  expect(res.statusCode, res.body).toBe(202);
  return res.json<{ invitation: { id: string } }>().invitation.id;
}

const accept = (who: Browser, id: string) => who.request({ method: 'POST', url: `/api/v1/user/invitations/${id}/accept` });
const decline = (who: Browser, id: string) => who.request({ method: 'POST', url: `/api/v1/user/invitations/${id}/decline` });

/** The shape of a JSON value: its keys and the types of its leaves. */
function shapeOf(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return typeof value;
  if (Array.isArray(value)) return value.map(shapeOf);
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, shapeOf(v)]));
}

async function auditActions(org: string): Promise<string[]> {
  const rows = await t.db.selectFrom('audit_events').select(['action', 'details']).where('account_id', '=', org).where((eb) => eb.or([eb('action', 'like', 'invitation.%'), eb('action', '=', 'member.added')])).orderBy('created_at').orderBy('id').execute();
  return rows.map((r) => r.action);
}

describe('inviting by e-mail tells nobody whether the e-mail has an account', () => {
  it('answers a registered and an unregistered e-mail with the same status and body shape', async () => {
    const ada = await signUp(t);
    const vic = await signUp(t, 'Vic Viewer');
    const org = await createOrg(ada);
    const registered = await invite(ada, org, vic.email);
    const unregistered = await invite(ada, org, 'nobody-here@example.com');
    expect(registered.statusCode).toBe(202);
    expect(unregistered.statusCode).toBe(202);
    expect(shapeOf(registered.json())).toEqual(shapeOf(unregistered.json()));
    const { invitation } = registered.json<{ invitation: Record<string, unknown> }>();
    const other = unregistered.json<{ invitation: Record<string, unknown> }>().invitation;
    expect(invitation).toMatchObject({ email: vic.email, role: 'viewer', status: 'pending' });
    expect({ ...invitation, id: '', email: '' }).toEqual({ ...other, id: '', email: '' });
    // Nothing about the person: no name, no user id.
    expect(registered.body).not.toContain('Vic Viewer');
    expect(registered.body).not.toContain(vic.userId);
    expect(Object.keys(registered.headers).sort()).toEqual(Object.keys(unregistered.headers).sort());
  });

  it('does not make the invitee a member until they accept', async () => {
    const ada = await signUp(t, 'Ada Owner');
    const vic = await signUp(t, 'Vic');
    const org = await createOrg(ada, 'Ada Lab');
    const id = await invitationId(ada, org, vic.email.toUpperCase(), 'maintainer');
    expect((await vic.request({ method: 'GET', url: `/api/v1/orgs/${org}` })).statusCode).toBe(404);
    expect(await t.db.selectFrom('memberships').select('user_id').where('organization_id', '=', org).execute()).toHaveLength(1);

    const mine = await vic.request({ method: 'GET', url: '/api/v1/user/invitations' });
    expect(mine.statusCode).toBe(200);
    expect(mine.json()).toMatchObject({ items: [{ id, organization: { id: org, name: 'Ada Lab' }, role: 'maintainer', invited_by: { name: 'Ada Owner' } }], next_cursor: null });
    const theirs = await ada.request({ method: 'GET', url: `/api/v1/orgs/${org}/invitations` });
    expect(theirs.json()).toMatchObject({ items: [{ id, email: vic.email.toLowerCase(), role: 'maintainer', status: 'pending', invited_by: { user_id: ada.userId, name: 'Ada Owner' } }] });

    const accepted = await accept(vic, id);
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json()).toMatchObject({ id: org, name: 'Ada Lab', role: 'maintainer' });
    expect((await vic.request({ method: 'GET', url: `/api/v1/orgs/${org}` })).json()).toMatchObject({ role: 'maintainer' });
    expect((await vic.request({ method: 'GET', url: '/api/v1/user/invitations' })).json()).toEqual({ items: [], next_cursor: null });
    expect((await ada.request({ method: 'GET', url: `/api/v1/orgs/${org}/invitations` })).json()).toEqual({ items: [], next_cursor: null });
    expect(await auditActions(org)).toEqual(['invitation.created', 'invitation.accepted', 'member.added']);
  });

  it('accepting is idempotent, and does not bring back a member removed since', async () => {
    const ada = await signUp(t);
    const vic = await signUp(t, 'Vic');
    const org = await createOrg(ada);
    const id = await invitationId(ada, org, vic.email);
    expect((await accept(vic, id)).statusCode).toBe(200);
    const again = await accept(vic, id);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ id: org, role: 'viewer' });
    expect(await t.db.selectFrom('memberships').select('user_id').where('organization_id', '=', org).execute()).toHaveLength(2);
    expect((await ada.request({ method: 'DELETE', url: `/api/v1/orgs/${org}/members/${vic.userId}` })).statusCode).toBe(204);
    expect((await accept(vic, id)).statusCode).toBe(404);
    expect((await vic.request({ method: 'GET', url: `/api/v1/orgs/${org}` })).statusCode).toBe(404);
  });

  it('two invitations of one e-mail at once leave one pending invitation; two accepts at once, one membership', async () => {
    const ada = await signUp(t);
    const vic = await signUp(t, 'Vic');
    const org = await createOrg(ada);
    const invited = await Promise.all([invite(ada, org, vic.email), invite(ada, org, vic.email.toUpperCase())]);
    expect(invited.map((r) => r.statusCode)).toEqual([202, 202]);
    const ids = invited.map((r) => r.json<{ invitation: { id: string } }>().invitation.id);
    expect(ids[0]).toBe(ids[1]);
    const id = ids[0] ?? '';
    const accepted = await Promise.all([accept(vic, id), accept(vic, id)]);
    expect(accepted.map((r) => r.statusCode)).toEqual([200, 200]);
    expect(await t.db.selectFrom('memberships').select('user_id').where('organization_id', '=', org).where('user_id', '=', vic.userId).execute()).toHaveLength(1);
    expect((await auditActions(org)).filter((a) => a === 'member.added')).toHaveLength(1);
  });

  it("answers 404 to someone accepting or declining another person's invitation, exactly as for a missing one", async () => {
    const ada = await signUp(t);
    const vic = await signUp(t, 'Vic');
    const eve = await signUp(t, 'Eve');
    const org = await createOrg(ada);
    const id = await invitationId(ada, org, vic.email);
    const stolen = await accept(eve, id);
    const missing = await accept(eve, '00000000-0000-0000-0000-000000000000');
    expect(stolen.statusCode).toBe(404);
    expect(missing.statusCode).toBe(404);
    expect(stolen.json<{ error: { message: string } }>().error.message).toBe(missing.json<{ error: { message: string } }>().error.message);
    expect((await decline(eve, id)).statusCode).toBe(404);
    // Not even the inviting owner can accept in the invitee's place.
    expect((await accept(ada, id)).statusCode).toBe(404);
    expect((await eve.request({ method: 'GET', url: '/api/v1/user/invitations' })).json()).toEqual({ items: [], next_cursor: null });
    expect((await eve.request({ method: 'GET', url: `/api/v1/orgs/${org}` })).statusCode).toBe(404);
    expect((await accept(vic, id)).statusCode).toBe(200);
  });

  it('refuses an expired invitation; inviting again refreshes it', async () => {
    const ada = await signUp(t);
    const vic = await signUp(t, 'Vic');
    const org = await createOrg(ada);
    const id = await invitationId(ada, org, vic.email);
    t.clock.advance(INVITATION_TTL_MS + 1000);
    expect((await accept(vic, id)).statusCode).toBe(404);
    expect((await decline(vic, id)).statusCode).toBe(404);
    expect((await vic.request({ method: 'GET', url: '/api/v1/user/invitations' })).json()).toEqual({ items: [], next_cursor: null });
    expect((await ada.request({ method: 'GET', url: `/api/v1/orgs/${org}/invitations` })).json()).toMatchObject({ items: [{ id, status: 'expired' }] });
    expect(await t.db.selectFrom('memberships').select('user_id').where('organization_id', '=', org).execute()).toHaveLength(1);

    const refreshed = await invite(ada, org, vic.email, 'maintainer');
    expect(refreshed.json()).toMatchObject({ invitation: { id, role: 'maintainer', status: 'pending' } });
    expect(await t.db.selectFrom('invitations').select('id').execute()).toHaveLength(1);
    expect((await accept(vic, id)).json()).toMatchObject({ role: 'maintainer' });
  });

  it('lets the invitee decline: no membership, and the invitation cannot be accepted after', async () => {
    const ada = await signUp(t);
    const vic = await signUp(t, 'Vic');
    const org = await createOrg(ada);
    const id = await invitationId(ada, org, vic.email);
    expect((await decline(vic, id)).statusCode).toBe(204);
    expect((await decline(vic, id)).statusCode).toBe(204);
    expect((await accept(vic, id)).statusCode).toBe(404);
    expect((await vic.request({ method: 'GET', url: `/api/v1/orgs/${org}` })).statusCode).toBe(404);
    expect(await auditActions(org)).toEqual(['invitation.created', 'invitation.declined']);
    // A new invitation after a decline is a new one.
    const next = await invitationId(ada, org, vic.email);
    expect(next).not.toBe(id);
  });
});

describe('who may invite, see and revoke invitations', () => {
  it('lets only owners invite and revoke; every member sees the open invitations', async () => {
    const ada = await signUp(t);
    const max = await signUp(t, 'Max');
    const vic = await signUp(t, 'Vic');
    const org = await createOrg(ada);
    await addMember(ada, org, max, 'maintainer');
    await addMember(ada, org, vic, 'viewer');
    const id = await invitationId(ada, org, 'newcomer@example.com');
    for (const actor of [max, vic]) {
      const refused = await invite(actor, org, 'someone@example.com');
      expect(refused.statusCode).toBe(403);
      expect(refused.json()).toMatchObject({ error: { code: 'forbidden' } });
      expect((await actor.request({ method: 'DELETE', url: `/api/v1/orgs/${org}/invitations/${id}` })).statusCode).toBe(403);
      const list = await actor.request({ method: 'GET', url: `/api/v1/orgs/${org}/invitations` });
      expect(list.statusCode).toBe(200);
      expect(list.json<{ items: Array<{ email: string }> }>().items.map((i) => i.email)).toEqual(['newcomer@example.com']);
    }
    expect(await t.db.selectFrom('invitations').select('id').where('email', '=', 'someone@example.com').execute()).toHaveLength(0);
  });

  it('an outsider neither sees nor revokes nor invites (404)', async () => {
    const ada = await signUp(t);
    const eve = await signUp(t, 'Eve');
    const org = await createOrg(ada);
    const id = await invitationId(ada, org, 'newcomer@example.com');
    expect((await eve.request({ method: 'GET', url: `/api/v1/orgs/${org}/invitations` })).statusCode).toBe(404);
    expect((await eve.request({ method: 'DELETE', url: `/api/v1/orgs/${org}/invitations/${id}` })).statusCode).toBe(404);
    expect((await invite(eve, org, 'friend@example.com')).statusCode).toBe(404);
    // An invitation of another organization is not found through this one.
    const evesOrg = await createOrg(eve, 'Eve Lab');
    expect((await eve.request({ method: 'DELETE', url: `/api/v1/orgs/${evesOrg}/invitations/${id}` })).statusCode).toBe(404);
  });

  it('a revoked invitation can no longer be accepted', async () => {
    const ada = await signUp(t);
    const vic = await signUp(t, 'Vic');
    const org = await createOrg(ada);
    const id = await invitationId(ada, org, vic.email);
    expect((await ada.request({ method: 'DELETE', url: `/api/v1/orgs/${org}/invitations/${id}` })).statusCode).toBe(204);
    expect((await ada.request({ method: 'DELETE', url: `/api/v1/orgs/${org}/invitations/${id}` })).statusCode).toBe(404);
    expect((await accept(vic, id)).statusCode).toBe(404);
    expect((await vic.request({ method: 'GET', url: '/api/v1/user/invitations' })).json()).toEqual({ items: [], next_cursor: null });
    expect(await auditActions(org)).toEqual(['invitation.created', 'invitation.revoked']);
  });

  it('reading my invitations needs read_api; accepting needs api', async () => {
    const ada = await signUp(t);
    const vic = await signUp(t, 'Vic');
    const org = await createOrg(ada);
    const id = await invitationId(ada, org, vic.email);
    const reader = await createPat(t, vic, { scopes: ['read_api'] });
    const list = await t.request({ method: 'GET', url: '/api/v1/user/invitations', headers: withToken(reader.token) });
    expect(list.statusCode).toBe(200);
    expect(list.json<{ items: unknown[] }>().items).toHaveLength(1);
    expect((await t.request({ method: 'POST', url: `/api/v1/user/invitations/${id}/accept`, headers: withToken(reader.token) })).statusCode).toBe(403);
    expect((await t.request({ method: 'POST', url: `/api/v1/user/invitations/${id}/decline`, headers: withToken(reader.token) })).statusCode).toBe(403);
    expect((await t.request({ method: 'GET', url: '/api/v1/user/invitations' })).statusCode).toBe(401);
    const writer = await createPat(t, vic, { scopes: ['api'] });
    expect((await t.request({ method: 'POST', url: `/api/v1/user/invitations/${id}/accept`, headers: withToken(writer.token) })).statusCode).toBe(200);
  });

  it("an organization's invitations go with it", async () => {
    const ada = await signUp(t);
    const org = await createOrg(ada);
    await invitationId(ada, org, 'newcomer@example.com');
    expect((await ada.request({ method: 'DELETE', url: `/api/v1/orgs/${org}` })).statusCode).toBe(204);
    expect(await t.db.selectFrom('invitations').select('id').execute()).toHaveLength(0);
  });

  it('keeps no secret in the audit events', async () => {
    const ada = await signUp(t);
    const vic = await signUp(t, 'Vic');
    const org = await createOrg(ada);
    await addMember(ada, org, vic, 'viewer');
    const rows = await t.db.selectFrom('audit_events').selectAll().where('account_id', '=', org).execute();
    expect(rows.map((r) => r.action)).toEqual(expect.arrayContaining(['invitation.created', 'invitation.accepted', 'member.added']));
    expect(JSON.stringify(rows)).not.toMatch(/password|scrypt\$|qdp_/);
  });
});
