import { startFakeIonq } from '@qonduit/runtime/testing';
import type { FakeIonq } from '@qonduit/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, createTestApp, signUp } from '../../test/harness';
import type { Browser, TestApp } from '../../test/harness';

// The proxy spends a credential only as the roles allow (issue 13): the operator's platform
// credential never passes through it, an organization's viewers only read with the
// organization's credential (or cancel a job they submitted), and a refusal by the provider
// marks a token invalid only when someone who manages that token sent the request.

const IONQ_KEY = 'IonQkey0123456789abcdefghijklmno';
const IONQ_WRONG = 'WrongKey123456789abcdefghijklmno';
const BELL = 'OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[2] q;\nbit[2] c;\nh q[0];\ncx q[0], q[1];\nc = measure q;\n';

let t: TestApp;
let ionq: FakeIonq;
let owner: Browser;
let maintainer: Browser;
let viewer: Browser;
let org: string;

const inOrg = (id = org) => ({ 'x-organizationid': id });

/**
 * Submits an IonQ job through /quantum and puts it at IonQ as the worker would (the worker
 * does not run here): the fake IonQ holds the job, and the row knows IonQ's job id.
 */
async function jobAtIonq(who: Browser, headers: Record<string, string> = {}): Promise<{ id: string; providerJobId: string }> {
  const res = await who.request({
    method: 'POST',
    url: '/quantum/jobs',
    headers,
    payload: { backend_id: 'ionq.simulator', provider: 'IONQ', shots: 100, input_format: 'OPEN_QASM_V3', input: BELL },
  });
  expect(res.statusCode, res.body).toBe(201);
  const id = res.json<{ id: string }>().id;
  const submitted = await fetch(`${ionq.url}/jobs`, {
    method: 'POST',
    headers: { authorization: `apiKey ${IONQ_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'ionq.qasm3.v1', backend: 'simulator', shots: 100, input: { qubits: 2, data: BELL } }),
  });
  const providerJobId = ((await submitted.json()) as { id: string }).id;
  await t.db.updateTable('jobs').set({ status: 'RUNNING', provider_job_id: providerJobId }).where('id', '=', id).execute();
  return { id, providerJobId };
}

const ionqStatus = (providerJobId: string) => ionq.jobs.get(providerJobId)?.status;

beforeAll(async () => {
  // Jobs stay RUNNING at the fake until cancelled, so that a cancel is what ends them.
  ionq = await startFakeIonq({ apiKey: IONQ_KEY, pollsUntilDone: 1_000_000 });
  t = await createTestApp(
    { startWorker: false },
    {
      QONDUIT_PROVIDER_IONQ_URL: ionq.url,
      QONDUIT_PLATFORM_CREDENTIALS_IONQ: JSON.stringify({ api_key: IONQ_KEY }),
    },
  );
  owner = await signUp(t, 'Olga Owner');
  maintainer = await signUp(t, 'Max Maintainer');
  viewer = await signUp(t, 'Vic Viewer');
  org = (await owner.request({ method: 'POST', url: '/api/v1/orgs', payload: { name: 'Ion Lab' } })).json<{ id: string }>().id;
  await addMember(owner, org, maintainer, 'maintainer');
  await addMember(owner, org, viewer, 'viewer');
  const put = await owner.request({ method: 'PUT', url: `/api/v1/orgs/${org}/provider-tokens/ionq`, payload: { credentials: { api_key: IONQ_KEY } } });
  expect(put.statusCode).toBe(201);
});

afterAll(async () => {
  await t.close();
  await ionq.close();
});

describe("the operator's platform credential never passes through the proxy", () => {
  it('a user with no IonQ token of their own cannot list the platform account’s jobs: 403, and IonQ sees nothing', async () => {
    const other = await signUp(t, 'Other Tenant');
    await jobAtIonq(other); // a platform job of another user
    const eve = await signUp(t, 'Eve');
    const before = ionq.requests.length;
    const res = await eve.request({ method: 'GET', url: '/proxy/ionq/jobs' });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({
      error: { code: 'forbidden', message: expect.stringContaining('platform IonQ credential') as unknown },
    });
    expect(ionq.requests.length).toBe(before);
  });

  it("a user cannot cancel another user's platform job through the proxy", async () => {
    const other = await signUp(t, 'Other Tenant');
    const job = await jobAtIonq(other);
    const eve = await signUp(t, 'Eve');
    for (const [method, url] of [
      ['PUT', `/proxy/ionq/jobs/${job.providerJobId}/status/cancel`],
      ['DELETE', `/proxy/ionq/jobs/${job.providerJobId}`],
    ] as const) {
      expect((await eve.request({ method, url })).statusCode, `${method} ${url}`).toBe(403);
    }
    expect(ionqStatus(job.providerJobId)).toBe('submitted');
  });

  it('jobs still spend the platform credential (the proxy refusal is the only change)', async () => {
    const user = await signUp(t, 'Paying User');
    const job = await jobAtIonq(user);
    const row = await t.db.selectFrom('jobs').select('token_source').where('id', '=', job.id).executeTakeFirstOrThrow();
    expect(row.token_source).toBe('platform');
  });
});

describe("an organization's viewers only read through the proxy with its credential", () => {
  it("a viewer cannot cancel or delete the organization's job that someone else submitted (403), while a maintainer can", async () => {
    const job = await jobAtIonq(maintainer, inOrg());
    const cancel = { method: 'PUT' as const, url: `/proxy/ionq/jobs/${job.providerJobId}/status/cancel`, headers: inOrg() };
    const remove = { method: 'DELETE' as const, url: `/proxy/ionq/jobs/${job.providerJobId}`, headers: inOrg() };
    const before = ionq.requests.length;
    const byViewer = await viewer.request(cancel);
    expect(byViewer.statusCode).toBe(403);
    expect(byViewer.json()).toMatchObject({ error: { code: 'forbidden' } });
    expect((await viewer.request(remove)).statusCode).toBe(403);
    expect(ionq.requests.length).toBe(before);
    expect(ionqStatus(job.providerJobId)).toBe('submitted');

    const byMaintainer = await maintainer.request(cancel);
    expect(byMaintainer.statusCode).toBe(200);
    expect(ionqStatus(job.providerJobId)).toBe('canceled');
    // The fake has no DELETE; what matters is that the request reached IonQ.
    const deleted = await maintainer.request(remove);
    expect(deleted.statusCode).not.toBe(403);
    expect(ionq.requests.at(-1)).toMatchObject({ method: 'DELETE', path: `/v0.4/jobs/${job.providerJobId}` });
  });

  it('a viewer can cancel, through the proxy, a job they submitted in the organization', async () => {
    const job = await jobAtIonq(viewer, inOrg());
    const res = await viewer.request({ method: 'PUT', url: `/proxy/ionq/jobs/${job.providerJobId}/status/cancel`, headers: inOrg() });
    expect(res.statusCode).toBe(200);
    expect(ionqStatus(job.providerJobId)).toBe('canceled');
  });

  it("a viewer's own job id does not open other writes: a query on the cancel, or another path, is refused", async () => {
    const job = await jobAtIonq(viewer, inOrg());
    const before = ionq.requests.length;
    for (const [method, url] of [
      ['PUT', `/proxy/ionq/jobs/${job.providerJobId}/status/cancel?id=someone-else`],
      ['POST', `/proxy/ionq/jobs/${job.providerJobId}/status/cancel`],
      ['DELETE', `/proxy/ionq/jobs?id=${job.providerJobId}`],
      ['POST', '/proxy/ionq/jobs'],
    ] as const) {
      expect((await viewer.request({ method, url, headers: inOrg() })).statusCode, `${method} ${url}`).toBe(403);
    }
    expect(ionq.requests.length).toBe(before);
  });

  it("a viewer reads the organization's jobs and backends with its credential", async () => {
    const job = await jobAtIonq(maintainer, inOrg());
    for (const url of [`/proxy/ionq/jobs/${job.providerJobId}`, '/proxy/ionq/backends', '/proxy/ionq/v0.4/backends']) {
      const res = await viewer.request({ method: 'GET', url, headers: inOrg() });
      expect(res.statusCode, url).toBe(200);
    }
    expect(ionq.requests.at(-1)?.headers.authorization).toBe(`apiKey ${IONQ_KEY}`);
  });

  it('a viewer cannot read paths off the allowlist', async () => {
    const res = await viewer.request({ method: 'GET', url: '/proxy/ionq/api-keys', headers: inOrg() });
    expect(res.statusCode).toBe(403);
  });
});

describe('a refusal by the provider marks a token invalid only for those who manage it', () => {
  async function orgWithWrongKey(): Promise<string> {
    const id = (await owner.request({ method: 'POST', url: '/api/v1/orgs', payload: { name: 'Wrong Key Lab' } })).json<{ id: string }>().id;
    await addMember(owner, id, maintainer, 'maintainer');
    await addMember(owner, id, viewer, 'viewer');
    await owner.request({ method: 'PUT', url: `/api/v1/orgs/${id}/provider-tokens/ionq`, payload: { credentials: { api_key: IONQ_WRONG } } });
    return id;
  }
  const statusOf = async (id: string) =>
    (await owner.request({ method: 'GET', url: `/api/v1/orgs/${id}/provider-tokens/ionq` })).json<{ status: string }>().status;

  it("one viewer request that IonQ answers with 401 leaves the organization's token unchecked", async () => {
    const id = await orgWithWrongKey();
    const res = await viewer.request({ method: 'GET', url: '/proxy/ionq/whoami', headers: inOrg(id) });
    expect(res.statusCode).toBe(401);
    expect(await statusOf(id)).toBe('unchecked');
  });

  it("the same 401 to a maintainer's request marks it invalid", async () => {
    const id = await orgWithWrongKey();
    expect((await maintainer.request({ method: 'GET', url: '/proxy/ionq/whoami', headers: inOrg(id) })).statusCode).toBe(401);
    expect(await statusOf(id)).toBe('invalid');
  });
});
