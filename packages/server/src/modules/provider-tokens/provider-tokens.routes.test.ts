import { closedPortUrl, startFakeIonq } from '@qonduit/runtime/testing';
import type { FakeIonq } from '@qonduit/runtime/testing';
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addMember, createPat, createTestApp, signUp, withToken } from '../../test/harness';
import type { Browser, TestApp } from '../../test/harness';

const IONQ_KEY = 'IonQkey0123456789abcdefghijklmno';
const IONQ_KEY_2 = 'IonQkey2223456789abcdefghijklmZZ';
const AWS = { access_key_id: 'AKIAIOSFODNN7EXAMPLE', secret_access_key: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', region: 'us-east-1' };

let t: TestApp;
let ionq: FakeIonq;
beforeEach(async () => {
  ionq = await startFakeIonq({ apiKey: IONQ_KEY });
  t = await createTestApp({}, { QONDUIT_PROVIDER_IONQ_URL: ionq.url });
});
afterEach(async () => {
  await t.close();
  await ionq.close();
});

async function orgWith(owner: Browser, members: Array<[Browser, string]>): Promise<string> {
  const org = (await owner.request({ method: 'POST', url: '/api/v1/orgs', payload: { name: 'Lab' } })).json<{ id: string }>().id;
  for (const [who, role] of members) {
    await addMember(owner, org, who, role);
  }
  return org;
}

const put = (who: Browser, url: string, credentials: Record<string, string>) => who.request({ method: 'PUT', url, payload: { credentials } });

describe('the provider catalog', () => {
  it('lists each provider with its credential fields, which are secret, and where to get a token', async () => {
    const ada = await signUp(t);
    const res = await ada.request({ method: 'GET', url: '/api/v1/providers' });
    expect(res.statusCode).toBe(200);
    const catalog = res.json<Array<{ id: string; token_url: string; fields: Array<{ name: string; secret: boolean }> }>>();
    expect(catalog.map((p) => p.id)).toEqual(expect.arrayContaining(['ibm', 'ibm_cloud', 'ionq', 'aws_braket', 'dwave', 'aqt', 'iqm', 'azure_quantum']));
    const aws = catalog.find((p) => p.id === 'aws_braket');
    expect(aws?.fields.find((f) => f.name === 'secret_access_key')?.secret).toBe(true);
    expect(aws?.fields.find((f) => f.name === 'region')?.secret).toBe(false);
  });
});

describe("a user's own provider tokens", () => {
  it('adds (201), replaces (200) and deletes (204) a token, showing only a masked hint', async () => {
    const ada = await signUp(t);
    const added = await put(ada, '/api/v1/user/provider-tokens/ionq', { api_key: IONQ_KEY });
    expect(added.statusCode).toBe(201);
    expect(added.json()).toMatchObject({ provider: 'ionq', status: 'unchecked', hints: { api_key: `••••${IONQ_KEY.slice(-4)}` }, created_by: { id: ada.userId } });
    expect(added.body).not.toContain(IONQ_KEY);
    const replaced = await put(ada, '/api/v1/user/provider-tokens/ionq', { api_key: IONQ_KEY_2 });
    expect(replaced.statusCode).toBe(200);
    expect(replaced.json()).toMatchObject({ hints: { api_key: `••••${IONQ_KEY_2.slice(-4)}` } });
    const list = await ada.request({ method: 'GET', url: '/api/v1/user/provider-tokens' });
    expect(list.json<{ items: unknown[] }>().items).toHaveLength(1);
    expect(list.body).not.toContain(IONQ_KEY_2);
    expect((await ada.request({ method: 'DELETE', url: '/api/v1/user/provider-tokens/ionq' })).statusCode).toBe(204);
    expect((await ada.request({ method: 'DELETE', url: '/api/v1/user/provider-tokens/ionq' })).statusCode).toBe(404);
    expect((await ada.request({ method: 'GET', url: '/api/v1/user/provider-tokens' })).json()).toEqual({ items: [], next_cursor: null });
  });

  it('shows non-secret fields like the AWS region in full and secret ones masked', async () => {
    const ada = await signUp(t);
    const res = await put(ada, '/api/v1/user/provider-tokens/aws_braket', AWS);
    expect(res.statusCode).toBe(201);
    const hints = res.json<{ hints: Record<string, string> }>().hints;
    expect(hints.region).toBe('us-east-1');
    expect(hints.secret_access_key).toBe('••••EKEY');
    expect(res.body).not.toContain(AWS.secret_access_key);
  });

  it.each([
    ['a secret of the wrong shape', 'aws_braket', { ...AWS, secret_access_key: 'too-short-secret' }, 'credentials.secret_access_key'],
    ['an access key id of the wrong shape', 'aws_braket', { ...AWS, access_key_id: 'XKIAIOSFODNN7EXAMPLE' }, 'credentials.access_key_id'],
    ['a missing field', 'aws_braket', { access_key_id: AWS.access_key_id, region: 'us-east-1' }, 'credentials.secret_access_key'],
    ['an unknown field', 'ionq', { api_key: IONQ_KEY, password: 'x' }, 'credentials.password'],
  ])('refuses %s with 400 naming the field, never echoing the value', async (_label, provider, credentials, field) => {
    const ada = await signUp(t);
    const res = await put(ada, `/api/v1/user/provider-tokens/${provider}`, credentials);
    expect(res.statusCode).toBe(400);
    expect(res.json<{ error: { details: Array<{ field: string }> } }>().error.details.map((d) => d.field)).toContain(field);
    expect(res.body).not.toContain('too-short-secret');
    expect(await t.db.selectFrom('provider_tokens').selectAll().execute()).toHaveLength(0);
  });

  it('answers 404 for an unknown provider', async () => {
    const ada = await signUp(t);
    expect((await put(ada, '/api/v1/user/provider-tokens/quantum_magic', { token: 'x' })).statusCode).toBe(404);
  });

  it('needs the api scope to change and read_api to list', async () => {
    const ada = await signUp(t);
    const reader = await createPat(t, ada, { scopes: ['read_api'] });
    const writer = await createPat(t, ada, { scopes: ['api'] });
    const body = { credentials: { api_key: IONQ_KEY } };
    expect((await t.request({ method: 'PUT', url: '/api/v1/user/provider-tokens/ionq', headers: withToken(reader.token), payload: body })).statusCode).toBe(403);
    expect((await t.request({ method: 'PUT', url: '/api/v1/user/provider-tokens/ionq', headers: withToken(writer.token), payload: body })).statusCode).toBe(201);
    expect((await t.request({ method: 'GET', url: '/api/v1/user/provider-tokens', headers: withToken(reader.token) })).statusCode).toBe(200);
  });
});

describe("an organization's provider tokens", () => {
  it('owners and maintainers add, replace and delete; a maintainer cannot read the secret back', async () => {
    const ada = await signUp(t);
    const max = await signUp(t, 'Max');
    const org = await orgWith(ada, [[max, 'maintainer']]);
    expect((await put(ada, `/api/v1/orgs/${org}/provider-tokens/ionq`, { api_key: IONQ_KEY })).statusCode).toBe(201);
    const replaced = await put(max, `/api/v1/orgs/${org}/provider-tokens/ionq`, { api_key: IONQ_KEY_2 });
    expect(replaced.statusCode).toBe(200);
    expect(replaced.json()).toMatchObject({ account: { id: org, type: 'organization' }, updated_by: { id: max.userId, name: 'Max' }, created_by: { id: ada.userId } });
    const read = await max.request({ method: 'GET', url: `/api/v1/orgs/${org}/provider-tokens/ionq` });
    expect(read.statusCode).toBe(200);
    expect(read.body).not.toContain(IONQ_KEY_2);
    expect((await max.request({ method: 'DELETE', url: `/api/v1/orgs/${org}/provider-tokens/ionq` })).statusCode).toBe(204);
  });

  it('a viewer sees the masked list but can neither add, replace, delete nor verify', async () => {
    const ada = await signUp(t);
    const vic = await signUp(t, 'Vic');
    const org = await orgWith(ada, [[vic, 'viewer']]);
    await put(ada, `/api/v1/orgs/${org}/provider-tokens/ionq`, { api_key: IONQ_KEY });
    const list = await vic.request({ method: 'GET', url: `/api/v1/orgs/${org}/provider-tokens` });
    expect(list.statusCode).toBe(200);
    expect(list.json()).toMatchObject({ items: [{ provider: 'ionq', hints: { api_key: `••••${IONQ_KEY.slice(-4)}` } }] });
    expect(list.body).not.toContain(IONQ_KEY);
    expect((await put(vic, `/api/v1/orgs/${org}/provider-tokens/ionq`, { api_key: IONQ_KEY_2 })).statusCode).toBe(403);
    expect((await put(vic, `/api/v1/orgs/${org}/provider-tokens/aqt`, { token: 'aqt-token-123456789' })).statusCode).toBe(403);
    expect((await vic.request({ method: 'DELETE', url: `/api/v1/orgs/${org}/provider-tokens/ionq` })).statusCode).toBe(403);
    expect((await vic.request({ method: 'POST', url: `/api/v1/orgs/${org}/provider-tokens/ionq/verify` })).statusCode).toBe(403);
    const row = await t.db.selectFrom('provider_tokens').select(['hints', 'updated_by']).executeTakeFirstOrThrow();
    expect(row.updated_by).toBe(ada.userId);
    expect(ionq.requests).toHaveLength(0);
  });

  it('a non-member cannot learn whether the organization has a token: 404 everywhere, as for no organization', async () => {
    const ada = await signUp(t);
    const eve = await signUp(t, 'Eve');
    const org = await orgWith(ada, []);
    await put(ada, `/api/v1/orgs/${org}/provider-tokens/ionq`, { api_key: IONQ_KEY });
    const missingOrg = '01890000-0000-7000-8000-000000000000';
    for (const [method, path] of [
      ['GET', 'provider-tokens'],
      ['GET', 'provider-tokens/ionq'],
      ['GET', 'provider-tokens/aqt'],
      ['DELETE', 'provider-tokens/ionq'],
      ['POST', 'provider-tokens/ionq/verify'],
    ] as const) {
      const theirs = await eve.request({ method, url: `/api/v1/orgs/${org}/${path}` });
      const none = await eve.request({ method, url: `/api/v1/orgs/${missingOrg}/${path}` });
      expect(theirs.statusCode, `${method} ${path}`).toBe(404);
      expect(theirs.json<{ error: { message: string } }>().error.message).toBe(none.json<{ error: { message: string } }>().error.message);
    }
    expect((await put(eve, `/api/v1/orgs/${org}/provider-tokens/ionq`, { api_key: IONQ_KEY_2 })).statusCode).toBe(404);
  });

  it('a removed member loses every right at once', async () => {
    const ada = await signUp(t);
    const max = await signUp(t, 'Max');
    const org = await orgWith(ada, [[max, 'maintainer']]);
    const pat = await createPat(t, max, { scopes: ['api'] });
    expect((await t.request({ method: 'PUT', url: `/api/v1/orgs/${org}/provider-tokens/ionq`, headers: withToken(pat.token), payload: { credentials: { api_key: IONQ_KEY } } })).statusCode).toBe(201);
    await ada.request({ method: 'DELETE', url: `/api/v1/orgs/${org}/members/${max.userId}` });
    expect((await t.request({ method: 'GET', url: `/api/v1/orgs/${org}/provider-tokens`, headers: withToken(pat.token) })).statusCode).toBe(404);
    expect((await t.request({ method: 'DELETE', url: `/api/v1/orgs/${org}/provider-tokens/ionq`, headers: withToken(pat.token) })).statusCode).toBe(404);
    expect(await t.db.selectFrom('provider_tokens').selectAll().execute()).toHaveLength(1);
  });

  it("the organization's audit log is for every member (DESIGN.md: viewers read the audit log), not for others", async () => {
    const ada = await signUp(t);
    const max = await signUp(t, 'Max');
    const vic = await signUp(t, 'Vic');
    const org = await orgWith(ada, [[max, 'maintainer'], [vic, 'viewer']]);
    await put(max, `/api/v1/orgs/${org}/provider-tokens/ionq`, { api_key: IONQ_KEY });
    await max.request({ method: 'DELETE', url: `/api/v1/orgs/${org}/provider-tokens/ionq` });
    const log = await ada.request({ method: 'GET', url: `/api/v1/orgs/${org}/audit-events?action=provider_token.` });
    expect(log.statusCode).toBe(200);
    expect(log.json<{ items: Array<{ action: string; actor: { user_id: string } }> }>().items.map((e) => [e.action, e.actor.user_id])).toEqual([
      ['provider_token.deleted', max.userId],
      ['provider_token.added', max.userId],
    ]);
    expect((await vic.request({ method: 'GET', url: `/api/v1/orgs/${org}/audit-events` })).statusCode).toBe(200);
    const stranger = await signUp(t, 'Stranger');
    expect((await stranger.request({ method: 'GET', url: `/api/v1/orgs/${org}/audit-events` })).statusCode).toBe(404);
  });
});

describe('checking a token against the provider', () => {
  it('records valid after IonQ accepts the key at GET /whoami, sent as Authorization: apiKey', async () => {
    const ada = await signUp(t);
    await put(ada, '/api/v1/user/provider-tokens/ionq', { api_key: IONQ_KEY });
    const res = await ada.request({ method: 'POST', url: '/api/v1/user/provider-tokens/ionq/verify' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'valid', checked_at: t.clock.now().toISOString(), check: { result: 'valid' } });
    expect(ionq.requests.at(-1)).toMatchObject({ method: 'GET', headers: { authorization: `apiKey ${IONQ_KEY}` } });
    expect(ionq.requests.at(-1)?.path).toMatch(/\/whoami$/);
    expect(res.body).not.toContain(IONQ_KEY);
  });

  it('records invalid when IonQ refuses the key', async () => {
    const ada = await signUp(t);
    await put(ada, '/api/v1/user/provider-tokens/ionq', { api_key: IONQ_KEY_2 });
    const res = await ada.request({ method: 'POST', url: '/api/v1/user/provider-tokens/ionq/verify' });
    expect(res.json()).toMatchObject({ status: 'invalid', check: { result: 'invalid' } });
  });

  it('reports an unreachable provider as unreachable, not as an invalid token', async () => {
    const down = await createTestApp({}, { QONDUIT_PROVIDER_IONQ_URL: await closedPortUrl() });
    try {
      const ada = await signUp(down);
      await put(ada, '/api/v1/user/provider-tokens/ionq', { api_key: IONQ_KEY });
      const res = await ada.request({ method: 'POST', url: '/api/v1/user/provider-tokens/ionq/verify' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ status: 'unchecked', check: { result: 'unreachable' } });
    } finally {
      await down.close();
    }
  });
});

describe('encryption at rest', () => {
  it('leaves no credential in plain text in the database or the logs after add, replace and verify', async () => {
    const ada = await signUp(t);
    const org = await orgWith(ada, []);
    await put(ada, '/api/v1/user/provider-tokens/ionq', { api_key: IONQ_KEY });
    await put(ada, '/api/v1/user/provider-tokens/ionq', { api_key: IONQ_KEY_2 });
    await put(ada, `/api/v1/orgs/${org}/provider-tokens/aws_braket`, AWS);
    await ada.request({ method: 'POST', url: '/api/v1/user/provider-tokens/ionq/verify' });
    const stored: string[] = [];
    if (t.database.sqliteFile) {
      for (const f of [t.database.sqliteFile, `${t.database.sqliteFile}-wal`]) {
        try {
          stored.push(readFileSync(f).toString('latin1'));
        } catch {
          // no WAL file after a checkpoint
        }
      }
    }
    for (const table of ['provider_tokens', 'audit_events'] as const) stored.push(JSON.stringify(await t.db.selectFrom(table).selectAll().execute()));
    const logs = t.logLines.join('\n');
    for (const secret of [IONQ_KEY, IONQ_KEY_2, AWS.secret_access_key]) {
      for (const text of stored) expect(text).not.toContain(secret);
      expect(logs).not.toContain(secret);
    }
  });

  it('a sealed credential copied onto another row does not decrypt', async () => {
    const ada = await signUp(t);
    const bob = await signUp(t, 'Bob');
    await put(ada, '/api/v1/user/provider-tokens/ionq', { api_key: IONQ_KEY });
    await put(bob, '/api/v1/user/provider-tokens/ionq', { api_key: IONQ_KEY_2 });
    const adaRow = await t.db.selectFrom('provider_tokens').select('sealed').where('account_id', '=', ada.userId).executeTakeFirstOrThrow();
    await t.db.updateTable('provider_tokens').set({ sealed: adaRow.sealed }).where('account_id', '=', bob.userId).execute();
    const res = await bob.request({ method: 'POST', url: '/api/v1/user/provider-tokens/ionq/verify' });
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain(IONQ_KEY);
    expect(ionq.requests).toHaveLength(0);
  });
});
