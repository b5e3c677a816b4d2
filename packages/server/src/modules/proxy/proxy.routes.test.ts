import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { AppError, fixedClock } from '@qonduit/core';
import { providerUrlsFromEnv } from '@qonduit/runtime';
import {
  closedPortUrl,
  startFakeBraket,
  startFakeDwave,
  startFakeIonq,
  startFakeServer,
} from '@qonduit/runtime/testing';
import type { FakeBraket, FakeIonq, FakeServer } from '@qonduit/runtime/testing';
import { createHash } from 'node:crypto';
import { createServer, request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerAuth } from '../../plugins/auth';
import { registerErrorHandling } from '../../plugins/errors';
import type { ResolvedCredential } from '../quantum/credential-resolver';
import { proxyRoutes } from './proxy.routes';
import { addMember, createPat, createTestApp, signUp, withToken } from '../../test/harness';
import type { Browser, TestApp } from '../../test/harness';

const LEAP_USER = `DEV-${'a1'.repeat(20)}`;
const LEAP_ORG = `ORG-${'b2'.repeat(20)}`;
const IONQ_KEY = 'IonQkey0123456789abcdefghijklmno';
const IONQ_WRONG = 'WrongKey123456789abcdefghijklmno';
const AQT_TOKEN = 'aqt-token-0123456789abcdef';
const AWS = {
  access_key_id: 'AKIAIOSFODNN7EXAMPLE',
  secret_access_key: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  region: 'us-east-1',
};

const STREAM_HEAD = 1024 * 1024;
const STREAM_TOTAL = 5 * 1024 * 1024;

// A tiny provider of our own (configured as AQT's base URL) for what the real fakes do not do:
// echo what arrived byte for byte, answer with a redirect or cookies, stream a large body.
interface Recorder {
  url: string;
  requests: Array<{ method: string; path: string; headers: IncomingHttpHeaders; body: Buffer }>;
  /** Lets /stream send the rest of its body. */
  release(): void;
  close(): Promise<void>;
}

async function startRecorder(evilUrl: () => string): Promise<Recorder> {
  const requests: Recorder['requests'] = [];
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const path = req.url ?? '/';
      requests.push({ method: req.method ?? 'GET', path, headers: req.headers, body });
      if (path.startsWith('/api/v1/redirect')) {
        res.writeHead(302, { location: `${evilUrl()}/stolen` });
        res.end();
      } else if (path.startsWith('/api/v1/stream')) {
        res.writeHead(200, {
          'content-type': 'application/octet-stream',
          'content-length': String(STREAM_TOTAL),
        });
        res.write(Buffer.alloc(STREAM_HEAD, 'a'));
        // The rest only once the client has the first part: a proxy that buffered would hang.
        void released.then(() => res.end(Buffer.alloc(STREAM_TOTAL - STREAM_HEAD, 'b')));
      } else {
        res.writeHead(200, {
          'content-type': 'application/json',
          'set-cookie': 'provider_session=abc; Path=/',
          'access-control-allow-origin': '*',
          'x-provider-header': 'kept',
        });
        res.end(JSON.stringify({ method: req.method, path, body_base64: body.toString('base64') }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/v1`,
    requests,
    release: () => release(),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** An HTTP request whose path goes on the wire exactly as written (fetch would normalize it). */
function rawRequest(
  origin: string,
  method: string,
  path: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ hostname, port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

let t: TestApp;
let origin: string;
let dwave: FakeServer;
let ionq: FakeIonq;
let braket: FakeBraket;
let evil: FakeServer;
let recorder: Recorder;
const clock = fixedClock(new Date('2026-11-28T12:00:00.000Z'));

beforeAll(async () => {
  dwave = await startFakeDwave({ token: LEAP_ORG });
  ionq = await startFakeIonq({ apiKey: IONQ_KEY });
  braket = await startFakeBraket({
    accessKeyId: AWS.access_key_id,
    secretAccessKey: AWS.secret_access_key,
    region: AWS.region,
    clock,
  });
  // Must never see a request: every attack below aims at it.
  evil = await startFakeServer(() => ({ status: 200, body: 'owned' }));
  recorder = await startRecorder(() => evil.url);
  t = await createTestApp(
    { clock },
    {
      QONDUIT_PROVIDER_DWAVE_URL: dwave.url,
      QONDUIT_PROVIDER_IONQ_URL: ionq.url,
      QONDUIT_PROVIDER_AWS_BRAKET_URL: braket.url,
      QONDUIT_PROVIDER_AQT_URL: recorder.url,
      QONDUIT_PROVIDER_IQM_URL: await closedPortUrl('/api/v1'),
    },
  );
  origin = await t.app.listen({ port: 0, host: '127.0.0.1' });
});

afterAll(async () => {
  recorder.release();
  await t.close();
  await Promise.all([dwave.close(), ionq.close(), braket.close(), evil.close(), recorder.close()]);
});

const putToken = (who: Browser, url: string, credentials: Record<string, string>) =>
  who.request({ method: 'PUT', url, payload: { credentials } });

async function userWith(
  provider: string,
  credentials: Record<string, string>,
  scopes = ['api', 'quantum_tokens'],
) {
  const user = await signUp(t);
  expect((await putToken(user, `/api/v1/user/provider-tokens/${provider}`, credentials)).statusCode).toBe(
    201,
  );
  const pat = (await createPat(t, user, { scopes })).token;
  return { user, pat };
}

/** Every header value of every recorded request, for "never forwarded" checks. */
const headerValues = (requests: Array<{ headers: Record<string, string | string[] | undefined> }>) =>
  requests.flatMap((r) =>
    Object.values(r.headers).flatMap((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v])),
  );

describe('D-Wave through the proxy, as the SAPI client uses it', () => {
  it('sends X-Auth-Token: <Leap token> upstream in place of the PAT, at the SAPI path the client asked for', async () => {
    const owner = await signUp(t, 'Olga Owner');
    const org = (
      await owner.request({ method: 'POST', url: '/api/v1/orgs', payload: { name: 'Annealers' } })
    ).json<{ id: string }>().id;
    expect(
      (await putToken(owner, `/api/v1/orgs/${org}/provider-tokens/dwave`, { token: LEAP_ORG })).statusCode,
    ).toBe(201);
    const pat = (await createPat(t, owner, { scopes: ['quantum_tokens'] })).token;
    const before = dwave.requests.length;

    // dwave-cloud-client: endpoint = <qonduit>/proxy/dwave/sapi/v2, token = the PAT.
    const endpoint = `${origin}/proxy/dwave/sapi/v2`;
    const res = await fetch(`${endpoint}/solvers/remote/?filter=none`, {
      headers: { 'X-Auth-Token': pat, 'X-OrganizationId': org, 'User-Agent': 'dwave-cloud-client/0.13.2' },
    });

    expect(res.status).toBe(200);
    expect(((await res.json()) as Array<{ id: string }>).map((s) => s.id)).toContain('Advantage_system4.1');
    const seen = dwave.requests.slice(before);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.path).toBe('/sapi/v2/solvers/remote/?filter=none');
    expect(seen[0]?.headers['x-auth-token']).toBe(LEAP_ORG);
    expect(seen[0]?.headers['user-agent']).toBe('dwave-cloud-client/0.13.2');
    expect(seen[0]?.headers['x-organizationid']).toBeUndefined();
    expect(headerValues(seen).join('\n')).not.toContain(pat);
  });

  it("spends the organization's token in its context and the user's own without one", async () => {
    const owner = await signUp(t, 'Olga Owner');
    const viewer = await signUp(t, 'Vic Viewer');
    const org = (
      await owner.request({ method: 'POST', url: '/api/v1/orgs', payload: { name: 'Lab' } })
    ).json<{ id: string }>().id;
    await addMember(owner, org, viewer, 'viewer');
    await putToken(owner, `/api/v1/orgs/${org}/provider-tokens/dwave`, { token: LEAP_ORG });
    await putToken(viewer, '/api/v1/user/provider-tokens/dwave', { token: LEAP_USER });
    const pat = (await createPat(t, viewer, { scopes: ['quantum_tokens'] })).token;

    const before = dwave.requests.length;
    const inOrg = await t.request({
      method: 'GET',
      url: '/proxy/dwave/sapi/v2/solvers/remote/',
      headers: { 'x-auth-token': pat, 'x-organizationid': org },
    });
    const personal = await t.request({
      method: 'GET',
      url: '/proxy/dwave/sapi/v2/solvers/remote/',
      headers: { 'x-auth-token': pat },
    });

    expect(inOrg.statusCode).toBe(200);
    // The fake accepts only the organization's token; its 401 to the user's own passes through.
    expect(personal.statusCode).toBe(401);
    expect(dwave.requests.slice(before).map((r) => r.headers['x-auth-token'])).toEqual([LEAP_ORG, LEAP_USER]);
  });

  it('answers 400 provider_token_missing naming D-Wave when no token is available, and reaches nothing', async () => {
    const user = await signUp(t);
    const pat = (await createPat(t, user, { scopes: ['quantum_tokens'] })).token;
    const before = dwave.requests.length;
    const res = await t.request({
      method: 'GET',
      url: '/proxy/dwave/sapi/v2/solvers/remote/',
      headers: { 'x-auth-token': pat },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      error: { code: 'provider_token_missing', message: expect.stringContaining('D-Wave') as unknown },
    });
    expect(dwave.requests.length).toBe(before);
  });

  it('refuses a PAT without quantum_tokens with 403 insufficient_scope, and reaches nothing', async () => {
    const { pat } = await userWith('dwave', { token: LEAP_ORG }, ['api', 'read_api']);
    const before = dwave.requests.length;
    const res = await t.request({
      method: 'GET',
      url: '/proxy/dwave/sapi/v2/solvers/remote/',
      headers: { 'x-auth-token': pat },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ error: { code: 'insufficient_scope' } });
    expect(dwave.requests.length).toBe(before);
  });

  it('answers 404 for an unknown provider and 401 without a token', async () => {
    const { pat } = await userWith('dwave', { token: LEAP_ORG });
    expect(
      (await t.request({ method: 'GET', url: '/proxy/nosuch/x', headers: withToken(pat) })).statusCode,
    ).toBe(404);
    expect((await t.request({ method: 'GET', url: '/proxy/dwave/sapi/v2/solvers/remote/' })).statusCode).toBe(
      401,
    );
  });
});

describe('only configured provider base URLs are ever reached', () => {
  const attacks = (evilHost: string) => [
    '/proxy/ionq/../../etc/passwd',
    '/proxy/ionq/v0.4/../../etc',
    '/proxy/ionq/%2e%2e/%2e%2e/etc',
    '/proxy/ionq/%2e%2e%2f%2e%2e%2fetc',
    '/proxy/ionq/..%2f..%2fetc',
    '/proxy/ionq/%252e%252e/%252e%252e/etc',
    '/proxy/ionq/..;/..;/etc',
    '/proxy/ionq/..\\..\\etc',
    '/proxy/ionq/%5c..%5c..%5cetc',
    '/proxy/ionq//evil.example/',
    `/proxy/ionq//${evilHost}/`,
    '/proxy/ionq/http://evil.example',
    `/proxy/ionq/http://${evilHost}/x`,
    `/proxy/ionq/http:%2f%2f${evilHost}/x`,
    `/proxy/ionq/%2f%2f${evilHost}/x`,
  ];

  it('refuses traversal, encoded traversal, backslashes and absolute URLs in the path with 400', async () => {
    const { pat } = await userWith('ionq', { api_key: IONQ_KEY });
    const evilHost = new URL(evil.url).host;
    const before = ionq.requests.length;
    for (const path of attacks(evilHost)) {
      const res = await rawRequest(origin, 'GET', path, withToken(pat));
      expect(res.status, path).toBe(400);
    }
    expect(evil.requests).toEqual([]);
    expect(ionq.requests.length).toBe(before);
  });

  it('sends odd but harmless paths to the configured host only, under its base path', async () => {
    const { pat } = await userWith('ionq', { api_key: IONQ_KEY });
    const evilHost = new URL(evil.url).host;
    const before = ionq.requests.length;
    for (const path of [
      `/proxy/ionq/@${evilHost}/`,
      `/proxy/ionq/%40${evilHost}`,
      `/proxy/ionq/${evilHost}`,
    ]) {
      const res = await rawRequest(origin, 'GET', path, withToken(pat));
      expect(res.status, path).toBe(404);
    }
    expect(evil.requests).toEqual([]);
    const seen = ionq.requests.slice(before);
    expect(seen).toHaveLength(3);
    for (const r of seen) expect(r.path.startsWith('/v0.4/')).toBe(true);
  });

  it('never follows a redirect: a 3xx with a Location answers 502 and the target sees nothing', async () => {
    const { pat } = await userWith('aqt', { token: AQT_TOKEN });
    const res = await t.request({ method: 'GET', url: '/proxy/aqt/redirect', headers: withToken(pat) });
    expect(res.statusCode).toBe(502);
    expect(res.json()).toMatchObject({
      error: { code: 'provider_error', message: expect.stringContaining('redirect') as unknown },
    });
    expect(res.headers.location).toBeUndefined();
    expect(evil.requests).toEqual([]);
  });
});

describe('what crosses the proxy', () => {
  it('forwards an IonQ job submission byte for byte, with Authorization: apiKey on the wire', async () => {
    const { pat } = await userWith('ionq', { api_key: IONQ_KEY });
    const body =
      '{ "type": "ionq.circuit.v1",\n  "backend": "simulator", "shots": 100, "name": "Bell ✓",\n  "input": {"qubits": 2, "circuit": [{"gate": "h", "target": 0}, {"gate": "cnot", "control": 0, "target": 1}]} }';
    const before = ionq.requests.length;
    const res = await t.request({
      method: 'POST',
      url: '/proxy/ionq/v0.4/jobs',
      headers: withToken(pat, { 'content-type': 'application/json' }),
      payload: body,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json<{ id: string }>().id).toMatch(/^[0-9a-f-]{36}$/);
    const seen = ionq.requests.slice(before);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: 'POST', path: '/v0.4/jobs', body });
    expect(seen[0]?.headers.authorization).toBe(`apiKey ${IONQ_KEY}`);
    expect(seen[0]?.headers['content-type']).toBe('application/json');
    expect(seen[0]?.headers['content-length']).toBe(String(Buffer.byteLength(body)));
  });

  it('forwards bodies of any type unchanged, even bytes that are not UTF-8', async () => {
    const { pat } = await userWith('aqt', { token: AQT_TOKEN });
    const bytes = Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x41, 0x0a, 0xc3]);
    const before = recorder.requests.length;
    const res = await t.request({
      method: 'PUT',
      url: '/proxy/aqt/upload',
      headers: withToken(pat, { 'content-type': 'application/octet-stream' }),
      payload: bytes,
    });
    expect(res.statusCode).toBe(200);
    const seen = recorder.requests.slice(before);
    expect(seen[0]?.body.equals(bytes)).toBe(true);
    const text = await t.request({
      method: 'POST',
      url: '/proxy/aqt/notes',
      headers: withToken(pat, { 'content-type': 'text/plain' }),
      payload: 'plain text',
    });
    expect(text.statusCode).toBe(200);
    expect(recorder.requests.at(-1)?.body.toString('utf8')).toBe('plain text');
  });

  it('leaves the JSON API refusing non-JSON bodies with 415 (the proxy parser stays inside its plugin)', async () => {
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'content-type': 'text/plain' },
      payload: 'hello',
    });
    expect(res.statusCode).toBe(415);
  });

  it("never forwards the caller's session cookie, CSRF header, PAT or organization header", async () => {
    const user = await signUp(t);
    await putToken(user, '/api/v1/user/provider-tokens/aqt', { token: AQT_TOKEN });
    const before = recorder.requests.length;
    // A cookie-authenticated write, as the web UI would send it.
    const res = await user.request({
      method: 'POST',
      url: '/proxy/aqt/submit/ws/res',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '10.0.0.1' },
      payload: '{}',
    });
    expect(res.statusCode).toBe(200);
    const pat = (await createPat(t, user, { scopes: ['quantum_tokens'] })).token;
    await t.request({
      method: 'GET',
      url: '/proxy/aqt/workspaces',
      headers: { 'x-auth-token': pat, cookie: 'qonduit_session=stolen; other=1' },
    });
    const seen = recorder.requests.slice(before);
    expect(seen).toHaveLength(2);
    for (const r of seen) {
      expect(r.headers.cookie).toBeUndefined();
      expect(r.headers['x-csrf-token']).toBeUndefined();
      expect(r.headers['x-auth-token']).toBeUndefined();
      expect(r.headers['x-forwarded-for']).toBeUndefined();
      expect(r.headers.authorization).toBe(`Bearer ${AQT_TOKEN}`);
    }
    expect(headerValues(seen).join('\n')).not.toContain(pat);
  });

  it("returns the provider's status, body and headers, without its cookies or CORS headers", async () => {
    const { pat } = await userWith('aqt', { token: AQT_TOKEN });
    const res = await t.request({
      method: 'GET',
      url: '/proxy/aqt/result/42?verbose=true',
      headers: withToken(pat),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ method: 'GET', path: '/api/v1/result/42?verbose=true' });
    expect(res.headers['x-provider-header']).toBe('kept');
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    const head = await t.request({ method: 'HEAD', url: '/proxy/aqt/result/42', headers: withToken(pat) });
    expect(head.statusCode).toBe(200);
    expect(head.body).toBe('');
  });

  it('streams a large answer to the client before the provider has finished sending it', async () => {
    const { pat } = await userWith('aqt', { token: AQT_TOKEN });
    // A proxy that buffered would never deliver the first part: fail fast instead of hanging.
    const res = await fetch(`${origin}/proxy/aqt/stream`, {
      headers: withToken(pat),
      signal: AbortSignal.timeout(10_000),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe(String(STREAM_TOTAL));
    const reader = res.body?.getReader();
    if (!reader) throw new Error('no body');
    const hash = createHash('sha256');
    let received = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      hash.update(value);
      received += value.byteLength;
      if (received >= STREAM_HEAD) recorder.release();
    }
    expect(received).toBe(STREAM_TOTAL);
    const expected = createHash('sha256')
      .update(Buffer.alloc(STREAM_HEAD, 'a'))
      .update(Buffer.alloc(STREAM_TOTAL - STREAM_HEAD, 'b'))
      .digest('hex');
    expect(hash.digest('hex')).toBe(expected);
  });

  it("passes AWS Braket's independent SigV4 check, for a body and for an ARN in the path", async () => {
    const { pat } = await userWith('aws_braket', AWS);
    const devices = await t.request({
      method: 'POST',
      url: '/proxy/aws_braket/devices',
      headers: withToken(pat, { 'content-type': 'application/json' }),
      payload: '{"filters":[],"maxResults":5}',
    });
    expect(devices.statusCode, devices.body).toBe(200);
    expect(devices.json<{ devices: unknown[] }>().devices.length).toBeGreaterThan(0);

    const action = JSON.stringify({
      braketSchemaHeader: { name: 'braket.ir.openqasm.program', version: '1' },
      source: 'OPENQASM 3.0;\nqubit[1] q;\nbit[1] c;\nh q[0];\nc[0] = measure q[0];',
    });
    const created = await t.request({
      method: 'POST',
      url: '/proxy/aws_braket/quantum-task',
      headers: withToken(pat, { 'content-type': 'application/json' }),
      payload: JSON.stringify({
        action,
        deviceArn: 'arn:aws:braket:::device/quantum-simulator/amazon/sv1',
        shots: 10,
        outputS3Bucket: 'amazon-braket-test',
        outputS3KeyPrefix: 'jobs',
        clientToken: 'proxy-test-1',
      }),
    });
    expect(created.statusCode, created.body).toBe(201);
    const arn = created.json<{ quantumTaskArn: string }>().quantumTaskArn;
    const task = await t.request({
      method: 'GET',
      url: `/proxy/aws_braket/quantum-task/${encodeURIComponent(arn)}`,
      headers: withToken(pat),
    });
    expect(task.statusCode, task.body).toBe(200);
    expect(task.json()).toMatchObject({ quantumTaskArn: arn });
  });
});

describe('provider failures', () => {
  it('passes a 401 from the provider through unchanged and marks the stored token invalid', async () => {
    const { user, pat } = await userWith('ionq', { api_key: IONQ_WRONG });
    const res = await t.request({ method: 'GET', url: '/proxy/ionq/whoami', headers: withToken(pat) });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'Invalid key provided' });
    const token = (await user.request({ method: 'GET', url: '/api/v1/user/provider-tokens/ionq' })).json<{
      status: string;
      check_message: string;
    }>();
    expect(token.status).toBe('invalid');
    expect(token.check_message).toContain('IonQ');
  });

  it('answers 502 provider_error naming the provider when it cannot be reached', async () => {
    const { pat } = await userWith('iqm', { token: 'iqm-token-0123456789abcdef' });
    const res = await t.request({
      method: 'GET',
      url: '/proxy/iqm/quantum-computers',
      headers: withToken(pat),
    });
    expect(res.statusCode).toBe(502);
    expect(res.json()).toMatchObject({
      error: { code: 'provider_error', message: expect.stringContaining('IQM') as unknown },
    });
  });
});

describe('use of a token through the proxy', () => {
  it('records last_used_at on every call and a provider_token.used audit event at most once an hour', async () => {
    const { user, pat } = await userWith('ionq', { api_key: IONQ_KEY });
    const call = () => t.request({ method: 'GET', url: '/proxy/ionq/backends', headers: withToken(pat) });
    const usedEvents = async () =>
      (await user.request({ method: 'GET', url: '/api/v1/user/audit-events' }))
        .json<{ items: Array<{ action: string }> }>()
        .items.filter((e) => e.action === 'provider_token.used');

    expect((await call()).statusCode).toBe(200);
    expect((await call()).statusCode).toBe(200);
    expect(await usedEvents()).toHaveLength(1);
    clock.advance(30 * 60_000);
    await call();
    expect(await usedEvents()).toHaveLength(1);
    clock.advance(61 * 60_000);
    await call();
    expect(await usedEvents()).toHaveLength(2);
    const token = (await user.request({ method: 'GET', url: '/api/v1/user/provider-tokens/ionq' })).json<{
      last_used_at: string;
    }>();
    expect(token.last_used_at).toBe(clock.now().toISOString());
  });

  it('writes neither the PAT nor the provider credential to the log', async () => {
    const { pat } = await userWith('dwave', { token: LEAP_ORG });
    await t.request({
      method: 'GET',
      url: '/proxy/dwave/sapi/v2/solvers/remote/?token=x',
      headers: { 'x-auth-token': pat },
    });
    await t.request({ method: 'GET', url: '/proxy/iqm/x', headers: withToken(pat) });
    const log = t.logLines.join('\n');
    expect(log).not.toContain(pat);
    expect(log).not.toContain(LEAP_ORG);
    expect(log).not.toContain(IONQ_KEY);
    expect(log).not.toContain(AWS.secret_access_key);
  });
});

// The proxy alone, on a bare server, with a short timeout or the operator's platform
// credential: what the whole app is not configured to do here.
async function bareProxy(ionqUrl: string, timeoutMs: number, source: 'user' | 'platform' = 'user') {
  const invalidated: string[] = [];
  const used: string[] = [];
  const audited: string[] = [];
  const resolved: ResolvedCredential =
    source === 'platform'
      ? { source: 'platform', recordId: null, account: null, credential: { api_key: IONQ_KEY } }
      : { source: 'user', recordId: 'record-1', account: { id: 'user-1', type: 'user' }, credential: { api_key: IONQ_KEY } };
  const app = Fastify().withTypeProvider<TypeBoxTypeProvider>();
  registerErrorHandling(app);
  registerAuth(app, {
    resolveSession: () => Promise.resolve(null),
    verifyPat: () =>
      Promise.resolve({
        ok: true,
        token: { userId: 'user-1', tokenId: 'pat-1', scopes: new Set(['quantum_tokens'] as const) },
      }),
    membershipRole: () => Promise.resolve(null),
  });
  await app.register(proxyRoutes, {
    resolver: {
      resolve: () => Promise.resolve(resolved),
      missing: (provider) => new AppError('provider_token_missing', `no ${provider} token`),
    },
    providerTokens: {
      markUsed: (id) => Promise.resolve(used.push(id) === 1),
      markInvalid: (id) => Promise.resolve(void invalidated.push(id)),
    },
    audit: { record: (event) => Promise.resolve(void audited.push(event.action)) },
    jobs: { submitterOf: () => Promise.resolve(null) },
    providerUrls: providerUrlsFromEnv({ QONDUIT_PROVIDER_IONQ_URL: ionqUrl }),
    fetch: globalThis.fetch,
    clock,
    timeoutMs,
  });
  await app.ready();
  return { app, invalidated, used, audited };
}

describe('the proxy on its own', () => {
  it('answers 502 provider_error when the provider does not answer within the timeout', async () => {
    const stalled = await startFakeIonq({ apiKey: IONQ_KEY });
    const bare = await bareProxy(stalled.url, 300);
    try {
      stalled.stallNext();
      const res = await bare.app.inject({
        method: 'GET',
        url: '/proxy/ionq/backends',
        headers: withToken('qdp_anything'),
      });
      expect(res.statusCode).toBe(502);
      expect(res.json()).toMatchObject({
        error: { code: 'provider_error', message: expect.stringContaining('IonQ did not answer') as unknown },
      });
    } finally {
      await bare.app.close();
      await stalled.close();
    }
  });

  it("never lets the operator's platform credential through: 403 naming it, and the provider sees nothing", async () => {
    const provider = await startFakeIonq({ apiKey: IONQ_KEY });
    const bare = await bareProxy(provider.url, 5_000, 'platform');
    try {
      for (const [method, url] of [
        ['GET', '/proxy/ionq/whoami'],
        ['GET', '/proxy/ionq/jobs'],
        ['PUT', '/proxy/ionq/jobs/some-job/status/cancel'],
      ] as const) {
        const res = await bare.app.inject({ method, url, headers: withToken('qdp_anything') });
        expect(res.statusCode, `${method} ${url}`).toBe(403);
        expect(res.json()).toMatchObject({
          error: { code: 'forbidden', message: expect.stringContaining('platform IonQ credential') as unknown },
        });
      }
      expect(provider.requests).toEqual([]);
      expect(bare.invalidated).toEqual([]);
      expect(bare.used).toEqual([]);
      expect(bare.audited).toEqual([]);
    } finally {
      await bare.app.close();
      await provider.close();
    }
  });
});
