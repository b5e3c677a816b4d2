import { systemClock } from '@qonduit/core';
import { startFakeBraket, startFakeIonq } from '@qonduit/runtime/testing';
import type { FakeBraket, FakeIonq } from '@qonduit/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, createPat, createTestApp, signUp } from '../../test/harness';
import type { TestApp } from '../../test/harness';
import { assertPlanqkSdkAccepts } from '../../test/planqk-sdk-contract';

// PlanQK's quantum SDK (planqk-quantum 2.x) as it talks to /quantum: the requests its client
// (planqk/qiskit/client/client.py) sends, with its headers and query parameters, and every
// answer checked against the SDK's own DTOs (the harness validates each /quantum answer).

const IONQ_KEY = 'OrgIonQKey0123456789abcdefghijkl';
const AWS = {
  access_key_id: 'AKIAIOSFODNN7EXAMPLE',
  secret_access_key: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  region: 'us-east-1',
  s3_bucket: 'amazon-braket-qonduit-results',
};
// What the SDK's IonQ route sends for a Bell pair (qiskit_ionq's converter: cx as x with a control).
const IONQ_BELL = { gateset: 'qis', qubits: 2, circuit: [{ gate: 'h', targets: [0] }, { gate: 'x', controls: [0], targets: [1] }] };
// What the SDK's AWS route sends: Braket's OpenQASM 3, with Braket's own gate names.
const BRAKET_BELL = 'OPENQASM 3.0;\nbit[2] b;\nqubit[2] q;\nh q[0];\ncnot q[0], q[1];\nb[0] = measure q[0];\nb[1] = measure q[1];';

interface Backend {
  id: string;
  provider: string;
  hardware_provider: string;
  configuration: { shots_range: { min: number }; supported_input_formats: string[]; gates: Array<{ name: string }> };
  qonduit: { provider: string };
}

let t: TestApp;
let ionq: FakeIonq;
let braket: FakeBraket;
let sdkHeaders: Record<string, string>;

beforeAll(async () => {
  ionq = await startFakeIonq({ apiKey: IONQ_KEY });
  braket = await startFakeBraket({ accessKeyId: AWS.access_key_id, secretAccessKey: AWS.secret_access_key, region: AWS.region });
  t = await createTestApp(
    { clock: systemClock },
    {
      QONDUIT_PROVIDER_IONQ_URL: ionq.url,
      QONDUIT_PROVIDER_AWS_BRAKET_URL: braket.url,
      QONDUIT_PROVIDER_AWS_BRAKET_S3_URL: braket.s3Url,
      QONDUIT_WORKER_INTERVAL_MS: '25',
    },
  );
  const owner = await signUp(t, 'Olga Owner');
  const member = await signUp(t, 'Vic Viewer');
  const orgId = (await owner.request({ method: 'POST', url: '/api/v1/orgs', payload: { name: 'PlanQK Lab' } })).json<{ id: string }>().id;
  await addMember(owner, orgId, member, 'viewer');
  expect((await owner.request({ method: 'PUT', url: `/api/v1/orgs/${orgId}/provider-tokens/ionq`, payload: { credentials: { api_key: IONQ_KEY } } })).statusCode).toBe(201);
  expect((await owner.request({ method: 'PUT', url: `/api/v1/orgs/${orgId}/provider-tokens/aws_braket`, payload: { credentials: AWS } })).statusCode).toBe(201);
  // The SDK's token needs api (reads) and quantum_tokens (jobs), as on PlanQK.
  const pat = await createPat(t, member, { scopes: ['api', 'quantum_tokens'] });
  sdkHeaders = { 'x-auth-token': pat.token, 'x-organizationid': orgId };
});
afterAll(async () => {
  await t.close();
  await Promise.all([ionq.close(), braket.close()]);
});

const sdk = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown) =>
  t.request({ method, url, headers: sdkHeaders, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });

async function pollUntilFinal(id: string, provider: string): Promise<{ status: string; error_message: string | null }> {
  for (let i = 0; i < 400; i++) {
    const res = await sdk('GET', `/quantum/jobs/${id}?provider=${provider}`);
    expect(res.statusCode).toBe(200);
    const job = res.json<{ status: string; error_message: string | null }>();
    if (['COMPLETED', 'FAILED', 'CANCELLED'].includes(job.status)) return job;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`job ${id} did not finish`);
}

/** The SDK's flow for one backend: get it, check its status, run a Bell pair, cancel a second job. */
async function runLikeThePlanqkSdk(backendId: string, input: unknown, inputFormat: string) {
  const backend = (await sdk('GET', `/quantum/backends/${backendId}`)).json<Backend>();
  // The SDK picks the first format it can convert to: the family's own comes first.
  expect(backend.configuration.supported_input_formats[0]).toBe(inputFormat);
  const state = await sdk('GET', `/quantum/backends/${backendId}/status`);
  expect(state.json()).toMatchObject({ status: 'ONLINE', provider_token_valid: true });

  const job = {
    backend_id: backend.id,
    provider: backend.provider,
    shots: backend.configuration.shots_range.min * 200,
    input,
    input_format: inputFormat,
    input_params: { disable_qubit_rewiring: false, qubit_count: 2 },
  };
  const submitted = await sdk('POST', '/quantum/jobs', job);
  expect(submitted.statusCode).toBe(201);
  const id = submitted.json<{ id: string }>().id;
  expect(await pollUntilFinal(id, backend.provider)).toMatchObject({ status: 'COMPLETED', error_message: null });
  const result = await sdk('GET', `/quantum/jobs/${id}/result?provider=${backend.provider}`);
  expect(result.statusCode).toBe(200);
  const counts = result.json<{ counts: Record<string, number> }>().counts;
  expect(Object.keys(counts).sort()).toEqual(['00', '11']);
  expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(job.shots);

  const second = (await sdk('POST', '/quantum/jobs', job)).json<{ id: string }>().id;
  expect((await sdk('DELETE', `/quantum/jobs/${second}?provider=${backend.provider}`)).statusCode).toBe(204);
  expect(['CANCELLING', 'CANCELLED']).toContain((await sdk('GET', `/quantum/jobs/${second}/status?provider=${backend.provider}`)).json<{ status: string }>().status);

  const all = (await sdk('GET', '/quantum/jobs')).json<Array<{ id: string }>>();
  expect(all.map((j) => j.id)).toEqual(expect.arrayContaining([id, second]));
  return backend;
}

describe("PlanQK's quantum SDK against /quantum", () => {
  it('lists with onlyQiskit=True only backends its Qiskit classes can drive, every value in its enums', async () => {
    const res = await sdk('GET', '/quantum/backends?onlyQiskit=True');
    expect(res.statusCode).toBe(200);
    const list = res.json<Backend[]>();
    expect(list.map((b) => b.id)).toEqual(expect.arrayContaining(['local.simulator', 'ionq.simulator', 'aws.sv1', 'aqt.simulator', 'iqm.garnet']));
    // Its IBM class sends Qiskit's serialisation, which Qonduit does not read; annealers take no circuits.
    expect(list.map((b) => b.id)).not.toContain('ibm.brisbane');
    expect(list.map((b) => b.id)).not.toContain('dwave.advantage');
    expect(new Set(list.map((b) => b.provider))).toEqual(new Set(['AWS', 'AZURE']));
    // Without the filter every backend is listed, still in the SDK's enums; our provider id rides along.
    const everything = (await sdk('GET', '/quantum/backends')).json<Backend[]>();
    expect(everything.map((b) => [b.id, b.provider, b.hardware_provider, b.qonduit.provider])).toEqual(
      expect.arrayContaining([
        ['ionq.simulator', 'AZURE', 'IONQ', 'ionq'],
        ['aws.sv1', 'AWS', 'AWS', 'aws_braket'],
        ['ibm.brisbane', 'IBM', 'IBM', 'ibm'],
        ['dwave.advantage', 'DWAVE', 'DWAVE', 'dwave'],
        ['aqt.simulator', 'AZURE', 'UNKNOWN', 'aqt'],
        ['iqm.garnet', 'AWS', 'UNKNOWN', 'iqm'],
        ['local.simulator', 'AWS', 'UNKNOWN', 'local'],
      ]),
    );
    expect(everything.flatMap((b) => b.configuration.supported_input_formats)).not.toContain('OPEN_QASM_V2');
    // The SDK's AWS adapter reads Braket's gate names: cnot, not cx.
    const sv1 = everything.find((b) => b.id === 'aws.sv1');
    expect(sv1?.configuration.gates.map((g) => g.name)).toEqual(expect.arrayContaining(['h', 'cnot', 'rz']));
    expect(sv1?.configuration.gates.map((g) => g.name)).not.toContain('cx');
    expect((await sdk('GET', '/quantum/backends?onlyQiskit=maybe')).statusCode).toBe(400);
  });

  it("runs an IonQ circuit on IonQ with the organization's token, polling with ?provider= as the SDK does", async () => {
    const backend = await runLikeThePlanqkSdk('ionq.simulator', IONQ_BELL, 'IONQ_CIRCUIT_V1');
    expect(backend).toMatchObject({ provider: 'AZURE', hardware_provider: 'IONQ' });
    expect(ionq.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/jobs')).every((r) => r.headers.authorization === `apiKey ${IONQ_KEY}`)).toBe(true);
  });

  it("runs Braket's OpenQASM 3 on AWS Braket with the organization's keys", async () => {
    const before = braket.requests.length;
    const backend = await runLikeThePlanqkSdk('aws.sv1', BRAKET_BELL, 'BRAKET_OPEN_QASM_V3');
    expect(backend).toMatchObject({ provider: 'AWS', hardware_provider: 'AWS' });
    expect(braket.requests.length).toBeGreaterThan(before);
  });

  it('answers an OpenQASM 2 job in the SDK enums too: no input_format the SDK lacks', async () => {
    const v2 = 'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\ncreg c[2];\nh q[0];\ncx q[0],q[1];\nmeasure q -> c;\n';
    const res = await sdk('POST', '/quantum/jobs', { backend_id: 'local.simulator', provider: 'AWS', shots: 10, input: v2, input_format: 'OPEN_QASM_V2' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ provider: 'AWS', input_format: null, qonduit: { provider: 'local', input_format: 'OPEN_QASM_V2' } });
  });

  it('refuses a provider that is not the backend’s, naming both of its names', async () => {
    const res = await sdk('POST', '/quantum/jobs', { backend_id: 'ionq.simulator', provider: 'AWS', shots: 10, input: IONQ_BELL, input_format: 'IONQ_CIRCUIT_V1' });
    expect(res.statusCode).toBe(400);
    expect(res.json<{ error: { message: string } }>().error.message).toMatch(/AZURE.*IonQ/);
  });
});

describe('the SDK-side contract check itself', () => {
  it("refuses the answers Qonduit gave before it spoke the SDK's enums", () => {
    const old = {
      id: 'ionq.simulator',
      provider: 'IONQ',
      hardware_provider: 'QONDUIT',
      configuration: {
        gates: [],
        instructions: [],
        qubits: [],
        qubit_count: 2,
        connectivity: { fully_connected: true, graph: {} },
        supported_input_formats: ['OPEN_QASM_V2'],
        shots_range: { min: 1, max: 10 },
      },
    };
    expect(() => assertPlanqkSdkAccepts('GET', '/quantum/backends/ionq.simulator', old)).toThrow(/provider.*hardware_provider.*supported_input_formats/s);
    expect(() => assertPlanqkSdkAccepts('GET', '/quantum/jobs/j1', { provider: 'AWS', status: 'QUEUED', tags: ['a', 'a'] })).toThrow(/status.*tags/s);
    expect(() => assertPlanqkSdkAccepts('GET', '/quantum/jobs/j1/result', { counts: { '0x3': 5 } })).toThrow(/counts/);
  });
});
