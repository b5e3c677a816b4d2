import { systemClock } from '@qonduit/core';
import { closedPortUrl, startFakeAqt, startFakeBraket, startFakeIbm, startFakeIonq, startFakeIqm } from '@qonduit/runtime/testing';
import type { FakeAqt, FakeBraket, FakeIbm, FakeIonq, FakeIqm } from '@qonduit/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, createPat, createTestApp, signUp, withToken } from '../../test/harness';
import type { Browser, TestApp } from '../../test/harness';

const BELL = 'OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[2] q;\nbit[2] c;\nh q[0];\ncx q[0], q[1];\nc = measure q;\n';
const IONQ_ORG_KEY = 'OrgIonQKey0123456789abcdefghijkl';
const IONQ_USER_KEY = 'UsrIonQKey0123456789abcdefghijkl';
const IBM_KEY = 'ibmApiKey_0123456789-abcdefghijklmnopqrstuvw';
const IBM_CRN = 'crn:v1:bluemix:public:quantum-computing:us-east:a/0123456789abcdef0123456789abcdef:01234567-89ab-cdef-0123-456789abcdef::';
const AQT_TOKEN = 'OrgAqtToken0123456789abcdefghijk';
const IQM_TOKEN = 'OrgIqmToken0123456789abcdefghijk';
const AWS = {
  access_key_id: 'AKIAIOSFODNN7EXAMPLE',
  secret_access_key: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  region: 'us-east-1',
  s3_bucket: 'amazon-braket-qonduit-results',
};

let t: TestApp;
let ionq: FakeIonq;
let ibm: FakeIbm;
let braket: FakeBraket;
let aqt: FakeAqt;
let iqm: FakeIqm;
let owner: Browser;
let maintainer: Browser;
let viewer: Browser;
let orgId: string;
let viewerToken: string;

beforeAll(async () => {
  ionq = await startFakeIonq({ apiKey: IONQ_ORG_KEY });
  ibm = await startFakeIbm({ apiKey: IBM_KEY, crn: IBM_CRN });
  braket = await startFakeBraket({ accessKeyId: AWS.access_key_id, secretAccessKey: AWS.secret_access_key, region: AWS.region });
  aqt = await startFakeAqt({ token: AQT_TOKEN, pollsUntilDone: 1 });
  iqm = await startFakeIqm({ token: IQM_TOKEN, pollsUntilDone: 1 });
  t = await createTestApp(
    { clock: systemClock },
    {
      QONDUIT_PROVIDER_IONQ_URL: ionq.url,
      QONDUIT_PROVIDER_IBM_URL: ibm.url,
      QONDUIT_PROVIDER_IBM_IAM_URL: ibm.iamUrl,
      QONDUIT_PROVIDER_AWS_BRAKET_URL: braket.url,
      QONDUIT_PROVIDER_AWS_BRAKET_S3_URL: braket.s3Url,
      QONDUIT_PROVIDER_AQT_URL: aqt.url,
      QONDUIT_PROVIDER_IQM_URL: iqm.url,
      QONDUIT_WORKER_INTERVAL_MS: '25',
    },
  );
  owner = await signUp(t, 'Olga Owner');
  maintainer = await signUp(t, 'Max Maintainer');
  viewer = await signUp(t, 'Vic Viewer');
  orgId = (await owner.request({ method: 'POST', url: '/api/v1/orgs', payload: { name: 'Quantum Lab' } })).json<{ id: string }>().id;
  for (const [who, role] of [[maintainer, 'maintainer'], [viewer, 'viewer']] as const) {
    await addMember(owner, orgId, who, role);
  }
  viewerToken = (await createPat(t, viewer, { scopes: ['api', 'quantum_tokens'] })).token;
});
afterAll(async () => {
  await t.close();
  await Promise.all([ionq.close(), ibm.close(), braket.close(), aqt.close(), iqm.close()]);
});

const asViewer = (org = true) => withToken(viewerToken, org ? { 'x-organizationid': orgId } : {});

async function waitForFinal(headers: Record<string, string>, id: string): Promise<{ status: string; error_message: string | null; token_source: string }> {
  for (let i = 0; i < 400; i++) {
    const job = (await t.request({ method: 'GET', url: `/quantum/jobs/${id}`, headers })).json<{ status: string; error_message: string | null; token_source: string }>();
    if (['COMPLETED', 'FAILED', 'CANCELLED'].includes(job.status)) return job;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`job ${id} did not finish`);
}

async function submit(headers: Record<string, string>, body: Record<string, unknown>) {
  return t.request({ method: 'POST', url: '/quantum/jobs', headers, payload: { shots: 1000, input_format: 'OPEN_QASM_V3', input: BELL, ...body } });
}

function expectBell(counts: Record<string, number>, shots: number) {
  expect(Object.keys(counts).sort().every((k) => k === '00' || k === '11')).toBe(true);
  expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(shots);
  expect(counts['00'] ?? 0).toBeGreaterThan(shots * 0.35);
  expect(counts['11'] ?? 0).toBeGreaterThan(shots * 0.35);
}

describe('jobs that spend provider access tokens', () => {
  it("runs a viewer's Bell circuit on IonQ with the organization's key, recorded as token_source organization", async () => {
    expect((await maintainer.request({ method: 'PUT', url: `/api/v1/orgs/${orgId}/provider-tokens/ionq`, payload: { credentials: { api_key: IONQ_ORG_KEY } } })).statusCode).toBe(201);
    const res = await submit(asViewer(), { backend_id: 'ionq.simulator', provider: 'IONQ', name: 'bell', tags: ['demo'] });
    expect(res.statusCode).toBe(201);
    const job = res.json<{ id: string; token_source: string; provider: string; status: string; qonduit: { provider: string } }>();
    expect(job).toMatchObject({ token_source: 'organization', provider: 'AZURE', status: 'PENDING', qonduit: { provider: 'ionq', provider_name: 'IonQ' } });
    const final = await waitForFinal(asViewer(), job.id);
    expect(final).toMatchObject({ status: 'COMPLETED', token_source: 'organization' });
    const submitCall = ionq.requests.find((r) => r.method === 'POST' && r.path.endsWith('/jobs'));
    expect(submitCall?.headers.authorization).toBe(`apiKey ${IONQ_ORG_KEY}`);
    expect(JSON.stringify(ionq.requests)).not.toContain(viewerToken);
    const result = await t.request({ method: 'GET', url: `/quantum/jobs/${job.id}/result`, headers: asViewer() });
    expectBell(result.json<{ counts: Record<string, number> }>().counts, 1000);
    // Every member sees the organization's jobs; the viewer's personal context does not.
    expect((await owner.request({ method: 'GET', url: `/quantum/jobs/${job.id}`, headers: { 'x-organizationid': orgId } })).statusCode).toBe(200);
    expect((await t.request({ method: 'GET', url: `/quantum/jobs/${job.id}`, headers: asViewer(false) })).statusCode).toBe(404);
    const events = (await owner.request({ method: 'GET', url: `/api/v1/orgs/${orgId}/audit-events` })).json<{ items: Array<{ action: string; actor: { user_id: string } }> }>().items;
    expect(events[0]).toMatchObject({ action: 'provider_token.used', actor: { user_id: viewer.userId } });
  });

  it('tells the same viewer without the organization header to add an IonQ token', async () => {
    const res = await submit(asViewer(false), { backend_id: 'ionq.simulator' });
    expect(res.statusCode).toBe(400);
    const body = res.json<{ error: { code: string; message: string } }>();
    expect(body.error.code).toBe('provider_token_missing');
    expect(body.error.message).toContain('IonQ');
    expect(body.error.message).toContain('Provider Access Tokens');
    expect(res.json()).toHaveProperty('error_message');
  });

  it('refuses a PAT without quantum_tokens with 403, and submits nothing', async () => {
    const reader = await createPat(t, viewer, { scopes: ['api'] });
    const before = ionq.requests.length;
    const res = await submit(withToken(reader.token, { 'x-organizationid': orgId }), { backend_id: 'ionq.simulator' });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ error: { code: 'insufficient_scope' } });
    expect(ionq.requests.length).toBe(before);
  });

  it("uses the user's own token without an organization context", async () => {
    const ionqUser = await startFakeIonq({ apiKey: IONQ_USER_KEY });
    const solo = await createTestApp({ clock: systemClock }, { QONDUIT_PROVIDER_IONQ_URL: ionqUser.url, QONDUIT_WORKER_INTERVAL_MS: '25' });
    try {
      const ada = await signUp(solo);
      await ada.request({ method: 'PUT', url: '/api/v1/user/provider-tokens/ionq', payload: { credentials: { api_key: IONQ_USER_KEY } } });
      const res = await ada.request({ method: 'POST', url: '/quantum/jobs', payload: { backend_id: 'ionq.simulator', shots: 200, input_format: 'OPEN_QASM_V3', input: BELL } });
      expect(res.json()).toMatchObject({ token_source: 'user' });
      expect(ionqUser.requests.every((r) => r.headers.authorization === `apiKey ${IONQ_USER_KEY}`)).toBe(true);
    } finally {
      await solo.close();
      await ionqUser.close();
    }
  });

  it('runs on IBM Quantum through the IAM exchange', async () => {
    await owner.request({ method: 'PUT', url: `/api/v1/orgs/${orgId}/provider-tokens/ibm`, payload: { credentials: { api_key: IBM_KEY, instance_crn: IBM_CRN } } });
    const res = await submit(asViewer(), { backend_id: 'ibm.brisbane', provider: 'IBM', shots: 500 });
    expect(res.statusCode).toBe(201);
    const id = res.json<{ id: string }>().id;
    expect(await waitForFinal(asViewer(), id)).toMatchObject({ status: 'COMPLETED', token_source: 'organization' });
    expect(ibm.iamExchanges()).toBeGreaterThanOrEqual(1);
    const runtimeCall = ibm.requests.find((r) => r.method === 'POST' && r.path.endsWith('/jobs'));
    expect(runtimeCall?.headers.authorization).toMatch(/^Bearer /);
    expect(runtimeCall?.headers['service-crn']).toBe(IBM_CRN);
    expect(JSON.stringify(ibm.requests.filter((r) => !r.path.includes('identity')))).not.toContain(IBM_KEY);
    expectBell((await t.request({ method: 'GET', url: `/quantum/jobs/${id}/result`, headers: asViewer() })).json<{ counts: Record<string, number> }>().counts, 500);
  });

  it('runs on AWS Braket with SigV4 signatures the provider checks, results read from S3', async () => {
    await owner.request({ method: 'PUT', url: `/api/v1/orgs/${orgId}/provider-tokens/aws_braket`, payload: { credentials: AWS } });
    const res = await submit(asViewer(), { backend_id: 'aws.sv1', provider: 'AWS', shots: 400 });
    expect(res.statusCode).toBe(201);
    const id = res.json<{ id: string }>().id;
    expect(await waitForFinal(asViewer(), id)).toMatchObject({ status: 'COMPLETED', token_source: 'organization' });
    expect(braket.requests.length).toBeGreaterThan(0);
    expect(braket.requests.every((r) => (r.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/'))).toBe(true);
    expect(JSON.stringify(braket.requests)).not.toContain(AWS.secret_access_key);
    expectBell((await t.request({ method: 'GET', url: `/quantum/jobs/${id}/result`, headers: asViewer() })).json<{ counts: Record<string, number> }>().counts, 400);
  });

  it.each([
    ['aqt', 'aqt.simulator', { token: AQT_TOKEN }, () => aqt.jobs.size],
    ['iqm', 'iqm.garnet', { token: IQM_TOKEN }, () => iqm.jobs.size],
  ] as const)("runs on %s's catalog backend %s with the organization's token", async (provider, backend, credentials, created) => {
    await owner.request({ method: 'PUT', url: `/api/v1/orgs/${orgId}/provider-tokens/${provider}`, payload: { credentials } });
    const res = await submit(asViewer(), { backend_id: backend, shots: 300 });
    expect(res.statusCode).toBe(201);
    const id = res.json<{ id: string }>().id;
    expect(await waitForFinal(asViewer(), id)).toMatchObject({ status: 'COMPLETED', token_source: 'organization' });
    expect(created()).toBe(1);
    expectBell((await t.request({ method: 'GET', url: `/quantum/jobs/${id}/result`, headers: asViewer() })).json<{ counts: Record<string, number> }>().counts, 300);
  });
});

describe("cancelling an organization's jobs", () => {
  it('a viewer cannot cancel a job another member submitted; its status stays as it was', async () => {
    const maxToken = (await createPat(t, maintainer, { scopes: ['api', 'quantum_tokens'] })).token;
    const headers = withToken(maxToken, { 'x-organizationid': orgId });
    const id = (await submit(headers, { backend_id: 'local.simulator', shots: 10 })).json<{ id: string }>().id;
    const res = await t.request({ method: 'DELETE', url: `/quantum/jobs/${id}`, headers: asViewer() });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ error: { code: 'forbidden' } });
    const after = (await t.request({ method: 'GET', url: `/quantum/jobs/${id}/status`, headers })).json<{ status: string }>().status;
    expect(['PENDING', 'RUNNING', 'COMPLETED']).toContain(after);
    expect(after === 'CANCELLING' || after === 'CANCELLED').toBe(false);
  });
});

describe('the local simulator and submission checks', () => {
  it('runs local.simulator without any provider token', async () => {
    const ada = await signUp(t);
    const res = await ada.request({ method: 'POST', url: '/quantum/jobs', payload: { backend_id: 'local.simulator', shots: 2000, input_format: 'OPEN_QASM_V2', input: 'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\ncreg c[2];\nh q[0];\ncx q[0],q[1];\nmeasure q -> c;\n' } });
    expect(res.statusCode).toBe(201);
    const id = res.json<{ id: string }>().id;
    let job = (await ada.request({ method: 'GET', url: `/quantum/jobs/${id}` })).json<{ status: string; token_source: string }>();
    for (let i = 0; i < 200 && job.status !== 'COMPLETED'; i++) {
      await new Promise((r) => setTimeout(r, 25));
      job = (await ada.request({ method: 'GET', url: `/quantum/jobs/${id}` })).json();
    }
    expect(job).toMatchObject({ status: 'COMPLETED', token_source: 'none' });
    expectBell((await ada.request({ method: 'GET', url: `/quantum/jobs/${id}/result` })).json<{ counts: Record<string, number> }>().counts, 2000);
    expect((await ada.request({ method: 'GET', url: `/quantum/jobs/${id}/status` })).json()).toEqual({ status: 'COMPLETED' });
  });

  it.each([
    ['too many qubits', { backend_id: 'local.simulator', input: 'OPENQASM 3.0;\nqubit[25] q;\nh q[0];\n' }, 'qubits'],
    ['an unknown gate', { backend_id: 'local.simulator', input: 'OPENQASM 3.0;\nqubit[1] q;\nfoo q[0];\n' }, 'foo'],
    ['shots outside the range', { backend_id: 'local.simulator', shots: 200_000 }, 'shots'],
    ['a format the backend does not take', { backend_id: 'ibm.brisbane', input_format: 'IONQ_CIRCUIT_V1', input: { qubits: 1, circuit: [{ gate: 'h', target: 0 }] } }, 'IONQ_CIRCUIT_V1'],
    ['an annealer', { backend_id: 'dwave.advantage' }, 'proxy'],
  ])('refuses %s at submission, saying why', async (_label, body, says) => {
    const ada = await signUp(t);
    const res = await ada.request({ method: 'POST', url: '/quantum/jobs', payload: { shots: 100, input_format: 'OPEN_QASM_V3', input: BELL, ...body } });
    expect(res.statusCode).toBe(400);
    expect(res.json<{ error: { message: string } }>().error.message).toContain(says);
    expect(await t.db.selectFrom('jobs').selectAll().where('submitted_by', '=', ada.userId).execute()).toHaveLength(0);
  });

  it('accepts and ignores the extra fields PlanQK SDK sends, and answers a plain list or {content, last}', async () => {
    const ada = await signUp(t);
    const res = await ada.request({ method: 'POST', url: '/quantum/jobs', payload: { backend_id: 'local.simulator', shots: 10, input_format: 'OPEN_QASM_V3', input: BELL, input_params: {}, session_id: null, sdk_provider: 'QISKIT' } });
    expect(res.statusCode).toBe(201);
    const list = (await ada.request({ method: 'GET', url: '/quantum/jobs' })).json<unknown[]>();
    expect(Array.isArray(list)).toBe(true);
    expect(list).toHaveLength(1);
    expect((await ada.request({ method: 'GET', url: '/quantum/jobs?page=0&size=10' })).json()).toMatchObject({ last: true, content: [{ backend_id: 'local.simulator' }] });
  });

  it('creates one job for a submission retried with the same Idempotency-Key', async () => {
    const ada = await signUp(t);
    const payload = { backend_id: 'local.simulator', shots: 10, input_format: 'OPEN_QASM_V3', input: BELL };
    const first = await ada.request({ method: 'POST', url: '/quantum/jobs', headers: { 'idempotency-key': 'retry-1' }, payload });
    const again = await ada.request({ method: 'POST', url: '/quantum/jobs', headers: { 'idempotency-key': 'retry-1' }, payload });
    const other = await ada.request({ method: 'POST', url: '/quantum/jobs', headers: { 'idempotency-key': 'retry-2' }, payload });
    expect(again.json<{ id: string }>().id).toBe(first.json<{ id: string }>().id);
    expect(other.json<{ id: string }>().id).not.toBe(first.json<{ id: string }>().id);
    expect(await t.db.selectFrom('jobs').selectAll().where('submitted_by', '=', ada.userId).execute()).toHaveLength(2);
  });

  it('answers 404 for an unknown backend and for another user’s job', async () => {
    const ada = await signUp(t);
    const eve = await signUp(t, 'Eve');
    expect((await ada.request({ method: 'POST', url: '/quantum/jobs', payload: { backend_id: 'nope', shots: 1, input_format: 'OPEN_QASM_V3', input: BELL } })).statusCode).toBe(404);
    const id = (await ada.request({ method: 'POST', url: '/quantum/jobs', payload: { backend_id: 'local.simulator', shots: 10, input_format: 'OPEN_QASM_V3', input: BELL } })).json<{ id: string }>().id;
    expect((await eve.request({ method: 'GET', url: `/quantum/jobs/${id}` })).statusCode).toBe(404);
    expect((await eve.request({ method: 'DELETE', url: `/quantum/jobs/${id}` })).statusCode).toBe(404);
  });
});

describe('the scope a job needs: quantum_tokens, except on local.simulator where api will do', () => {
  it('an api token (what the CLI needs) submits to and cancels on local.simulator, which spends no provider token', async () => {
    const ada = await signUp(t);
    const api = withToken((await createPat(t, ada, { scopes: ['api'] })).token);
    const res = await submit(api, { backend_id: 'local.simulator', shots: 10 });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ token_source: 'none' });
    const cancel = await t.request({ method: 'DELETE', url: `/quantum/jobs/${res.json<{ id: string }>().id}`, headers: api });
    // Cancelled, or already finished: either way the scope was enough.
    expect(cancel.statusCode === 204 || cancel.json<{ error: { code: string } }>().error.code === 'conflict').toBe(true);
  });

  it('an api token cannot submit to a provider backend, even with a provider token stored, and nothing is submitted', async () => {
    const ada = await signUp(t);
    await ada.request({ method: 'PUT', url: '/api/v1/user/provider-tokens/ionq', payload: { credentials: { api_key: IONQ_USER_KEY } } });
    const api = withToken((await createPat(t, ada, { scopes: ['api'] })).token);
    const res = await submit(api, { backend_id: 'ionq.simulator' });
    expect(res.statusCode).toBe(403);
    expect(res.headers['www-authenticate']).toBe('Bearer error="insufficient_scope", scope="quantum_tokens"');
    expect(res.json<{ error: { code: string; message: string } }>().error).toMatchObject({ code: 'insufficient_scope' });
    expect(res.json<{ error: { message: string } }>().error.message).toContain('local.simulator');
    expect(await t.db.selectFrom('jobs').selectAll().where('submitted_by', '=', ada.userId).execute()).toHaveLength(0);
  });

  it("an api token cannot cancel a job on a provider backend: that reaches the provider with the organization's token", async () => {
    const maxToken = (await createPat(t, maintainer, { scopes: ['api', 'quantum_tokens'] })).token;
    const id = (await submit(withToken(maxToken, { 'x-organizationid': orgId }), { backend_id: 'ionq.simulator', shots: 10 })).json<{ id: string }>().id;
    const api = withToken((await createPat(t, maintainer, { scopes: ['api'] })).token, { 'x-organizationid': orgId });
    const res = await t.request({ method: 'DELETE', url: `/quantum/jobs/${id}`, headers: api });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ error: { code: 'insufficient_scope' } });
  });

  it('a read_api token can submit nowhere, not even to local.simulator', async () => {
    const ada = await signUp(t);
    const res = await submit(withToken((await createPat(t, ada, { scopes: ['read_api'] })).token), { backend_id: 'local.simulator', shots: 10 });
    expect(res.statusCode).toBe(403);
    expect(res.headers['www-authenticate']).toBe('Bearer error="insufficient_scope", scope="quantum_tokens api"');
  });

  it('a quantum_tokens token alone submits anywhere, as PlanQK clients and the D-Wave proxy use it', async () => {
    const ada = await signUp(t);
    const res = await submit(withToken((await createPat(t, ada, { scopes: ['quantum_tokens'] })).token), { backend_id: 'local.simulator', shots: 10 });
    expect(res.statusCode).toBe(201);
  });
});

describe('backends', () => {
  it("lists backends in PlanQK's shape with access_type and the token validity of the caller's context", async () => {
    const list = (await t.request({ method: 'GET', url: '/quantum/backends?provider=IONQ', headers: asViewer() })).json<Array<{ id: string; provider: string; access_type: string; qonduit: { provider: string }; configuration: { qubit_count: number; supported_input_formats: string[] } }>>();
    expect(list.map((b) => b.id)).toEqual(['ionq.simulator', 'ionq.qpu.aria-1']);
    expect(list.map((b) => [b.provider, b.qonduit.provider])).toEqual(list.map(() => ['AZURE', 'ionq']));
    expect(list.find((b) => b.id === 'ionq.simulator')).toMatchObject({ access_type: 'TOKEN_BASED', configuration: { qubit_count: 29 } });
    const status = await t.request({ method: 'GET', url: '/quantum/backends/ionq.simulator/status', headers: asViewer() });
    expect(status.json()).toMatchObject({ status: 'ONLINE', provider_token_valid: true });
    const personal = await t.request({ method: 'GET', url: '/quantum/backends/ionq.simulator/status', headers: asViewer(false) });
    expect(personal.json()).toMatchObject({ provider_token_valid: false });
    expect((await t.request({ method: 'GET', url: '/quantum/backends/nope', headers: asViewer() })).statusCode).toBe(404);
  });

  it("says whose token a job would spend, as the resolver decides: the organization's, your own, the platform's, none, or none needed", async () => {
    const access = async (headers: Record<string, string>) =>
      Object.fromEntries(
        (await t.request({ method: 'GET', url: '/quantum/backends', headers })).json<Array<{ id: string; qonduit: { access: string } }>>().map((b) => [b.id, b.qonduit.access]),
      );
    const org = await access(asViewer());
    expect(org).toMatchObject({ 'local.simulator': 'not_needed', 'ionq.simulator': 'organization', 'dwave.advantage': 'none' });
    // Without the organization context, the viewer's own account holds no IonQ token.
    const personal = await access(asViewer(false));
    expect(personal).toMatchObject({ 'local.simulator': 'not_needed', 'ionq.simulator': 'none' });
    const one = await t.request({ method: 'GET', url: '/quantum/backends/ionq.simulator', headers: asViewer() });
    expect(one.json()).toMatchObject({ qonduit: { access: 'organization' } });
  });
});

describe('provider failures', () => {
  it('fails the job with a message naming the organization when the provider rejects its token, and marks the token invalid', async () => {
    const wrongKey = await startFakeIonq({ apiKey: 'SomeOtherKey0123456789abcdefghij' });
    const app = await createTestApp({ clock: systemClock }, { QONDUIT_PROVIDER_IONQ_URL: wrongKey.url, QONDUIT_WORKER_INTERVAL_MS: '25' });
    try {
      const ada = await signUp(app);
      const org = (await ada.request({ method: 'POST', url: '/api/v1/orgs', payload: { name: 'Rejected Lab' } })).json<{ id: string }>().id;
      await ada.request({ method: 'PUT', url: `/api/v1/orgs/${org}/provider-tokens/ionq`, payload: { credentials: { api_key: IONQ_ORG_KEY } } });
      const id = (await ada.request({ method: 'POST', url: '/quantum/jobs', headers: { 'x-organizationid': org }, payload: { backend_id: 'ionq.simulator', shots: 10, input_format: 'OPEN_QASM_V3', input: BELL } })).json<{ id: string }>().id;
      let job = { status: 'PENDING', error_message: null as string | null };
      for (let i = 0; i < 200 && job.status !== 'FAILED'; i++) {
        await new Promise((r) => setTimeout(r, 25));
        job = (await ada.request({ method: 'GET', url: `/quantum/jobs/${id}`, headers: { 'x-organizationid': org } })).json();
      }
      expect(job.status).toBe('FAILED');
      expect(job.error_message).toBe('The provider rejected the IonQ token of organization Rejected Lab');
      const token = (await ada.request({ method: 'GET', url: `/api/v1/orgs/${org}/provider-tokens/ionq` })).json<{ status: string }>();
      expect(token.status).toBe('invalid');
    } finally {
      await app.close();
      await wrongKey.close();
    }
  });

  it('retries a provider that cannot be reached, with backoff, instead of failing at once', async () => {
    const app = await createTestApp({ clock: systemClock }, { QONDUIT_PROVIDER_IONQ_URL: await closedPortUrl(), QONDUIT_WORKER_INTERVAL_MS: '25' });
    try {
      const ada = await signUp(app);
      await ada.request({ method: 'PUT', url: '/api/v1/user/provider-tokens/ionq', payload: { credentials: { api_key: IONQ_USER_KEY } } });
      const id = (await ada.request({ method: 'POST', url: '/quantum/jobs', payload: { backend_id: 'ionq.simulator', shots: 10, input_format: 'OPEN_QASM_V3', input: BELL } })).json<{ id: string }>().id;
      let row = await app.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      for (let i = 0; i < 200 && row.attempts === 0; i++) {
        await new Promise((r) => setTimeout(r, 25));
        row = await app.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      }
      expect(row).toMatchObject({ status: 'PENDING', attempts: 1 });
      expect(Date.parse(row.next_run_at)).toBeGreaterThan(Date.now());
    } finally {
      await app.close();
    }
  });

  it('cancels a running job at the provider', async () => {
    const slow = await startFakeIonq({ apiKey: IONQ_USER_KEY, pollsUntilDone: 1_000_000 });
    const app = await createTestApp({ clock: systemClock }, { QONDUIT_PROVIDER_IONQ_URL: slow.url, QONDUIT_WORKER_INTERVAL_MS: '25' });
    try {
      const ada = await signUp(app);
      await ada.request({ method: 'PUT', url: '/api/v1/user/provider-tokens/ionq', payload: { credentials: { api_key: IONQ_USER_KEY } } });
      const id = (await ada.request({ method: 'POST', url: '/quantum/jobs', payload: { backend_id: 'ionq.simulator', shots: 10, input_format: 'OPEN_QASM_V3', input: BELL } })).json<{ id: string }>().id;
      let status = 'PENDING';
      for (let i = 0; i < 200 && status !== 'RUNNING'; i++) {
        await new Promise((r) => setTimeout(r, 25));
        status = (await ada.request({ method: 'GET', url: `/quantum/jobs/${id}/status` })).json<{ status: string }>().status;
      }
      expect((await ada.request({ method: 'DELETE', url: `/quantum/jobs/${id}` })).statusCode).toBe(204);
      for (let i = 0; i < 200 && status !== 'CANCELLED'; i++) {
        await new Promise((r) => setTimeout(r, 25));
        status = (await ada.request({ method: 'GET', url: `/quantum/jobs/${id}/status` })).json<{ status: string }>().status;
      }
      expect(status).toBe('CANCELLED');
      expect(slow.requests.some((r) => r.method === 'PUT' && r.path.endsWith('/status/cancel'))).toBe(true);
      expect((await ada.request({ method: 'GET', url: `/quantum/jobs/${id}/result` })).statusCode).toBe(409);
    } finally {
      await app.close();
      await slow.close();
    }
  });
});
