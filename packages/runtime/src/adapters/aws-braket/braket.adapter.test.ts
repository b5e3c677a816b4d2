import { systemClock } from '@qonduit/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bellJob, fakeContext, jobFromQasm, pollUntilDone } from '../../testing/adapter-fixtures';
import { startFakeBraket } from '../../testing/fake-braket';
import type { FakeBraket } from '../../testing/fake-braket';
import { closedPortUrl } from '../../testing/fake-server';
import { braketResultToCounts } from './braket.results';
import { createBraketAdapter } from './braket.adapter';
import { signedHeaders } from './sigv4';

const KEYS = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  region: 'eu-west-2',
};
const credential = {
  access_key_id: KEYS.accessKeyId,
  secret_access_key: KEYS.secretAccessKey,
  region: KEYS.region,
  s3_bucket: 'amazon-braket-qonduit-test',
};
const SV1 = 'arn:aws:braket:::device/quantum-simulator/amazon/sv1';

describe('Amazon Braket adapter', () => {
  let fake: FakeBraket;
  const adapter = createBraketAdapter();
  const ctx = () =>
    fakeContext({
      QONDUIT_PROVIDER_AWS_BRAKET_URL: fake.url,
      QONDUIT_PROVIDER_AWS_BRAKET_S3_URL: fake.s3Url,
    });

  beforeEach(async () => {
    fake = await startFakeBraket(KEYS);
  });
  afterEach(async () => {
    await fake.close();
  });

  it('verifies keys with a SigV4-signed SearchDevices call', async () => {
    await expect(adapter.verify(credential, ctx())).resolves.toEqual({ status: 'valid' });
    const [request] = fake.requests;
    expect(request).toMatchObject({ method: 'POST', path: '/devices' });
    expect(JSON.parse(request?.body ?? '{}')).toEqual({ filters: [], maxResults: 1 });
    expect(request?.headers.authorization).toContain(`Credential=${KEYS.accessKeyId}/`);
    expect(request?.headers.authorization).toContain(`/${KEYS.region}/braket/aws4_request`);
  });

  it('reports a signature made with the wrong secret as invalid (InvalidSignatureException)', async () => {
    const wrongSecret = 'x'.repeat(40);
    const result = await adapter.verify({ ...credential, secret_access_key: wrongSecret }, ctx());
    expect(result).toMatchObject({ status: 'invalid' });
    expect(JSON.stringify(result)).toContain('signature');
    expect(JSON.stringify(result)).not.toContain(wrongSecret);
  });

  it('reports an access key id AWS does not know as invalid', async () => {
    await expect(
      adapter.verify({ ...credential, access_key_id: 'AKIAAAAAAAAAAAAAAAAA' }, ctx()),
    ).resolves.toMatchObject({
      status: 'invalid',
    });
  });

  it('reports a closed port as unreachable, not invalid', async () => {
    const closed = fakeContext({ QONDUIT_PROVIDER_AWS_BRAKET_URL: await closedPortUrl() });
    await expect(adapter.verify(credential, closed)).resolves.toMatchObject({ status: 'unreachable' });
  });

  it('has the fake refuse a correctly signed request whose body was changed afterwards', async () => {
    const url = `${fake.url}/devices`;
    const body = JSON.stringify({ filters: [], maxResults: 1 });
    const headers = await signedHeaders(
      { method: 'POST', url, body, headers: { 'content-type': 'application/json' } },
      'braket',
      credential,
      new Date(),
    );
    const honest = await fetch(url, { method: 'POST', headers, body });
    expect(honest.status).toBe(200);
    const tampered = await fetch(url, { method: 'POST', headers, body: body.replace('1', '100') });
    expect(tampered.status).toBe(403);
    expect(tampered.headers.get('x-amzn-errortype')).toBe('InvalidSignatureException');
  });

  it('signs the session token of temporary credentials', async () => {
    await fake.close();
    const sessionToken = 'FwoGZXIvYXdzEXAMPLEsessionTOKEN0123456789+/=';
    fake = await startFakeBraket({ ...KEYS, accessKeyId: 'ASIAIOSFODNN7EXAMPLE', sessionToken });
    const temporary = { ...credential, access_key_id: 'ASIAIOSFODNN7EXAMPLE', session_token: sessionToken };
    await expect(adapter.verify(temporary, ctx())).resolves.toEqual({ status: 'valid' });
    expect(fake.requests[0]?.headers['x-amz-security-token']).toBe(sessionToken);
    await expect(
      adapter.verify({ ...temporary, session_token: `${sessionToken}x` }, ctx()),
    ).resolves.toMatchObject({ status: 'invalid' });
  });

  it('runs a Bell circuit: OpenQASM task, results.json from S3, counts only on 00 and 11 summing to shots', async () => {
    const { providerJobId } = await adapter.submit(bellJob(SV1, 600), credential, ctx());
    const created = JSON.parse(fake.requests.at(-1)?.body ?? '{}') as Record<string, unknown>;
    expect(created).toMatchObject({ deviceArn: SV1, shots: 600, outputS3Bucket: credential.s3_bucket });
    expect(JSON.parse(String(created.action))).toMatchObject({
      braketSchemaHeader: { name: 'braket.ir.openqasm.program', version: '1' },
    });
    expect(await pollUntilDone(adapter, providerJobId, credential, ctx())).toBe('COMPLETED');
    const { counts } = await adapter.result(providerJobId, { qubits: 2, shots: 600 }, credential, ctx());
    expect(Object.keys(counts).sort()).toEqual(['00', '11']);
    expect((counts['00'] ?? 0) + (counts['11'] ?? 0)).toBe(600);
    expect(fake.s3Requests.at(-1)?.path).toMatch(
      /^\/amazon-braket-qonduit-test\/qonduit-tasks\/[0-9a-f-]+\/results\.json$/,
    );
    expect(fake.s3Requests.at(-1)?.headers.authorization).toContain('/s3/aws4_request');
  });

  it('turns Braket’s qubit-0-leftmost results into counts with qubit 0 rightmost', async () => {
    const job = jobFromQasm('OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[3] q;\nx q[0];\n', SV1, 7);
    const { providerJobId } = await adapter.submit(job, credential, ctx());
    await pollUntilDone(adapter, providerJobId, credential, ctx());
    await expect(adapter.result(providerJobId, { qubits: 3, shots: 7 }, credential, ctx())).resolves.toEqual({
      counts: { '001': 7 },
    });
  });

  it('cancels with PUT /quantum-task/{arn}/cancel and a client token', async () => {
    const { providerJobId } = await adapter.submit(bellJob(SV1), credential, ctx());
    await adapter.cancel(providerJobId, credential, ctx());
    const request = fake.requests.at(-1);
    expect(request).toMatchObject({
      method: 'PUT',
      path: `/quantum-task/${encodeURIComponent(providerJobId)}/cancel`,
    });
    expect(JSON.parse(request?.body ?? '{}')).toHaveProperty('clientToken');
    await expect(adapter.poll(providerJobId, credential, ctx())).resolves.toEqual({ status: 'CANCELLED' });
  });

  it('refuses to submit without a results bucket, saying which field is missing', async () => {
    const { s3_bucket: _bucket, ...noBucket } = credential;
    const error = await adapter.submit(bellJob(SV1), noBucket, ctx()).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'rejected' });
    expect(String(error)).toContain('s3_bucket');
  });

  it('signs proxied requests so that Braket accepts them', async () => {
    const body = JSON.stringify({ filters: [], maxResults: 2 });
    const url = `${fake.url}/devices`;
    const request = {
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json', 'user-agent': 'planqk' },
      body,
    };
    const headers = await adapter.proxyAuthHeaders(credential, { ...ctx(), clock: systemClock }, request);
    const answer = await fetch(url, { method: 'POST', headers: { ...request.headers, ...headers }, body });
    expect(answer.status).toBe(200);
  });
});

describe('Braket results', () => {
  it('reads measurements in measuredQubits order and writes qubit 0 rightmost', () => {
    const result = {
      measuredQubits: [0, 2],
      measurements: [
        [1, 0],
        [1, 0],
        [0, 1],
      ],
    };
    expect(braketResultToCounts(result, 3, 3)).toEqual({ '001': 2, '100': 1 });
  });

  it('reads measurementProbabilities when a device reports no shots', () => {
    const result = { measuredQubits: [0, 1], measurementProbabilities: { '10': 0.25, '01': 0.75 } };
    expect(braketResultToCounts(result, 2, 100)).toEqual({ '01': 25, '10': 75 });
  });
});
