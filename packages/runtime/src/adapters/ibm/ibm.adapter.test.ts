import { fixedClock } from '@qonduit/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bellJob, fakeContext, jobFromQasm, pollUntilDone } from '../../testing/adapter-fixtures';
import { closedPortUrl } from '../../testing/fake-server';
import { startFakeIbm } from '../../testing/fake-ibm';
import type { FakeIbm } from '../../testing/fake-ibm';
import { createIbmAdapter } from './ibm.adapter';
import { IamTokenCache } from './ibm.iam';

const API_KEY = 'Abcdefghij_Klmnopqrst-Uvwxyz0123456789abcdef';
const CRN =
  'crn:v1:bluemix:public:quantum-computing:us-east:a/0123456789abcdef0123456789abcdef:01234567-89ab-cdef-0123-456789abcdef::';
const credential = { api_key: API_KEY, instance_crn: CRN };

describe('IBM Quantum adapter', () => {
  let fake: FakeIbm;
  const clock = fixedClock(new Date('2026-01-10T12:00:00Z'));
  const ctx = () =>
    fakeContext({ QONDUIT_PROVIDER_IBM_URL: fake.url, QONDUIT_PROVIDER_IBM_IAM_URL: fake.iamUrl }, clock);

  beforeEach(async () => {
    fake = await startFakeIbm({ apiKey: API_KEY, crn: CRN, clock });
  });
  afterEach(async () => {
    await fake.close();
  });

  it('verifies a key by exchanging it at IAM with the apikey grant, then listing backends with the CRN', async () => {
    await expect(createIbmAdapter().verify(credential, ctx())).resolves.toEqual({ status: 'valid' });
    const [exchange, backends] = fake.requests;
    expect(exchange?.path).toBe('/identity/token');
    expect(new URLSearchParams(exchange?.body).get('grant_type')).toBe(
      'urn:ibm:params:oauth:grant-type:apikey',
    );
    expect(backends?.path).toBe('/api/v1/backends');
    expect(backends?.headers['service-crn']).toBe(CRN);
    expect(backends?.headers['ibm-api-version']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(backends?.headers.authorization).toMatch(/^Bearer fake-iam-/);
  });

  it('reports a key IAM does not know (BXNIM0415E) as invalid, without echoing it', async () => {
    const wrong = 'X'.repeat(44);
    const result = await createIbmAdapter().verify({ ...credential, api_key: wrong }, ctx());
    expect(result.status).toBe('invalid');
    expect(JSON.stringify(result)).not.toContain(wrong);
  });

  it('reports a CRN the key cannot use as invalid', async () => {
    const other = CRN.replace('01234567-89ab', 'fedcba98-7654');
    await expect(
      createIbmAdapter().verify({ ...credential, instance_crn: other }, ctx()),
    ).resolves.toMatchObject({ status: 'invalid' });
  });

  it('reports an IAM on a closed port as unreachable, not invalid', async () => {
    const closed = fakeContext(
      { QONDUIT_PROVIDER_IBM_URL: fake.url, QONDUIT_PROVIDER_IBM_IAM_URL: await closedPortUrl() },
      clock,
    );
    await expect(createIbmAdapter().verify(credential, closed)).resolves.toMatchObject({
      status: 'unreachable',
    });
  });

  it('exchanges the key once for two calls while the bearer token is fresh', async () => {
    const adapter = createIbmAdapter();
    await adapter.verify(credential, ctx());
    await adapter.verify(credential, ctx());
    expect(fake.iamExchanges()).toBe(1);
    expect(fake.requests.filter((r) => r.path === '/identity/token')).toHaveLength(1);
  });

  it('exchanges the key again once the token is within a minute of expiring', async () => {
    const adapter = createIbmAdapter();
    await adapter.verify(credential, ctx());
    clock.advance(3600_000 - 30_000);
    await expect(adapter.verify(credential, ctx())).resolves.toEqual({ status: 'valid' });
    expect(fake.iamExchanges()).toBe(2);
  });

  it('keys the token cache by a digest, never by the API key', async () => {
    const tokens = new IamTokenCache();
    await createIbmAdapter('ibm', tokens).verify(credential, ctx());
    expect(tokens.keys()).toHaveLength(1);
    expect(tokens.keys()[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(tokens.keys().join()).not.toContain(API_KEY);
  });

  it('exchanges again and retries once when the runtime refuses a cached token', async () => {
    const adapter = createIbmAdapter();
    await adapter.verify(credential, ctx());
    fake.tokens.clear(); // as if IBM revoked every token it issued
    await expect(adapter.verify(credential, ctx())).resolves.toEqual({ status: 'valid' });
    expect(fake.iamExchanges()).toBe(2);
  });

  it('runs a Bell circuit through the sampler: counts only on 00 and 11 summing to shots', async () => {
    const adapter = createIbmAdapter();
    const { providerJobId } = await adapter.submit(bellJob('ibm_brisbane', 500), credential, ctx());
    const body = JSON.parse(fake.requests.at(-1)?.body ?? '{}') as {
      program_id: string;
      params: { pubs: unknown[][]; version: number };
    };
    expect(body.program_id).toBe('sampler');
    expect(body.params.version).toBe(2);
    expect(body.params.pubs[0]?.[2]).toBe(500);
    expect(await pollUntilDone(adapter, providerJobId, credential, ctx())).toBe('COMPLETED');
    const { counts } = await adapter.result(providerJobId, { qubits: 2, shots: 500 }, credential, ctx());
    expect(Object.keys(counts).sort()).toEqual(['00', '11']);
    expect((counts['00'] ?? 0) + (counts['11'] ?? 0)).toBe(500);
  });

  it('keeps classical bit 0 rightmost across registers (later registers to the left)', async () => {
    const adapter = createIbmAdapter();
    const source = `OPENQASM 3.0;
include "stdgates.inc";
qubit[3] q;
bit[2] a;
bit[1] b;
x q[0];
x q[2];
a[0] = measure q[0];
a[1] = measure q[1];
b[0] = measure q[2];
`;
    const { providerJobId } = await adapter.submit(jobFromQasm(source, 'ibm_torino', 20), credential, ctx());
    await pollUntilDone(adapter, providerJobId, credential, ctx());
    await expect(adapter.result(providerJobId, { qubits: 3, shots: 20 }, credential, ctx())).resolves.toEqual(
      { counts: { '101': 20 } },
    );
  });

  it('cancels with POST /jobs/{id}/cancel', async () => {
    const adapter = createIbmAdapter();
    const { providerJobId } = await adapter.submit(bellJob('ibm_brisbane'), credential, ctx());
    await adapter.cancel(providerJobId, credential, ctx());
    expect(fake.requests.at(-1)).toMatchObject({
      method: 'POST',
      path: `/api/v1/jobs/${providerJobId}/cancel`,
    });
    await expect(adapter.poll(providerJobId, credential, ctx())).resolves.toEqual({ status: 'CANCELLED' });
  });

  it('gives the proxy a bearer token and the Service-CRN, never the API key', async () => {
    const headers = await createIbmAdapter().proxyAuthHeaders(credential, ctx());
    expect(headers['service-crn']).toBe(CRN);
    expect(headers.authorization).toMatch(/^Bearer fake-iam-/);
    expect(JSON.stringify(headers)).not.toContain(API_KEY);
  });

  it('serves ibm_cloud from its own base URL', async () => {
    const cloudCtx = fakeContext(
      { QONDUIT_PROVIDER_IBM_CLOUD_URL: fake.url, QONDUIT_PROVIDER_IBM_IAM_URL: fake.iamUrl },
      clock,
    );
    await expect(createIbmAdapter('ibm_cloud').verify(credential, cloudCtx)).resolves.toEqual({
      status: 'valid',
    });
  });
});
