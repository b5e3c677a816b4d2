import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Circuit } from '../../simulator/circuit';
import { parseQasm } from '../../simulator/qasm-parser';
import { bellJob, fakeContext, jobFromQasm, pollUntilDone } from '../../testing/adapter-fixtures';
import { aqtCircuitToIr, startFakeAqt } from '../../testing/fake-aqt';
import type { FakeAqt } from '../../testing/fake-aqt';
import { outcomeProbabilities } from '../../testing/fake-execution';
import { closedPortUrl } from '../../testing/fake-server';
import { ProviderError } from '../types';
import { aqtSamplesToCounts, createAqtAdapter } from './aqt.adapter';
import { toAqtCircuit } from './aqt.circuit';

const TOKEN = 'aqt-token-0123456789abcdef';
const credential = { token: TOKEN };

describe('AQT adapter', () => {
  let fake: FakeAqt;
  const adapter = createAqtAdapter();
  const ctx = () => fakeContext({ QONDUIT_PROVIDER_AQT_URL: fake.url });

  beforeEach(async () => {
    fake = await startFakeAqt({ token: TOKEN });
  });
  afterEach(async () => {
    await fake.close();
  });

  it('verifies a token with GET /workspaces and the bearer scheme', async () => {
    await expect(adapter.verify(credential, ctx())).resolves.toEqual({ status: 'valid' });
    expect(fake.requests[0]).toMatchObject({ method: 'GET', path: '/api/v1/workspaces' });
    expect(fake.requests[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('reports a wrong token as invalid', async () => {
    await expect(adapter.verify({ token: 'wrong-token-0123456789' }, ctx())).resolves.toMatchObject({
      status: 'invalid',
    });
  });

  it('reports a closed port as unreachable, not invalid', async () => {
    const closed = fakeContext({ QONDUIT_PROVIDER_AQT_URL: await closedPortUrl('/api/v1') });
    await expect(adapter.verify(credential, closed)).resolves.toMatchObject({ status: 'unreachable' });
  });

  it('runs a Bell circuit in R/RXX gates: counts only on 00 and 11 summing to shots', async () => {
    const { providerJobId } = await adapter.submit(bellJob('default/simulator_noise', 400), credential, ctx());
    expect(fake.requests.at(-1)?.path).toBe('/api/v1/submit/default/simulator_noise');
    expect(await pollUntilDone(adapter, providerJobId, credential, ctx())).toBe('COMPLETED');
    const { counts } = await adapter.result(providerJobId, { qubits: 2, shots: 400 }, credential, ctx());
    expect(Object.keys(counts).sort()).toEqual(['00', '11']);
    expect((counts['00'] ?? 0) + (counts['11'] ?? 0)).toBe(400);
  });

  it('puts qubit 0 rightmost in the counts', async () => {
    const job = jobFromQasm(
      'OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[3] q;\nx q[0];\n',
      'default/simulator_noise',
      8,
    );
    const { providerJobId } = await adapter.submit(job, credential, ctx());
    await pollUntilDone(adapter, providerJobId, credential, ctx());
    await expect(adapter.result(providerJobId, { qubits: 3, shots: 8 }, credential, ctx())).resolves.toEqual({
      counts: { '001': 8 },
    });
  });

  it('cancels with DELETE /jobs/{id}', async () => {
    const { providerJobId } = await adapter.submit(bellJob('default/simulator_noise'), credential, ctx());
    await adapter.cancel(providerJobId, credential, ctx());
    expect(fake.requests.at(-1)).toMatchObject({ method: 'DELETE', path: `/api/v1/jobs/${providerJobId}` });
    await expect(adapter.poll(providerJobId, credential, ctx())).resolves.toEqual({ status: 'CANCELLED' });
  });

  it('refuses a backend that is not workspace/resource before calling AQT', async () => {
    await expect(adapter.submit(bellJob('simulator'), credential, ctx())).rejects.toMatchObject({
      kind: 'rejected',
    });
    expect(fake.requests).toHaveLength(0);
  });

  it('reads a 403 on submit as an unknown workspace (rejected), not a bad token', async () => {
    await expect(adapter.submit(bellJob('nowhere/simulator'), credential, ctx())).rejects.toMatchObject({
      kind: 'rejected',
      status: 403,
    });
  });

  it('refuses more shots than AQT runs, with a message that says why', async () => {
    const error = await adapter
      .submit(bellJob('default/simulator_noise', 5000), credential, ctx())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).message).toContain('2000');
  });
});

describe('AQT circuit conversion', () => {
  const circuits: Record<string, string> = {
    'a GHZ state': 'qubit[3] q; h q[0]; cx q[0], q[1]; cx q[1], q[2];',
    'rotations and phases':
      'qubit[2] q; ry(0.7) q[0]; rz(1.9) q[0]; sx q[1]; cp(0.8) q[0], q[1]; h q[0]; t q[1]; h q[1];',
    'a Toffoli and a swap':
      'qubit[3] q; h q[0]; h q[1]; ccx q[0], q[1], q[2]; swap q[0], q[2]; u3(0.3, 0.2, 0.1) q[1];',
  };

  it.each(Object.entries(circuits))('keeps the outcome distribution of %s', (_name, body) => {
    const original: Circuit = parseQasm(`OPENQASM 3.0;\ninclude "stdgates.inc";\n${body}`);
    const aqt = aqtCircuitToIr(toAqtCircuit(original), original.qubits);
    if ('error' in aqt) throw new Error(aqt.error);
    const expected = outcomeProbabilities(original);
    const actual = outcomeProbabilities(aqt);
    for (let outcome = 0; outcome < 2 ** original.qubits; outcome++) {
      expect(actual.get(outcome) ?? 0).toBeCloseTo(expected.get(outcome) ?? 0, 9);
    }
  });

  it('keeps every angle inside the ranges AQT accepts and ends in one MEASURE', () => {
    const ops = toAqtCircuit(
      parseQasm('OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[2] q;\nrx(-2.9) q[0];\ncx q[1], q[0];\n'),
    );
    expect(ops.at(-1)).toEqual({ operation: 'MEASURE' });
    for (const op of ops) {
      if (op.operation === 'R') {
        expect(op.theta).toBeGreaterThanOrEqual(0);
        expect(op.theta).toBeLessThanOrEqual(1);
        expect(op.phi).toBeGreaterThanOrEqual(0);
        expect(op.phi).toBeLessThan(2);
      }
      if (op.operation === 'RXX') expect(op.theta).toBe(0.5);
    }
  });

  it('reads AQT samples (a list per shot, indexed by qubit) with qubit 0 rightmost', () => {
    expect(
      aqtSamplesToCounts(
        [
          [1, 0, 0],
          [1, 0, 0],
          [0, 1, 1],
        ],
        3,
      ),
    ).toEqual({ '001': 2, '110': 1 });
  });
});
