import { startFakeIonq } from '@qonduit/runtime/testing';
import type { FakeIonq } from '@qonduit/runtime/testing';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { addMember, createTestApp, signUp } from '../../test/harness';
import type { Browser, TestApp } from '../../test/harness';

// Deleting an organization ends it cleanly (issue 13): its unfinished jobs are cancelled, at
// the provider too, its provider tokens are destroyed, and nothing of it stays usable.

const IONQ_KEY = 'OrgIonQKey0123456789abcdefghijkl';
const BELL = 'OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[2] q;\nbit[2] c;\nh q[0];\ncx q[0], q[1];\nc = measure q;\n';

let ionq: FakeIonq;
let t: TestApp;
let owner: Browser;
let viewer: Browser;
let org: string;

beforeAll(async () => {
  ionq = await startFakeIonq({ apiKey: IONQ_KEY, pollsUntilDone: 1_000_000 });
});
afterAll(async () => {
  await ionq.close();
});

beforeEach(async () => {
  // The worker runs only when a test says so, so that a job can be left queued.
  t = await createTestApp({ startWorker: false }, { QONDUIT_PROVIDER_IONQ_URL: ionq.url });
  owner = await signUp(t, 'Olga Owner');
  viewer = await signUp(t, 'Vic Viewer');
  org = (await owner.request({ method: 'POST', url: '/api/v1/orgs', payload: { name: 'Ending Lab' } })).json<{ id: string }>().id;
  await addMember(owner, org, viewer, 'viewer');
  expect((await owner.request({ method: 'PUT', url: `/api/v1/orgs/${org}/provider-tokens/ionq`, payload: { credentials: { api_key: IONQ_KEY } } })).statusCode).toBe(201);
});
afterEach(async () => {
  await t.close();
});

async function submit(who: Browser, personal = false): Promise<string> {
  const res = await who.request({
    method: 'POST',
    url: '/quantum/jobs',
    headers: personal ? {} : { 'x-organizationid': org },
    payload: { backend_id: 'ionq.simulator', shots: 100, input_format: 'OPEN_QASM_V3', input: BELL },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<{ id: string }>().id;
}

const submissions = () => ionq.requests.filter((r) => r.method === 'POST' && r.path === '/v0.4/jobs').length;
const jobRow = (id: string) => t.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

/** Starts the worker (once) and waits until the job has reached IonQ. */
async function untilAtIonq(id: string): Promise<string> {
  t.app.jobWorker.start();
  for (let i = 0; i < 400; i++) {
    const row = await jobRow(id);
    if (row.provider_job_id !== null) return row.provider_job_id;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`job ${id} never reached IonQ: ${JSON.stringify(await jobRow(id))}`);
}

describe('DELETE /api/v1/orgs/{id}', () => {
  it('leaves no provider-token row, and a job queued before the deletion is never submitted to IonQ', async () => {
    const queued = await submit(viewer);
    // A job of the viewer's own, queued beside it, shows that the worker did run meanwhile.
    expect((await viewer.request({ method: 'PUT', url: '/api/v1/user/provider-tokens/ionq', payload: { credentials: { api_key: IONQ_KEY } } })).statusCode).toBe(201);
    const control = await submit(viewer, true);
    const before = submissions();

    expect((await owner.request({ method: 'DELETE', url: `/api/v1/orgs/${org}` })).statusCode).toBe(204);

    expect(await t.db.selectFrom('provider_tokens').select('account_id').execute()).toEqual([{ account_id: viewer.userId }]);
    expect(await t.db.selectFrom('memberships').selectAll().where('organization_id', '=', org).execute()).toEqual([]);
    await untilAtIonq(control);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(submissions()).toBe(before + 1);
    const queuedRow = await jobRow(queued);
    expect(queuedRow.status).toBe('CANCELLED');
    expect(queuedRow.provider_job_id).toBeNull();
  });

  it("cancels at IonQ, with the organization's key, a job that had reached it", async () => {
    const running = await submit(viewer);
    // PENDING or RUNNING by now: either way IonQ has it.
    const providerJobId = await untilAtIonq(running);
    expect(ionq.jobs.get(providerJobId)?.status).toBe('submitted');

    expect((await owner.request({ method: 'DELETE', url: `/api/v1/orgs/${org}` })).statusCode).toBe(204);

    expect(ionq.jobs.get(providerJobId)?.status).toBe('canceled');
    expect(ionq.requests.at(-1)).toMatchObject({ method: 'PUT', path: `/v0.4/jobs/${providerJobId}/status/cancel` });
    expect((await jobRow(running)).status).toBe('CANCELLED');
    expect(await t.db.selectFrom('provider_tokens').selectAll().execute()).toEqual([]);
  });

  it('cancels a job whose submission a worker had in flight, once that worker lets go of it', async () => {
    const inFlight = await submit(viewer);
    // A worker has leased the job and is submitting it with the key it read before the deletion.
    const lease = new Date(t.clock.now().getTime() + 60_000).toISOString();
    await t.db.updateTable('jobs').set({ lease_owner: 'other-worker', lease_expires_at: lease }).where('id', '=', inFlight).execute();
    const submitted = await fetch(`${ionq.url}/jobs`, {
      method: 'POST',
      headers: { authorization: `apiKey ${IONQ_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'ionq.qasm3.v1', backend: 'simulator', shots: 100, input: { qubits: 2, data: BELL } }),
    });
    const providerJobId = ((await submitted.json()) as { id: string }).id;

    const deletion = owner.request({ method: 'DELETE', url: `/api/v1/orgs/${org}` });
    await new Promise((resolve) => setTimeout(resolve, 150));
    // The worker's write fails (the job is CANCELLED now); it releases the lease, keeping what the provider knows.
    await t.db.updateTable('jobs').set({ lease_owner: null, lease_expires_at: null, provider_job_id: providerJobId }).where('id', '=', inFlight).execute();

    expect((await deletion).statusCode).toBe(204);
    expect(ionq.jobs.get(providerJobId)?.status).toBe('canceled');
  });

  it('finds at IonQ, by its recorded attempt, a job whose submission answer was lost, and cancels it', async () => {
    const lost = await submit(viewer);
    // A worker recorded its attempt, IonQ created the job, and the worker died before writing the answer.
    await t.db.updateTable('jobs').set({ submit_attempt_id: 'attempt-lost-1', submit_attempt_at: t.clock.now().toISOString() }).where('id', '=', lost).execute();
    const submitted = await fetch(`${ionq.url}/jobs`, {
      method: 'POST',
      headers: { authorization: `apiKey ${IONQ_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'ionq.qasm3.v1',
        backend: 'simulator',
        shots: 100,
        input: { qubits: 2, data: BELL },
        metadata: { qonduit_job_id: lost, qonduit_attempt_id: 'attempt-lost-1' },
      }),
    });
    const providerJobId = ((await submitted.json()) as { id: string }).id;

    expect((await owner.request({ method: 'DELETE', url: `/api/v1/orgs/${org}` })).statusCode).toBe(204);
    expect(ionq.jobs.get(providerJobId)?.status).toBe('canceled');
  });

  it('answers 404 to the deleted organization afterwards, and its members lose its context', async () => {
    expect((await owner.request({ method: 'DELETE', url: `/api/v1/orgs/${org}` })).statusCode).toBe(204);
    expect((await owner.request({ method: 'GET', url: `/api/v1/orgs/${org}` })).statusCode).toBe(404);
    expect((await viewer.request({ method: 'GET', url: '/quantum/jobs', headers: { 'x-organizationid': org } })).statusCode).toBe(403);
    expect((await viewer.request({ method: 'GET', url: '/proxy/ionq/backends', headers: { 'x-organizationid': org } })).statusCode).toBe(403);
  });

  it("records the deletion in the owner's own audit log", async () => {
    await submit(viewer);
    expect((await owner.request({ method: 'DELETE', url: `/api/v1/orgs/${org}` })).statusCode).toBe(204);
    const events = (await owner.request({ method: 'GET', url: '/api/v1/user/audit-events' })).json<{ items: Array<{ action: string; details: Record<string, unknown> }> }>().items;
    expect(events.find((e) => e.action === 'organization.deleted')?.details).toMatchObject({ jobs_cancelled: 1, provider_tokens_deleted: 1 });
  });
});

describe('the foreign key', () => {
  it("deletes an organization's provider tokens with the organization, whatever deletes it", async () => {
    expect(await t.db.selectFrom('provider_tokens').select('organization_id').execute()).toEqual([{ organization_id: org }]);
    await t.db.deleteFrom('organizations').where('id', '=', org).execute();
    expect(await t.db.selectFrom('provider_tokens').selectAll().execute()).toEqual([]);
  });

  it("leaves a user's own tokens out of it", async () => {
    expect((await owner.request({ method: 'PUT', url: '/api/v1/user/provider-tokens/ionq', payload: { credentials: { api_key: IONQ_KEY } } })).statusCode).toBe(201);
    expect((await owner.request({ method: 'DELETE', url: `/api/v1/orgs/${org}` })).statusCode).toBe(204);
    const left = await t.db.selectFrom('provider_tokens').select(['account_id', 'organization_id']).execute();
    expect(left).toEqual([{ account_id: owner.userId, organization_id: null }]);
  });
});
