import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeContext } from '../testing/adapter-fixtures';
import { json, startFakeServer } from '../testing/fake-server';
import type { FakeReply, FakeServer } from '../testing/fake-server';
import { describeErrorBody, send, sendJson, verifyWith } from './http';
import { ProviderError } from './types';

const SECRET = 'sk-very-secret-token-value';

describe('the adapters’ HTTP helper', () => {
  let fake: FakeServer;
  let reply: FakeReply;
  const ctx = () => fakeContext({});
  const get = (extra: { timeoutMs?: number; forbidden?: 'auth' | 'rejected' } = {}) =>
    send(ctx(), { provider: 'Example', method: 'GET', url: `${fake.url}/x`, secrets: [SECRET], ...extra });

  beforeEach(async () => {
    reply = json(200, { ok: true });
    fake = await startFakeServer(() => reply);
  });
  afterEach(async () => {
    await fake.close();
  });

  it.each([
    [401, 'auth'],
    [403, 'auth'],
    [400, 'rejected'],
    [404, 'rejected'],
    [422, 'rejected'],
    [429, 'unreachable'],
    [500, 'unreachable'],
    [503, 'unreachable'],
  ])('maps HTTP %i to %s', async (status, kind) => {
    reply = json(status, { message: 'nope' });
    await expect(get()).rejects.toMatchObject({ kind, status });
  });

  it('reads a 403 as rejected when the caller says 403 means "not this resource"', async () => {
    reply = json(403, { detail: 'Workspace not available.' });
    const error = await get({ forbidden: 'rejected' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'rejected' });
    expect(String(error)).toContain('Workspace');
  });

  it('gives up after the timeout and calls that unreachable', async () => {
    fake.stallNext();
    const error = await get({ timeoutMs: 200 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'unreachable' });
    expect(String(error)).toContain('no answer');
  });

  it('passes the caller’s own abort through unchanged', async () => {
    fake.stallNext();
    const controller = new AbortController();
    const pending = send(
      { ...ctx(), signal: controller.signal },
      { provider: 'Example', method: 'GET', url: `${fake.url}/x` },
    );
    setTimeout(() => controller.abort(new Error('shutting down')), 50);
    await expect(pending).rejects.toThrow('shutting down');
  });

  it('calls an answer that is not JSON a protocol error', async () => {
    reply = { status: 200, body: '<html>' };
    await expect(
      sendJson(ctx(), { provider: 'Example', method: 'GET', url: `${fake.url}/x` }),
    ).rejects.toMatchObject({ kind: 'protocol' });
  });

  it('removes the credential from a provider message that echoes it, and shortens long messages', async () => {
    reply = json(400, { message: `key ${SECRET} is not valid ${'x'.repeat(1000)}` });
    const error = (await get().catch((e: unknown) => e)) as ProviderError;
    expect(error.message).not.toContain(SECRET);
    expect(error.message).toContain('[redacted]');
    expect(error.message.length).toBeLessThan(400);
  });

  it('refuses to follow a redirect away from the configured URL', async () => {
    reply = { status: 302, headers: { location: 'http://127.0.0.1:1/elsewhere' } };
    await expect(get()).rejects.toMatchObject({ kind: 'unreachable' });
  });

  it('reads a 404 on a verification call as a wrong URL (unreachable), not a bad token', async () => {
    reply = json(404, { message: 'no such route' });
    await expect(verifyWith(() => get())).resolves.toMatchObject({ status: 'unreachable' });
  });
});

describe('describeErrorBody', () => {
  it('finds the message and code in the shapes providers use', () => {
    expect(
      describeErrorBody('{"errorCode":"BXNIM0415E","errorMessage":"Provided API key could not be found."}'),
    ).toEqual({
      code: 'BXNIM0415E',
      message: 'Provided API key could not be found.',
    });
    expect(describeErrorBody('{"errors":[{"code":"unauthorized","message":"Invalid token"}]}').message).toBe(
      'Invalid token',
    );
    expect(describeErrorBody('{"detail":[{"loc":["body"],"msg":"field required"}]}').message).toBe(
      'field required',
    );
    expect(describeErrorBody('{"error_code":401,"error_msg":"Invalid token or access denied"}').message).toBe(
      'Invalid token or access denied',
    );
    expect(
      describeErrorBody('<Error><Code>SignatureDoesNotMatch</Code><Message>bad</Message></Error>'),
    ).toEqual({
      code: 'SignatureDoesNotMatch',
      message: 'bad',
    });
  });
});

describe('ProviderError', () => {
  it('carries kind, status and the provider’s code', () => {
    const error = new ProviderError('rejected', 'refused', { status: 400, code: 'X' });
    expect(error).toMatchObject({ name: 'ProviderError', kind: 'rejected', status: 400, code: 'X' });
  });
});
