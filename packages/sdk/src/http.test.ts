import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Qonduit } from './client';
import { ConnectionError, PermissionError, RateLimitError, errorFromResponse, parseRetryAfter } from './errors';
import { CookieJar, backoffDelay } from './http';

interface Sent {
  url: string;
  method: string;
  headers: Headers;
  body: string | null;
}

/** A fetch that answers from a script and records what it was sent. */
function scriptedFetch(answers: Array<Response | Error>) {
  const sent: Sent[] = [];
  const fetchFn: typeof fetch = async (input, init) => {
    sent.push({
      url: input instanceof Request ? input.url : input.toString(),
      method: init?.method ?? 'GET',
      headers: new Headers(init?.headers),
      body: typeof init?.body === 'string' ? init.body : null,
    });
    const next = answers.shift();
    if (next === undefined) throw new Error('no scripted answer left');
    if (next instanceof Error) throw next;
    return next;
  };
  return { fetch: fetchFn, sent };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
const apiError = (status: number, code: string, headers: Record<string, string> = {}) =>
  json(status, { error: { code, message: `${code} happened`, request_id: 'req-1' } }, headers);
const USER = { id: 'usr_1', email: 'a@example.com', name: 'A', created_at: '2026-11-28T12:00:00.000Z' };

function client(fetchFn: typeof fetch, extra: Partial<ConstructorParameters<typeof Qonduit>[0]> = {}) {
  const waits: number[] = [];
  const qonduit = new Qonduit({
    baseUrl: 'http://qonduit.test/',
    token: 'qdp_test',
    env: {},
    configFile: null,
    fetch: fetchFn,
    sleep: async (ms) => {
      waits.push(ms);
    },
    ...extra,
  });
  return { qonduit, waits };
}

describe('retries', () => {
  it('retries a GET after 503 and a network error, with growing backoff, then succeeds', async () => {
    const { fetch, sent } = scriptedFetch([apiError(503, 'unavailable'), new TypeError('fetch failed'), json(200, USER)]);
    const { qonduit, waits } = client(fetch);
    expect(await qonduit.user.get()).toEqual(USER);
    expect(sent).toHaveLength(3);
    expect(waits).toHaveLength(2);
    expect(waits[0]).toBeGreaterThanOrEqual(150);
    expect(waits[1]).toBeGreaterThanOrEqual(300);
  });

  it('waits as long as Retry-After says before retrying a 429', async () => {
    const { fetch } = scriptedFetch([apiError(429, 'rate_limited', { 'retry-after': '2' }), json(200, USER)]);
    const { qonduit, waits } = client(fetch);
    await qonduit.user.get();
    expect(waits).toEqual([2000]);
  });

  it('throws RateLimitError with retryAfter at once when Retry-After is longer than it will wait', async () => {
    const { fetch, sent } = scriptedFetch([apiError(429, 'rate_limited', { 'retry-after': '600' })]);
    const { qonduit, waits } = client(fetch);
    const err = await qonduit.user.get().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    expect((err as RateLimitError).retryAfter).toBe(600);
    expect(sent).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it('never retries a POST without an idempotency key: a write could happen twice', async () => {
    const { fetch, sent } = scriptedFetch([apiError(503, 'unavailable')]);
    const { qonduit } = client(fetch);
    await expect(qonduit.orgs.create({ name: 'x' })).rejects.toMatchObject({ status: 503 });
    expect(sent).toHaveLength(1);
  });

  it('retries a POST that carries an idempotency key, sending the same key each time', async () => {
    const org = { id: 'org_1', name: 'x', created_at: USER.created_at, role: 'owner' };
    const { fetch, sent } = scriptedFetch([new TypeError('fetch failed'), json(201, org)]);
    const { qonduit } = client(fetch);
    expect(await qonduit.orgs.create({ name: 'x' }, { idempotencyKey: 'key-1' })).toEqual(org);
    expect(sent.map((s) => s.headers.get('idempotency-key'))).toEqual(['key-1', 'key-1']);
  });

  it('gives up after maxRetries with ConnectionError naming the server', async () => {
    const { fetch, sent } = scriptedFetch([new TypeError('fetch failed'), new TypeError('fetch failed')]);
    const { qonduit } = client(fetch, { retry: { maxRetries: 1 } });
    const err = await qonduit.user.get().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as ConnectionError).message).toContain('http://qonduit.test');
    expect(sent).toHaveLength(2);
  });

  it('an aborted signal stops a retry wait with the abort reason', async () => {
    const { fetch } = scriptedFetch([apiError(503, 'unavailable'), json(200, USER)]);
    const controller = new AbortController();
    const qonduit = new Qonduit({ baseUrl: 'http://qonduit.test', token: 't', env: {}, configFile: null, fetch, retry: { baseDelayMs: 60_000, maxDelayMs: 60_000 } });
    const pending = qonduit.user.get({ signal: controller.signal });
    setTimeout(() => controller.abort(new Error('stopped by the test')), 10);
    await expect(pending).rejects.toThrow('stopped by the test');
  });

  it('backoff doubles per attempt, with jitter, up to the ceiling', () => {
    const policy = { baseDelayMs: 100, maxDelayMs: 1000 };
    expect([0, 1, 2, 3, 4].map((a) => backoffDelay(a, policy, () => 1))).toEqual([100, 200, 400, 800, 1000]);
    expect(backoffDelay(2, policy, () => 0)).toBe(200);
  });
});

describe('what each request carries', () => {
  it('sends the bearer token and this client’s organization, and a per-call override', async () => {
    const { fetch, sent } = scriptedFetch([json(200, USER), json(200, USER), json(200, USER)]);
    const { qonduit } = client(fetch, { organizationId: 'org_a' });
    await qonduit.user.get();
    await qonduit.user.get({ organizationId: null });
    await qonduit.user.get({ organizationId: 'org_b' });
    expect(sent.map((s) => s.headers.get('authorization'))).toEqual(['Bearer qdp_test', 'Bearer qdp_test', 'Bearer qdp_test']);
    expect(sent.map((s) => s.headers.get('x-organizationid'))).toEqual(['org_a', null, 'org_b']);
    expect(sent[0]?.url).toBe('http://qonduit.test/api/v1/user');
  });

  it('sends no credentials to the public leaked-token revocation', async () => {
    const { fetch, sent } = scriptedFetch([json(200, { revoked: 1 })]);
    const { qonduit } = client(fetch, { organizationId: 'org_a' });
    await qonduit.tokens.revokeLeaked(['qdp_x']);
    expect(sent[0]?.headers.get('authorization')).toBeNull();
    expect(sent[0]?.headers.get('x-organizationid')).toBeNull();
    expect(sent[0]?.body).toBe('{"tokens":["qdp_x"]}');
  });

  it('without a token, keeps the session cookies and echoes the CSRF cookie on writes only', async () => {
    const signIn = new Response(JSON.stringify(USER), { status: 200, headers: { 'content-type': 'application/json' } });
    signIn.headers.append('set-cookie', 'qonduit_session=s3cret; Path=/; HttpOnly; SameSite=Lax');
    signIn.headers.append('set-cookie', 'qonduit_csrf=c5rf; Path=/; SameSite=Lax');
    const { fetch, sent } = scriptedFetch([signIn, json(200, USER), json(201, { id: 'org_1' })]);
    const { qonduit } = client(fetch, { token: null });
    await qonduit.auth.login({ email: USER.email, password: 'pw' });
    await qonduit.user.get();
    await qonduit.orgs.create({ name: 'x' });
    expect(sent[1]?.headers.get('cookie')).toBe('qonduit_session=s3cret; qonduit_csrf=c5rf');
    expect(sent[1]?.headers.get('x-csrf-token')).toBeNull();
    expect(sent[2]?.headers.get('x-csrf-token')).toBe('c5rf');
  });

  it('takes the token from QONDUIT_TOKEN, then from the CLI config file (for its own server only), and null means none', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'qonduit-sdk-config-'));
    try {
      mkdirSync(path.join(dir, 'qonduit'));
      writeFileSync(
        path.join(dir, 'qonduit', 'config.json'),
        JSON.stringify({ url: 'http://saved.test', token: 'qdp_saved', context: { id: 'org_ctx', name: 'Ctx', organization: true } }),
      );
      const { fetch, sent } = scriptedFetch([json(200, USER), json(200, USER), json(200, USER)]);
      await new Qonduit({ fetch, env: { XDG_CONFIG_HOME: dir, QONDUIT_TOKEN: 'qdp_env' } }).user.get();
      await new Qonduit({ fetch, env: { XDG_CONFIG_HOME: dir } }).user.get();
      await new Qonduit({ fetch, env: { XDG_CONFIG_HOME: dir, QONDUIT_ORGANIZATION_ID: 'org_env' }, token: null }).user.get();
      expect(sent.map((s) => s.headers.get('authorization'))).toEqual(['Bearer qdp_env', 'Bearer qdp_saved', null]);
      expect(sent.map((s) => s.headers.get('x-organizationid'))).toEqual(['org_ctx', 'org_ctx', 'org_env']);
      expect(sent.map((s) => new URL(s.url).host)).toEqual(['saved.test', 'saved.test', 'saved.test']);

      // Pointed at another server, the client does not send it the saved token.
      const elsewhere = scriptedFetch([json(200, USER)]);
      await new Qonduit({ fetch: elsewhere.fetch, env: { XDG_CONFIG_HOME: dir }, baseUrl: 'http://other.test' }).user.get();
      expect(elsewhere.sent[0]?.headers.get('authorization')).toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('typed errors from answers', () => {
  it('PermissionError lists the scopes from WWW-Authenticate', () => {
    const err = errorFromResponse(
      403,
      new Headers({ 'www-authenticate': 'Bearer error="insufficient_scope", scope="quantum_tokens"' }),
      { error: { code: 'insufficient_scope', message: "needs 'quantum_tokens'", request_id: 'r1' } },
    );
    expect(err).toBeInstanceOf(PermissionError);
    expect(err).toMatchObject({ missingScopes: ['quantum_tokens'], requestId: 'r1', code: 'insufficient_scope' });
  });

  it('an answer that is not the API’s still becomes a QonduitError with its status', () => {
    const err = errorFromResponse(502, new Headers(), null);
    expect(err).toMatchObject({ status: 502, code: 'internal', message: 'The server answered HTTP 502' });
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(parseRetryAfter('120')).toBe(120);
    expect(parseRetryAfter(new Date(Date.UTC(2026, 0, 1, 0, 1)).toUTCString(), Date.UTC(2026, 0, 1))).toBe(60);
    expect(parseRetryAfter(null)).toBeNull();
    expect(parseRetryAfter('soon')).toBeNull();
  });
});

describe('the cookie jar', () => {
  it('forgets a cookie the server clears', () => {
    const jar = new CookieJar();
    jar.store(['a=1; Path=/', 'b=2; Path=/']);
    jar.store(['a=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT', 'b=3; Max-Age=60']);
    expect(jar.header()).toBe('b=3');
    jar.store(['b=4; Max-Age=0']);
    expect(jar.header()).toBeNull();
  });
});
