import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseQasm } from '../../simulator/qasm-parser';
import { bellJob, fakeContext, jobFromQasm, pollUntilDone } from '../../testing/adapter-fixtures';
import { outcomeProbabilities } from '../../testing/fake-execution';
import { iqmInstructionsToIr, startFakeIqm } from '../../testing/fake-iqm';
import type { FakeIqm } from '../../testing/fake-iqm';
import { closedPortUrl } from '../../testing/fake-server';
import { createIqmAdapter, iqmCountsToCounts } from './iqm.adapter';
import { toIqmInstructions } from './iqm.circuit';

const TOKEN = 'iqm-token-0123456789abcdef';
const credential = { token: TOKEN };

describe('IQM adapter', () => {
  let fake: FakeIqm;
  const adapter = createIqmAdapter();
  const ctx = () => fakeContext({ QONDUIT_PROVIDER_IQM_URL: fake.url });

  beforeEach(async () => {
    fake = await startFakeIqm({ token: TOKEN });
  });
  afterEach(async () => {
    await fake.close();
  });

  it('verifies a token with GET quantum-computers relative to the /api/v1 base', async () => {
    await expect(adapter.verify(credential, ctx())).resolves.toEqual({ status: 'valid' });
    expect(fake.requests[0]).toMatchObject({ method: 'GET', path: '/api/v1/quantum-computers' });
    expect(fake.requests[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('reports a wrong token as invalid', async () => {
    await expect(adapter.verify({ token: 'not-the-token-0123456' }, ctx())).resolves.toMatchObject({
      status: 'invalid',
    });
  });

  it('reports a closed port as unreachable, not invalid', async () => {
    const closed = fakeContext({ QONDUIT_PROVIDER_IQM_URL: await closedPortUrl('/api/v1') });
    await expect(adapter.verify(credential, closed)).resolves.toMatchObject({ status: 'unreachable' });
  });

  it('runs a Bell circuit in prx/cz gates: counts only on 00 and 11 summing to shots', async () => {
    const { providerJobId } = await adapter.submit(bellJob('garnet', 300), credential, ctx());
    expect(fake.requests.at(-1)?.path).toBe('/api/v1/jobs/garnet/circuit');
    expect(await pollUntilDone(adapter, providerJobId, credential, ctx())).toBe('COMPLETED');
    const { counts } = await adapter.result(providerJobId, { qubits: 2, shots: 300 }, credential, ctx());
    expect(Object.keys(counts).sort()).toEqual(['00', '11']);
    expect((counts['00'] ?? 0) + (counts['11'] ?? 0)).toBe(300);
  });

  it('reports classical bits where the circuit measured them, bit 0 rightmost', async () => {
    const source =
      'OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[2] q;\nbit[3] c;\nx q[0];\nc[2] = measure q[0];\nc[0] = measure q[1];\n';
    const { providerJobId } = await adapter.submit(jobFromQasm(source, 'garnet', 5), credential, ctx());
    await pollUntilDone(adapter, providerJobId, credential, ctx());
    await expect(adapter.result(providerJobId, { qubits: 2, shots: 5 }, credential, ctx())).resolves.toEqual({
      counts: { '100': 5 },
    });
  });

  it('cancels with POST jobs/{id}/cancel', async () => {
    const { providerJobId } = await adapter.submit(bellJob('garnet'), credential, ctx());
    await adapter.cancel(providerJobId, credential, ctx());
    expect(fake.requests.at(-1)).toMatchObject({
      method: 'POST',
      path: `/api/v1/jobs/${providerJobId}/cancel`,
    });
    await expect(adapter.poll(providerJobId, credential, ctx())).resolves.toEqual({ status: 'CANCELLED' });
  });

  it('turns an unknown quantum computer into a rejected error', async () => {
    await expect(adapter.submit(bellJob('nowhere'), credential, ctx())).rejects.toMatchObject({
      kind: 'rejected',
      status: 404,
    });
  });
});

describe('IQM circuit conversion', () => {
  const circuits: Record<string, string> = {
    'a GHZ state': 'qubit[3] q; h q[0]; cx q[0], q[1]; cx q[1], q[2];',
    'z rotations folded into later gates':
      'qubit[2] q; h q[0]; rz(1.1) q[0]; t q[0]; h q[0]; s q[1]; ry(0.4) q[1]; cz q[0], q[1]; sx q[1];',
    'controlled rotations and a swap':
      'qubit[3] q; h q[0]; crx(0.9) q[0], q[1]; cry(1.7) q[1], q[2]; swap q[0], q[2]; cp(2.1) q[2], q[1]; h q[1];',
  };

  it.each(Object.entries(circuits))('keeps the outcome distribution of %s', (_name, body) => {
    const original = parseQasm(`OPENQASM 3.0;\ninclude "stdgates.inc";\n${body}`);
    const read = iqmInstructionsToIr(toIqmInstructions(original), original.qubits);
    if ('error' in read) throw new Error(read.error);
    const expected = outcomeProbabilities(original);
    const actual = outcomeProbabilities(read.circuit);
    for (let outcome = 0; outcome < 2 ** original.qubits; outcome++) {
      expect(actual.get(outcome) ?? 0).toBeCloseTo(expected.get(outcome) ?? 0, 9);
    }
  });

  it('uses only prx, cz and measure on QB-named qubits', () => {
    const instructions = toIqmInstructions(
      parseQasm('OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[2] q;\nh q[0];\ncx q[0], q[1];\n'),
    );
    expect(new Set(instructions.map((i) => i.name))).toEqual(new Set(['prx', 'cz', 'measure']));
    expect(instructions.flatMap((i) => i.locus).every((q) => /^QB[12]$/.test(q))).toBe(true);
  });

  it('refuses two measurements into the same classical bit', () => {
    const circuit = parseQasm(
      'OPENQASM 3.0;\nqubit[2] q;\nbit[1] c;\nc[0] = measure q[0];\nc[0] = measure q[1];\n',
    );
    expect(() => toIqmInstructions(circuit)).toThrow(/more than once/);
  });

  it('places each measurement key’s character at its classical bit', () => {
    const artifact = [{ measurement_keys: ['c0', 'c1'], counts: { '10': 3, '01': 1 } }];
    expect(iqmCountsToCounts(artifact)).toEqual({ '01': 3, '10': 1 });
  });
});
