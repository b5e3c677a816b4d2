import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeContext } from '../../testing/adapter-fixtures';
import { startFakeDwave } from '../../testing/fake-dwave';
import { closedPortUrl } from '../../testing/fake-server';
import type { FakeServer } from '../../testing/fake-server';
import { createDwaveAdapter } from './dwave.adapter';

const TOKEN = `DEV-${'0123456789abcdef'.repeat(2)}01234567`;

describe('D-Wave adapter', () => {
  let fake: FakeServer;
  const adapter = createDwaveAdapter();
  const ctx = () => fakeContext({ QONDUIT_PROVIDER_DWAVE_URL: fake.url });

  beforeEach(async () => {
    fake = await startFakeDwave({ token: TOKEN });
  });
  afterEach(async () => {
    await fake.close();
  });

  it('verifies a token with GET solvers/remote/ and X-Auth-Token', async () => {
    await expect(adapter.verify({ token: TOKEN }, ctx())).resolves.toEqual({ status: 'valid' });
    expect(fake.requests[0]).toMatchObject({ method: 'GET', path: '/sapi/v2/solvers/remote/' });
    expect(fake.requests[0]?.headers['x-auth-token']).toBe(TOKEN);
  });

  it('reports a wrong token as invalid, with D-Wave’s message and without the token', async () => {
    const wrong = `DEV-${'f'.repeat(40)}`;
    const result = await adapter.verify({ token: wrong }, ctx());
    expect(result.status).toBe('invalid');
    expect(JSON.stringify(result)).toContain('Invalid token');
    expect(JSON.stringify(result)).not.toContain(wrong);
  });

  it('reports a closed port as unreachable, not invalid', async () => {
    const closed = fakeContext({ QONDUIT_PROVIDER_DWAVE_URL: await closedPortUrl('/sapi/v2') });
    await expect(adapter.verify({ token: TOKEN }, closed)).resolves.toMatchObject({ status: 'unreachable' });
  });

  it('reports a D-Wave 502 as unreachable', async () => {
    fake.failNext(502);
    await expect(adapter.verify({ token: TOKEN }, ctx())).resolves.toMatchObject({ status: 'unreachable' });
  });

  it('tells the proxy to send X-Auth-Token upstream', async () => {
    await expect(adapter.proxyAuthHeaders({ token: TOKEN }, ctx())).resolves.toEqual({
      'x-auth-token': TOKEN,
    });
  });
});
