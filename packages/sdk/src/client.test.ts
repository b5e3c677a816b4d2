import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Qonduit } from './client';
import {
  AuthenticationError,
  ConflictError,
  ConnectionError,
  NotFoundError,
  PermissionError,
  QonduitError,
  ValidationError,
} from './errors';
import { addMember, startTestServer } from '@qonduit/testing';
import type { TestServer, TestUser } from '@qonduit/testing';

// The SDK against a real server listening on 127.0.0.1: every call crosses HTTP as in production.

let server: TestServer;
let ada: TestUser;
let token: string;
let qonduit: Qonduit;

beforeAll(async () => {
  server = await startTestServer();
  ada = await server.signUp({ name: 'Ada Lovelace' });
  token = (await ada.createToken({ scopes: ['api', 'quantum_tokens'], name: 'sdk' })).token;
  qonduit = server.client({ token });
});
afterAll(async () => {
  await server.close();
});

async function caught(promise: Promise<unknown>): Promise<QonduitError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof QonduitError) return err;
    throw err;
  }
  throw new Error('expected the call to fail');
}

describe('the SDK with a personal access token', () => {
  it('reads the user, the token it is using, and PlanQK’s authorize answer', async () => {
    expect(await qonduit.user.get()).toMatchObject({ id: ada.id, email: ada.email, name: 'Ada Lovelace' });
    const self = await qonduit.tokens.self();
    expect(self).toMatchObject({ name: 'sdk', scopes: ['api', 'quantum_tokens'], state: 'active' });
    expect(self.hint).toBe(`qdp_${token.slice(-4)}`);
    expect((await qonduit.auth.authorize()).user).toMatchObject({ id: ada.id, email: ada.email, firstName: 'Ada', lastName: 'Lovelace' });
    expect(await qonduit.accounts.list()).toEqual([
      { id: ada.id, displayName: 'Ada Lovelace', role: null, isOrganization: false, accountType: { name: 'PERSONAL', feature: 'DEFAULT' } },
    ]);
  });

  it('creates, lists page by page, rotates and revokes tokens', async () => {
    const created = await qonduit.tokens.create({ name: 'ci', scopes: ['read_api'], expires_at: new Date(Date.now() + 7 * 86_400_000).toISOString() });
    expect(created.token).toMatch(/^qdp_[0-9A-Za-z]{36}$/);
    const page = await qonduit.tokens.list({ limit: 1 });
    expect(page.items).toHaveLength(1);
    expect(page.next_cursor).not.toBeNull();
    const all: string[] = [];
    for await (const t of qonduit.tokens.iterate({ limit: 1 })) all.push(t.name);
    expect(all).toEqual(expect.arrayContaining(['ci', 'sdk']));

    const rotated = await qonduit.tokens.rotate(created.id);
    expect(rotated.token).not.toBe(created.token);
    expect((await server.client({ token: rotated.token }).user.get()).id).toBe(ada.id);
    expect(await caught(server.client({ token: created.token }).user.get())).toBeInstanceOf(AuthenticationError);

    await qonduit.tokens.revoke(rotated.id);
    expect((await qonduit.tokens.get(rotated.id)).state).toBe('revoked');
  });

  it('a revoked token is refused with AuthenticationError that carries the reason and the request id', async () => {
    const own = await ada.createToken();
    const client = server.client({ token: own.token });
    await client.tokens.revoke((await client.tokens.self()).id);
    const err = await caught(client.user.get());
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err).toMatchObject({ status: 401, code: 'unauthenticated', reason: 'the token has been revoked' });
    expect(err.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('a leaked token sent to the public revocation endpoint stops working', async () => {
    const leaked = await ada.createToken();
    const anonymous = server.client();
    expect(await anonymous.tokens.revokeLeaked([leaked.token])).toEqual({ revoked: 1 });
    expect(await caught(server.client({ token: leaked.token }).user.get())).toBeInstanceOf(AuthenticationError);
  });

  it('a token without the api scope gets PermissionError naming the scope it lacks', async () => {
    const readOnly = server.client({ token: (await ada.createToken({ scopes: ['read_api'] })).token });
    const err = await caught(readOnly.orgs.create({ name: 'Nope' }));
    expect(err).toBeInstanceOf(PermissionError);
    expect(err).toMatchObject({ status: 403, code: 'insufficient_scope', missingScopes: ['api'] });
  });

  it('maps 404, 400 (with fields) and 409 to NotFoundError, ValidationError and ConflictError', async () => {
    const missing = await caught(qonduit.tokens.get('tok_does_not_exist'));
    expect(missing).toBeInstanceOf(NotFoundError);
    expect(missing.status).toBe(404);

    const invalid = await caught(qonduit.tokens.create({ name: 'x', scopes: ['api'], expires_at: 'tomorrow' }));
    expect(invalid).toBeInstanceOf(ValidationError);
    expect((invalid as ValidationError).fields.map((f) => f.field)).toEqual(['expires_at']);

    const taken = await caught(server.client().auth.signup({ email: ada.email, password: 'another password', name: 'Eve' }));
    expect(taken).toBeInstanceOf(ConflictError);
    expect(taken.code).toBe('email_taken');
  });

  it('says which server it could not reach with ConnectionError', async () => {
    const nowhere = new Qonduit({ baseUrl: 'http://127.0.0.1:9', token, env: {}, configFile: null, retry: { maxRetries: 0 } });
    const err = await caught(nowhere.user.get());
    expect(err).toBeInstanceOf(ConnectionError);
    expect(err.message).toContain('http://127.0.0.1:9');
    expect(err.message).not.toContain(token);
  });
});

describe('organizations through the SDK', () => {
  it('creates an organization, invites a member who accepts, re-roles them, and keeps the last owner', async () => {
    const grace = await ada.session.orgs.create({ name: 'Grace Labs' });
    expect(grace.role).toBe('owner');
    const bob = await server.signUp({ name: 'Bob' });
    const { invitation } = await qonduit.orgs.members.add(grace.id, { email: bob.email, role: 'viewer' });
    expect(invitation).toMatchObject({ email: bob.email, role: 'viewer', status: 'pending' });
    expect((await qonduit.orgs.invitations.list(grace.id)).items.map((i) => i.id)).toEqual([invitation.id]);
    const mine = await bob.session.user.invitations.list();
    expect(mine.items).toMatchObject([{ id: invitation.id, organization: { id: grace.id, name: 'Grace Labs' }, role: 'viewer', invited_by: { name: 'Ada Lovelace' } }]);
    expect(await bob.session.user.invitations.accept(invitation.id)).toMatchObject({ id: grace.id, role: 'viewer' });
    expect((await qonduit.orgs.members.setRole(grace.id, bob.id, 'maintainer')).role).toBe('maintainer');
    const names: string[] = [];
    for await (const m of qonduit.orgs.members.iterate(grace.id)) names.push(m.name);
    expect(names.sort()).toEqual(['Ada Lovelace', 'Bob']);
    expect((await qonduit.orgs.rename(grace.id, 'Grace Hopper Labs')).name).toBe('Grace Hopper Labs');
    expect(await caught(qonduit.orgs.members.remove(grace.id, ada.id))).toBeInstanceOf(ConflictError);
    await qonduit.orgs.members.remove(grace.id, bob.id);
    await qonduit.orgs.delete(grace.id);
    expect(await caught(qonduit.orgs.get(grace.id))).toBeInstanceOf(NotFoundError);
  });

  it('a declined or revoked invitation cannot be accepted: NotFoundError', async () => {
    const lab = await qonduit.orgs.create({ name: 'Invite Lab' });
    const carol = await server.signUp({ name: 'Carol' });
    const first = (await qonduit.orgs.members.add(lab.id, { email: carol.email, role: 'viewer' })).invitation;
    await carol.session.user.invitations.decline(first.id);
    expect(await caught(carol.session.user.invitations.accept(first.id))).toBeInstanceOf(NotFoundError);
    const second = (await qonduit.orgs.members.add(lab.id, { email: carol.email, role: 'viewer' })).invitation;
    await qonduit.orgs.invitations.revoke(lab.id, second.id);
    expect(await caught(carol.session.user.invitations.accept(second.id))).toBeInstanceOf(NotFoundError);
    expect((await carol.session.user.invitations.list()).items).toEqual([]);
  });

  it('two clients for two organizations in one process keep their own organization', async () => {
    const a = await qonduit.orgs.create({ name: 'Org A' });
    const b = await qonduit.orgs.create({ name: 'Org B' });
    const sent: Array<string | null> = [];
    const recording: typeof fetch = (input, init) => {
      sent.push(new Headers(init?.headers).get('x-organizationid'));
      return fetch(input, init);
    };
    const options = { baseUrl: server.url, token, env: {}, configFile: null, fetch: recording };
    const forA = new Qonduit({ ...options, organizationId: a.id });
    const forB = new Qonduit({ ...options, organizationId: b.id });
    const personal = forA.withOrganization(null);
    await Promise.all([forA.user.get(), forB.user.get(), personal.user.get(), forA.withOrganization(b.id).user.get()]);
    expect(sent.sort()).toEqual([a.id, b.id, b.id, null].sort());
    expect([forA.organizationId, forB.organizationId, personal.organizationId]).toEqual([a.id, b.id, null]);

    // The server checks the header: once Ada no longer belongs to B, only B's client is refused.
    const bob = await server.signUp({ name: 'Bob B' });
    await addMember(ada, b.id, bob, 'owner');
    await qonduit.orgs.members.remove(b.id, ada.id);
    expect(await caught(forB.user.get())).toBeInstanceOf(PermissionError);
    expect((await forA.user.get()).id).toBe(ada.id);
  });
});

describe('provider tokens and audit through the SDK', () => {
  const IONQ_KEY = 'IonQkey0123456789abcdefghijklmno';

  it('stores an IonQ key and only ever answers its hint', async () => {
    const catalog = await qonduit.providers.list();
    expect(catalog.find((p) => p.id === 'ionq')?.fields.map((f) => f.name)).toEqual(['api_key']);
    const stored = await qonduit.providerTokens.set('ionq', { api_key: IONQ_KEY });
    expect(stored).toMatchObject({ provider: 'ionq', account: { id: ada.id, type: 'user' }, status: 'unchecked' });
    const listed = await qonduit.providerTokens.list();
    expect(listed.map((t) => t.provider)).toEqual(['ionq']);
    expect(JSON.stringify(listed)).not.toContain(IONQ_KEY);
    expect(JSON.stringify(await qonduit.providerTokens.get('ionq'))).not.toContain(IONQ_KEY);
    await qonduit.providerTokens.remove('ionq');
    expect(await caught(qonduit.providerTokens.get('ionq'))).toBeInstanceOf(NotFoundError);
    expect(server.logLines.join('\n')).not.toContain(IONQ_KEY);
  });

  it("a viewer may list but not replace the organization's token: PermissionError names the role", async () => {
    const org = await qonduit.orgs.create({ name: 'Providers Inc' });
    await qonduit.providerTokens.set('ionq', { api_key: IONQ_KEY }, { org: org.id });
    const viewer = await server.signUp({ name: 'Vera Viewer' });
    await addMember(ada, org.id, viewer, 'viewer');
    const vera = server.client({ token: (await viewer.createToken()).token });
    expect((await vera.providerTokens.list({ org: org.id })).map((t) => t.provider)).toEqual(['ionq']);
    const err = await caught(vera.providerTokens.set('ionq', { api_key: IONQ_KEY }, { org: org.id }));
    expect(err).toBeInstanceOf(PermissionError);
    expect(err).toMatchObject({ code: 'forbidden', role: 'viewer', missingScopes: [] });
  });

  it('lists audit events of the account and of an organization', async () => {
    const events = await qonduit.audit.list({ limit: 100 });
    expect(events.items.map((e) => e.action)).toEqual(expect.arrayContaining(['personal_access_token.created']));
    const org = await qonduit.orgs.create({ name: 'Audited' });
    await qonduit.providerTokens.set('ionq', { api_key: IONQ_KEY }, { org: org.id });
    const orgEvents: string[] = [];
    for await (const e of qonduit.audit.iterate({ org: org.id })) orgEvents.push(e.action);
    expect(orgEvents.length).toBeGreaterThan(0);
  });
});

describe('a cookie session (the web UI’s way) through the SDK', () => {
  it('signs in with a password, writes with the CSRF header sent for it, and signs out', async () => {
    const browser = server.client();
    expect(browser.authentication).toBe('session');
    await browser.auth.login({ email: ada.email, password: ada.password });
    const created = await browser.tokens.create({ name: 'from the UI', scopes: ['api'], expires_at: new Date(Date.now() + 86_400_000).toISOString() });
    expect(created.token).toMatch(/^qdp_/);
    await browser.auth.logout();
    expect(await caught(browser.user.get())).toBeInstanceOf(AuthenticationError);
  });
});
