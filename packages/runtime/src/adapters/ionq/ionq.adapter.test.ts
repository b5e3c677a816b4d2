import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bellJob, fakeContext, jobFromQasm, pollUntilDone } from '../../testing/adapter-fixtures';
import { closedPortUrl } from '../../testing/fake-server';
import { startFakeIonq } from '../../testing/fake-ionq';
import type { FakeIonq } from '../../testing/fake-ionq';
import { ProviderError } from '../types';
import { createIonqAdapter, ionqJobBody } from './ionq.adapter';

const API_KEY = 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6';
const credential = { api_key: API_KEY };

describe('IonQ adapter', () => {
  let fake: FakeIonq;
  const adapter = createIonqAdapter();
  const ctx = () => fakeContext({ QONDUIT_PROVIDER_IONQ_URL: fake.url });

  beforeEach(async () => {
    fake = await startFakeIonq({ apiKey: API_KEY });
  });
  afterEach(async () => {
    await fake.close();
  });

  it('verifies a key IonQ accepts with GET /whoami and the apiKey scheme', async () => {
    await expect(adapter.verify(credential, ctx())).resolves.toEqual({ status: 'valid' });
    expect(fake.requests[0]?.path).toBe('/v0.4/whoami');
    expect(fake.requests[0]?.headers.authorization).toBe(`apiKey ${API_KEY}`);
  });

  it('reports a wrong key as invalid, without echoing it', async () => {
    const wrong = 'Z'.repeat(32);
    const result = await adapter.verify({ api_key: wrong }, ctx());
    expect(result.status).toBe('invalid');
    expect(JSON.stringify(result)).not.toContain(wrong);
  });

  it('reports a closed port as unreachable, not invalid', async () => {
    const result = await adapter.verify(
      credential,
      fakeContext({ QONDUIT_PROVIDER_IONQ_URL: await closedPortUrl('/v0.4') }),
    );
    expect(result.status).toBe('unreachable');
  });

  it('reports a 503 from IonQ as unreachable', async () => {
    fake.failNext(503);
    await expect(adapter.verify(credential, ctx())).resolves.toMatchObject({ status: 'unreachable' });
  });

  it('runs a Bell circuit: submit, poll, result give counts only on 00 and 11 summing to shots', async () => {
    const { providerJobId } = await adapter.submit(bellJob('simulator', 1000), credential, ctx());
    const submitted = JSON.parse(fake.requests.at(-1)?.body ?? '{}') as Record<string, unknown>;
    expect(submitted).toMatchObject({
      type: 'ionq.circuit.v1',
      backend: 'simulator',
      shots: 1000,
      input: { gateset: 'qis', qubits: 2 },
    });
    expect(await pollUntilDone(adapter, providerJobId, credential, ctx())).toBe('COMPLETED');
    const { counts } = await adapter.result(providerJobId, { qubits: 2, shots: 1000 }, credential, ctx());
    expect(Object.keys(counts).sort()).toEqual(['00', '11']);
    expect((counts['00'] ?? 0) + (counts['11'] ?? 0)).toBe(1000);
  });

  it('puts a one-qubit X on qubit 0 as the rightmost bit of the counts', async () => {
    const job = jobFromQasm(
      'OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[3] q;\nx q[0];\n',
      'simulator',
      10,
    );
    const { providerJobId } = await adapter.submit(job, credential, ctx());
    await pollUntilDone(adapter, providerJobId, credential, ctx());
    const { counts } = await adapter.result(providerJobId, { qubits: 3, shots: 10 }, credential, ctx());
    expect(counts).toEqual({ '001': 10 });
  });

  it('cancels with PUT /jobs/{id}/status/cancel', async () => {
    const { providerJobId } = await adapter.submit(bellJob('simulator'), credential, ctx());
    await adapter.cancel(providerJobId, credential, ctx());
    expect(fake.requests.at(-1)).toMatchObject({
      method: 'PUT',
      path: `/v0.4/jobs/${providerJobId}/status/cancel`,
    });
    await expect(adapter.poll(providerJobId, credential, ctx())).resolves.toEqual({ status: 'CANCELLED' });
  });

  it('turns a refused job into a rejected error carrying IonQ’s message', async () => {
    const job = { ...bellJob('qpu.nonsense!'), backend: 'qpu.nonsense!' };
    const error = await adapter.submit(job, credential, ctx()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: 'rejected', status: 400 });
    expect((error as ProviderError).message).toContain('unknown backend');
  });

  it('sends the proxy the apiKey authorization header', async () => {
    await expect(adapter.proxyAuthHeaders(credential, ctx())).resolves.toEqual({
      authorization: `apiKey ${API_KEY}`,
    });
  });
});

describe('IonQ job body', () => {
  it('falls back to ionq.qasm3.v1 when the circuit has no IonQ JSON form', () => {
    // A measurement followed by a gate cannot be written in IonQ's JSON format.
    const job = jobFromQasm(
      'OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[1] q;\nbit[1] c;\nc[0] = measure q[0];\nx q[0];\n',
      'simulator',
    );
    const body = ionqJobBody(job);
    expect(body.type).toBe('ionq.qasm3.v1');
    expect(body.input).toEqual({ qubits: 1, data: job.qasm3 });
  });
});
