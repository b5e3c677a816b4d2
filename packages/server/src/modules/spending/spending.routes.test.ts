import { createTestDb } from '@qonduit/db/testing';
import { startFakeIonq } from '@qonduit/runtime/testing';
import type { FakeIonq } from '@qonduit/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, createPat, createTestApp, createTestAppOn, signUp, testKeyring, withToken } from '../../test/harness';
import type { Browser, TestApp } from '../../test/harness';
import { fixedKeyring } from '../keys/keyring-holder';

// Spending limits on an organization's provider tokens, usage per month and cost estimates
// (issue 16, items 3 and 4), on both databases.

const BELL = 'OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[2] q;\nbit[2] c;\nh q[0];\ncx q[0], q[1];\nc = measure q;\n';
const IONQ_KEY = 'SpendIonQKey0123456789abcdefghij';
// The harness clock stands at 2026-11-28T12:00Z: the month resets 2.5 days later.
const RESETS = '2026-12-01T00:00:00.000Z';
const SECONDS_TO_RESET = 2.5 * 86_400;

interface ErrorBody {
  error: { code: string; message: string; details?: Array<{ field: string; message: string }> };
}

let t: TestApp;
let ionq: FakeIonq;
let owner: Browser;
let maintainer: Browser;
let viewer: Browser;
let outsider: Browser;

beforeAll(async () => {
  ionq = await startFakeIonq({ apiKey: IONQ_KEY, pollsUntilDone: 1 });
  t = await createTestApp(
    { startWorker: false },
    { QONDUIT_PROVIDER_IONQ_URL: ionq.url, QONDUIT_RATE_LIMIT_JOB_SUBMIT: 'off', QONDUIT_RATE_LIMIT_MEMBER_ADD: 'off' },
  );
  owner = await signUp(t, 'Olga Owner');
  maintainer = await signUp(t, 'Max Maintainer');
  viewer = await signUp(t, 'Vic Viewer');
  outsider = await signUp(t, 'Otto Outsider');
});
afterAll(async () => {
  await t.close();
  await ionq.close();
});

/** A fresh organization with an IonQ token, a maintainer and a viewer. */
async function lab(name = 'Spending Lab'): Promise<string> {
  const org = (await owner.request({ method: 'POST', url: '/api/v1/orgs', payload: { name } })).json<{ id: string }>().id;
  await addMember(owner, org, maintainer, 'maintainer');
  await addMember(owner, org, viewer, 'viewer');
  const put = await maintainer.request({ method: 'PUT', url: `/api/v1/orgs/${org}/provider-tokens/ionq`, payload: { credentials: { api_key: IONQ_KEY } } });
  expect(put.statusCode, put.body).toBe(201);
  return org;
}

const setLimits = (who: Browser, org: string, body: Record<string, unknown>, provider = 'ionq') =>
  who.request({ method: 'PUT', url: `/api/v1/orgs/${org}/spending-limits/${provider}`, payload: body });

const submit = (who: Browser, org: string, shots: number, backend = 'ionq.simulator') =>
  who.request({ method: 'POST', url: '/quantum/jobs', headers: { 'x-organizationid': org }, payload: { backend_id: backend, shots, input_format: 'OPEN_QASM_V3', input: BELL } });

interface Usage {
  month: string;
  resets_at: string;
  currency: string;
  providers: Array<{ provider: string; jobs: number; shots: number; estimated_cost: number; limits: Record<string, unknown> | null }>;
  members: Array<{ user_id: string; name: string | null; provider: string; jobs: number; shots: number; estimated_cost: number }>;
}

/** Ends every other test's queued jobs, so that the worker's next pass takes only this organization's. */
async function settleOtherJobs(org: string): Promise<void> {
  await t.db.updateTable('jobs').set({ status: 'CANCELLED' }).where('account_id', '!=', org).where('status', 'in', ['PENDING', 'RUNNING', 'CANCELLING']).execute();
}

const usage = async (who: Browser, org: string, query = '') => (await who.request({ method: 'GET', url: `/api/v1/orgs/${org}/usage${query}` })).json<Usage>();

describe('setting spending limits', () => {
  it('a viewer cannot set limits; a maintainer and an owner can, and every member reads them', async () => {
    const org = await lab();
    const refused = await setLimits(viewer, org, { member_jobs_per_month: 5 });
    expect(refused.statusCode).toBe(403);
    expect(refused.json<ErrorBody>().error).toMatchObject({ code: 'forbidden', message: expect.stringMatching(/^Only owners and maintainers can set spending limits.*your role is viewer$/) as unknown });
    expect((await viewer.request({ method: 'GET', url: `/api/v1/orgs/${org}/spending-limits` })).json()).toEqual([]);

    const set = await setLimits(maintainer, org, { member_jobs_per_month: 5, org_shots_per_month: 10_000, max_shots_per_job: 2000, org_cost_per_month: 12.5 });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json()).toMatchObject({
      provider: 'ionq',
      provider_name: 'IonQ',
      member_jobs_per_month: 5,
      member_shots_per_month: null,
      org_shots_per_month: 10_000,
      max_shots_per_job: 2000,
      org_cost_per_month: 12.5,
      member_cost_per_month: null,
      currency: 'USD',
      updated_by: maintainer.userId,
    });
    expect((await setLimits(owner, org, { member_jobs_per_month: 6 })).statusCode).toBe(200);
    const listed = (await viewer.request({ method: 'GET', url: `/api/v1/orgs/${org}/spending-limits` })).json<Array<Record<string, unknown>>>();
    // A PUT replaces every limit: what it leaves out is no limit.
    expect(listed).toEqual([expect.objectContaining({ provider: 'ionq', member_jobs_per_month: 6, org_shots_per_month: null, max_shots_per_job: null })]);
    expect((await viewer.request({ method: 'GET', url: `/api/v1/orgs/${org}/spending-limits/ionq` })).statusCode).toBe(200);

    const events = (await owner.request({ method: 'GET', url: `/api/v1/orgs/${org}/audit-events?action=spending_limit.` })).json<{ items: Array<{ action: string; actor: { user_id: string } }> }>().items;
    expect(events.map((e) => [e.action, e.actor.user_id])).toEqual([
      ['spending_limit.set', owner.userId],
      ['spending_limit.set', maintainer.userId],
    ]);

    expect((await viewer.request({ method: 'DELETE', url: `/api/v1/orgs/${org}/spending-limits/ionq` })).statusCode).toBe(403);
    expect((await maintainer.request({ method: 'DELETE', url: `/api/v1/orgs/${org}/spending-limits/ionq` })).statusCode).toBe(204);
    expect((await maintainer.request({ method: 'DELETE', url: `/api/v1/orgs/${org}/spending-limits/ionq` })).statusCode).toBe(404);
  });

  it('someone outside the organization gets 404 for its limits and usage, as for a missing organization', async () => {
    const org = await lab();
    expect((await setLimits(outsider, org, { member_jobs_per_month: 1 })).statusCode).toBe(404);
    expect((await outsider.request({ method: 'GET', url: `/api/v1/orgs/${org}/spending-limits` })).statusCode).toBe(404);
    expect((await outsider.request({ method: 'GET', url: `/api/v1/orgs/${org}/usage` })).statusCode).toBe(404);
  });

  it('refuses bad limits with 400 and an unknown provider with 404, changing nothing', async () => {
    const org = await lab();
    for (const body of [{ member_jobs_per_month: -1 }, { member_jobs_per_month: 1.5 }, { surprise: 1 }, { org_cost_per_month: 'lots' }, { max_shots_per_job: 10_000_000_000 }]) {
      const res = await setLimits(owner, org, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
    }
    expect((await setLimits(owner, org, { member_jobs_per_month: 1 }, 'local')).statusCode).toBe(404);
    expect((await setLimits(owner, org, { member_jobs_per_month: 1 }, 'x'.repeat(41))).statusCode).toBe(400);
    expect((await owner.request({ method: 'GET', url: `/api/v1/orgs/${org}/spending-limits` })).json()).toEqual([]);
  });

  it('a read_api token cannot set limits; an api token can', async () => {
    const org = await lab();
    const reader = await createPat(t, owner, { scopes: ['read_api'] });
    const writer = await createPat(t, owner, { scopes: ['api'] });
    const url = `/api/v1/orgs/${org}/spending-limits/ionq`;
    expect((await t.request({ method: 'PUT', url, headers: withToken(reader.token), payload: { member_jobs_per_month: 1 } })).statusCode).toBe(403);
    expect((await t.request({ method: 'PUT', url, headers: withToken(writer.token), payload: { member_jobs_per_month: 1 } })).statusCode).toBe(200);
    expect((await t.request({ method: 'GET', url: `/api/v1/orgs/${org}/usage`, headers: withToken(reader.token) })).statusCode).toBe(200);
  });
});

describe('limits at submission', () => {
  it("refuses a member's job past the member limit with 429, naming the limit and when it resets; others still submit", async () => {
    const org = await lab();
    expect((await setLimits(owner, org, { member_jobs_per_month: 2, member_shots_per_month: 250 })).statusCode).toBe(200);
    expect((await submit(viewer, org, 100)).statusCode).toBe(201);
    // 100 + 200 shots would pass the 250-shot limit.
    const overShots = await submit(viewer, org, 200);
    expect(overShots.statusCode).toBe(429);
    expect(overShots.headers['retry-after']).toBe(String(SECONDS_TO_RESET));
    expect(overShots.json<ErrorBody>().error).toEqual(
      expect.objectContaining({
        code: 'spending_limit_reached',
        message: `This job would pass the organization's limit of 250 shots per member per month on its IonQ token (you have used 100 shots in 2026-11; this job adds 200 shots); the limit resets at ${RESETS}`,
      }),
    );
    expect(overShots.json()).toHaveProperty('error_message');
    expect((await submit(viewer, org, 100)).statusCode).toBe(201);
    const overJobs = await submit(viewer, org, 1);
    expect(overJobs.statusCode).toBe(429);
    expect(overJobs.json<ErrorBody>().error.message).toMatch(/limit of 2 jobs per member per month on its IonQ token \(you have used 2 jobs in 2026-11/);
    // The refused submissions created no job and counted nothing.
    const jobs = await t.db.selectFrom('jobs').select('id').where('account_id', '=', org).execute();
    expect(jobs).toHaveLength(2);
    expect((await usage(viewer, org)).members).toEqual([expect.objectContaining({ user_id: viewer.userId, name: 'Vic Viewer', provider: 'ionq', jobs: 2, shots: 200 })]);
    // Another member has a month of their own.
    expect((await submit(maintainer, org, 200)).statusCode).toBe(201);
    // A member's personal jobs spend no organization token and are not counted.
    await viewer.request({ method: 'PUT', url: '/api/v1/user/provider-tokens/ionq', payload: { credentials: { api_key: IONQ_KEY } } });
    expect((await viewer.request({ method: 'POST', url: '/quantum/jobs', payload: { backend_id: 'ionq.simulator', shots: 10, input_format: 'OPEN_QASM_V3', input: BELL } })).statusCode).toBe(201);
  });

  it('refuses past the organization-wide limit, whoever submits', async () => {
    const org = await lab();
    expect((await setLimits(maintainer, org, { org_jobs_per_month: 2 })).statusCode).toBe(200);
    expect((await submit(viewer, org, 10)).statusCode).toBe(201);
    expect((await submit(maintainer, org, 10)).statusCode).toBe(201);
    const refused = await submit(owner, org, 10);
    expect(refused.statusCode).toBe(429);
    expect(refused.json<ErrorBody>().error.message).toMatch(
      new RegExp(`limit of 2 jobs for the whole organization per month on its IonQ token \\(the organization has used 2 jobs in 2026-11; this job adds 1 job\\); the limit resets at ${RESETS}`),
    );
    // The member counter the refused job touched first was rolled back with it.
    expect((await usage(owner, org)).members.find((m) => m.user_id === owner.userId)).toBeUndefined();
  });

  it('refuses a job over the per-job limit with 422, and one over the monthly cost limit with 429', async () => {
    const org = await lab();
    expect((await setLimits(owner, org, { max_shots_per_job: 1000, member_cost_per_month: 1 })).statusCode).toBe(200);
    const tooBig = await submit(viewer, org, 1001);
    expect(tooBig.statusCode).toBe(422);
    expect(tooBig.json<ErrorBody>().error).toMatchObject({
      code: 'job_over_limit',
      message: 'The organization allows at most 1000 shots per IonQ job; this job has 1001',
      details: [{ field: 'shots', message: 'must be at most 1000' }],
    });
    expect((await submit(viewer, org, 1000)).statusCode).toBe(201);
    // Aria: $0.30 + $0.03 per shot: 10 shots is $0.60, within $1; a second one is not.
    const first = await submit(viewer, org, 10, 'ionq.qpu.aria-1');
    expect(first.statusCode).toBe(201);
    expect(first.json<{ qonduit: { estimated_cost: unknown } }>().qonduit.estimated_cost).toEqual({ amount: 0.6, currency: 'USD' });
    const second = await submit(viewer, org, 10, 'ionq.qpu.aria-1');
    expect(second.statusCode).toBe(429);
    expect(second.json<ErrorBody>().error.message).toMatch(/limit of \$1\.00 of estimated cost per member per month on its IonQ token \(you have used \$0\.60 in 2026-11; this job adds \$0\.60\)/);
  });

  it('the provider proxy stays closed to viewers for writes while limits bind them', async () => {
    const org = await lab();
    expect((await setLimits(owner, org, { member_jobs_per_month: 1 })).statusCode).toBe(200);
    const res = await viewer.request({
      method: 'POST',
      url: '/proxy/ionq/jobs',
      headers: { 'x-organizationid': org },
      payload: { type: 'ionq.circuit.v1', backend: 'simulator', shots: 100000, input: { qubits: 1, circuit: [{ gate: 'h', target: 0 }] } },
    });
    expect(res.statusCode).toBe(403);
    expect(ionq.requests.some((r) => r.method === 'POST' && r.path.endsWith('/jobs') && r.body.includes('100000'))).toBe(false);
  });
});

describe('usage', () => {
  it('counts per member and provider, sums estimated costs, and any member reads any month', async () => {
    const org = await lab();
    expect((await submit(viewer, org, 100, 'ionq.qpu.aria-1')).statusCode).toBe(201);
    expect((await submit(viewer, org, 50)).statusCode).toBe(201);
    expect((await submit(maintainer, org, 20, 'ionq.qpu.aria-1')).statusCode).toBe(201);
    // local.simulator spends no token: not counted.
    expect((await submit(viewer, org, 20, 'local.simulator')).statusCode).toBe(201);
    const u = await usage(viewer, org);
    expect(u).toMatchObject({ month: '2026-11', resets_at: RESETS, currency: 'USD' });
    expect(u.providers).toEqual([expect.objectContaining({ provider: 'ionq', jobs: 3, shots: 170, estimated_cost: 4.2, limits: null })]);
    expect(u.members.sort((a, b) => a.shots - b.shots)).toEqual([
      expect.objectContaining({ user_id: maintainer.userId, name: 'Max Maintainer', jobs: 1, shots: 20, estimated_cost: 0.9 }),
      expect.objectContaining({ user_id: viewer.userId, name: 'Vic Viewer', jobs: 2, shots: 150, estimated_cost: 3.3 }),
    ]);
    const october = await usage(viewer, org, '?month=2026-10');
    expect(october).toMatchObject({ month: '2026-10', resets_at: '2026-11-01T00:00:00.000Z', providers: [], members: [] });
    for (const bad of ['2026-13', '26-11', '2026-11-01', 'x'.repeat(100)]) {
      expect((await viewer.request({ method: 'GET', url: `/api/v1/orgs/${org}/usage?month=${bad}` })).statusCode, bad).toBe(400);
    }
  });

  it('gives the usage back for a job the provider refuses, and for one cancelled before it was submitted', async () => {
    const org = await lab();
    expect((await setLimits(owner, org, { member_jobs_per_month: 1 })).statusCode).toBe(200);
    await settleOtherJobs(org);
    const refusedByIonq = await submit(viewer, org, 10);
    expect(refusedByIonq.statusCode).toBe(201);
    expect((await submit(viewer, org, 10)).statusCode).toBe(429);
    ionq.failNext(400);
    await t.app.jobWorker.runOnce();
    const job = (await viewer.request({ method: 'GET', url: `/quantum/jobs/${refusedByIonq.json<{ id: string }>().id}`, headers: { 'x-organizationid': org } })).json<{ status: string; error_message: string }>();
    expect(job.status).toBe('FAILED');
    expect(job.error_message).toMatch(/IonQ refused the job/);
    expect((await usage(viewer, org)).members).toEqual([]);
    // The month's job is free again.
    const next = await submit(viewer, org, 10);
    expect(next.statusCode).toBe(201);
    const id = next.json<{ id: string }>().id;
    expect((await viewer.request({ method: 'DELETE', url: `/quantum/jobs/${id}`, headers: { 'x-organizationid': org } })).statusCode).toBe(204);
    expect((await usage(viewer, org)).providers).toEqual([expect.objectContaining({ provider: 'ionq', jobs: 0, shots: 0 })]);
    expect((await submit(viewer, org, 10)).statusCode).toBe(201);
  });

  it("gives the usage back for a job whose organization token was removed before it could run", async () => {
    const org = await lab();
    await settleOtherJobs(org);
    expect((await setLimits(owner, org, { member_jobs_per_month: 1 })).statusCode).toBe(200);
    const id = (await submit(viewer, org, 10)).json<{ id: string }>().id;
    expect((await maintainer.request({ method: 'DELETE', url: `/api/v1/orgs/${org}/provider-tokens/ionq` })).statusCode).toBe(204);
    await t.app.jobWorker.runOnce();
    const job = (await viewer.request({ method: 'GET', url: `/quantum/jobs/${id}`, headers: { 'x-organizationid': org } })).json<{ status: string; error_message: string }>();
    expect(job).toMatchObject({ status: 'FAILED', error_message: expect.stringMatching(/IonQ token of organization Spending Lab was removed/) as unknown });
    expect((await usage(viewer, org)).members).toEqual([]);
    const row = await t.db.selectFrom('jobs').select(['usage_month', 'estimated_cost_micro_usd']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.usage_month).toBeNull();
  });

  it('keeps the usage of a job that reached its provider, whatever became of it', async () => {
    const org = await lab();
    await settleOtherJobs(org);
    const res = await submit(viewer, org, 10);
    expect(res.statusCode).toBe(201);
    await t.app.jobWorker.runOnce();
    await t.app.jobWorker.runOnce();
    await t.app.jobWorker.runOnce();
    const job = (await viewer.request({ method: 'GET', url: `/quantum/jobs/${res.json<{ id: string }>().id}`, headers: { 'x-organizationid': org } })).json<{ status: string }>();
    expect(['RUNNING', 'COMPLETED']).toContain(job.status);
    expect((await usage(viewer, org)).members).toEqual([expect.objectContaining({ user_id: viewer.userId, jobs: 1, shots: 10 })]);
  });
});

describe('calendar months', () => {
  it('a new month (UTC) starts from nothing: the limit lets the member submit again, and last month keeps its usage', async () => {
    const clocked = await createTestApp({ startWorker: false }, { QONDUIT_PROVIDER_IONQ_URL: ionq.url, QONDUIT_RATE_LIMIT_MEMBER_ADD: 'off' });
    try {
      const boss = await signUp(clocked, 'Boss');
      const org = (await boss.request({ method: 'POST', url: '/api/v1/orgs', payload: { name: 'Month Lab' } })).json<{ id: string }>().id;
      await boss.request({ method: 'PUT', url: `/api/v1/orgs/${org}/provider-tokens/ionq`, payload: { credentials: { api_key: IONQ_KEY } } });
      await boss.request({ method: 'PUT', url: `/api/v1/orgs/${org}/spending-limits/ionq`, payload: { member_jobs_per_month: 1 } });
      const go = () => boss.request({ method: 'POST', url: '/quantum/jobs', headers: { 'x-organizationid': org }, payload: { backend_id: 'ionq.simulator', shots: 5, input_format: 'OPEN_QASM_V3', input: BELL } });
      expect((await go()).statusCode).toBe(201);
      const refused = await go();
      expect(refused.statusCode).toBe(429);
      // 2026-11-28T12:00Z + 2.5 days is the first instant of December.
      clocked.clock.advance(SECONDS_TO_RESET * 1000 - 1);
      expect((await go()).statusCode).toBe(429);
      clocked.clock.advance(1);
      expect((await go()).statusCode).toBe(201);
      const get = async (month: string) => (await boss.request({ method: 'GET', url: `/api/v1/orgs/${org}/usage?month=${month}` })).json<Usage>().providers;
      expect(await get('2026-11')).toEqual([expect.objectContaining({ jobs: 1 })]);
      expect(await get('2026-12')).toEqual([expect.objectContaining({ jobs: 1 })]);
      expect((await boss.request({ method: 'GET', url: `/api/v1/orgs/${org}/usage` })).json<Usage>().month).toBe('2026-12');
    } finally {
      await clocked.close();
    }
  });
});

describe('POST /quantum/jobs/estimate', () => {
  const estimate = (headers: Record<string, string>, body: Record<string, unknown>) =>
    t.request({ method: 'POST', url: '/quantum/jobs/estimate', headers, payload: { shots: 100, input_format: 'OPEN_QASM_V3', input: BELL, ...body } });

  it('answers the estimated cost from the price table and creates no job', async () => {
    const org = await lab();
    const before = await t.db.selectFrom('jobs').select('id').execute();
    const res = await viewer.request({ method: 'POST', url: '/quantum/jobs/estimate', headers: { 'x-organizationid': org }, payload: { backend_id: 'ionq.qpu.aria-1', shots: 100, input_format: 'OPEN_QASM_V3', input: BELL } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      backend_id: 'ionq.qpu.aria-1',
      provider: 'ionq',
      provider_name: 'IonQ',
      shots: 100,
      estimated_cost: expect.objectContaining({ amount: 3.3, currency: 'USD', per_task: 0.3, per_shot: 0.03, prices_as_of: '2026-11-29' }) as unknown,
      token_source: 'organization',
      refusal: null,
    });
    const local = await viewer.request({ method: 'POST', url: '/quantum/jobs/estimate', payload: { backend_id: 'local.simulator', shots: 100, input_format: 'OPEN_QASM_V3', input: BELL } });
    expect(local.json()).toMatchObject({ estimated_cost: null, token_source: 'none', refusal: null });
    expect(await t.db.selectFrom('jobs').select('id').execute()).toHaveLength(before.length);
  });

  it('says what a submission would be refused for: a spending limit, or no token to spend', async () => {
    const org = await lab();
    expect((await setLimits(owner, org, { max_shots_per_job: 50 })).statusCode).toBe(200);
    const pat = await createPat(t, viewer, { scopes: ['quantum_tokens'] });
    const over = await estimate(withToken(pat.token, { 'x-organizationid': org }), { backend_id: 'ionq.simulator' });
    expect(over.json()).toMatchObject({ estimated_cost: { amount: 0 }, refusal: { code: 'job_over_limit', message: 'The organization allows at most 50 shots per IonQ job; this job has 100' } });
    const personal = await estimate(withToken(pat.token), { backend_id: 'iqm.garnet', input_format: 'OPEN_QASM_V3' });
    expect(personal.statusCode).toBe(200);
    expect(personal.json()).toMatchObject({ token_source: 'none', estimated_cost: { amount: 0.445 }, refusal: { code: 'provider_token_missing' } });
  });

  it('needs the scope a submission needs, and refuses what a submission refuses', async () => {
    const api = await createPat(t, viewer, { scopes: ['api'] });
    const reader = await createPat(t, viewer, { scopes: ['read_api'] });
    expect((await estimate(withToken(api.token), { backend_id: 'ionq.simulator' })).statusCode).toBe(403);
    expect((await estimate(withToken(api.token), { backend_id: 'local.simulator' })).statusCode).toBe(200);
    expect((await estimate(withToken(reader.token), { backend_id: 'local.simulator' })).statusCode).toBe(403);
    expect((await estimate({}, { backend_id: 'local.simulator' })).statusCode).toBe(401);
    const pat = await createPat(t, viewer, { scopes: ['quantum_tokens'] });
    expect((await estimate(withToken(pat.token), { backend_id: 'nowhere' })).statusCode).toBe(404);
    expect((await estimate(withToken(pat.token), { backend_id: 'ionq.simulator', shots: 0 })).statusCode).toBe(400);
    expect((await estimate(withToken(pat.token), { backend_id: 'aqt.simulator', shots: 5000 })).json<ErrorBody>().error.code).toBe('unsupported_circuit');
  });
});

describe('exact under concurrency', () => {
  it('50 parallel submissions spread over two servers on one database never pass the monthly limit', { timeout: 120_000 }, async () => {
    const database = await createTestDb();
    const keyring = fixedKeyring(testKeyring());
    const env = { QONDUIT_RATE_LIMIT_JOB_SUBMIT: 'off', QONDUIT_RATE_LIMIT_MEMBER_ADD: 'off', QONDUIT_PROVIDER_IONQ_URL: ionq.url };
    const a = await createTestAppOn(database, { keyring, startWorker: false }, env);
    const b = await createTestAppOn({ ...database, ...database.connectAgain(), cleanup: async () => {} }, { keyring, startWorker: false }, env);
    try {
      const boss = await signUp(a, 'Boss');
      const members = [boss];
      const org = (await boss.request({ method: 'POST', url: '/api/v1/orgs', payload: { name: 'Race Lab' } })).json<{ id: string }>().id;
      expect((await boss.request({ method: 'PUT', url: `/api/v1/orgs/${org}/provider-tokens/ionq`, payload: { credentials: { api_key: IONQ_KEY } } })).statusCode).toBe(201);
      for (let i = 0; i < 4; i++) {
        const m = await signUp(a, `Member ${i}`);
        await addMember(boss, org, m, 'viewer');
        members.push(m);
      }
      // The organization may run 20 jobs and 2,000 shots; each member at most 6 jobs.
      expect((await setLimits(boss, org, { org_jobs_per_month: 20, org_shots_per_month: 2000, member_jobs_per_month: 6 })).statusCode).toBe(200);
      const tokens = await Promise.all(members.map(async (m) => (await createPat(a, m, { scopes: ['quantum_tokens'] })).token));
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          (i % 2 === 0 ? a : b).request({
            method: 'POST',
            url: '/quantum/jobs',
            headers: withToken(tokens[i % tokens.length] ?? '', { 'x-organizationid': org }),
            payload: { backend_id: 'ionq.simulator', shots: 90, input_format: 'OPEN_QASM_V3', input: BELL },
          }),
        ),
      );
      const statuses = results.map((r) => r.statusCode);
      const accepted = statuses.filter((s) => s === 201).length;
      expect(statuses.filter((s) => s !== 201 && s !== 429), JSON.stringify(results.filter((r) => r.statusCode !== 201 && r.statusCode !== 429).map((r) => r.body))).toEqual([]);
      // 2,000 shots / 90 = 22 jobs, 20 jobs for the organization: 20 is the limit that binds.
      expect(accepted).toBe(20);
      const jobs = await a.db.selectFrom('jobs').select(['submitted_by']).where('account_id', '=', org).execute();
      expect(jobs).toHaveLength(20);
      const perMember = new Map<string, number>();
      for (const j of jobs) perMember.set(j.submitted_by, (perMember.get(j.submitted_by) ?? 0) + 1);
      expect(Math.max(...perMember.values())).toBeLessThanOrEqual(6);
      const u = (await boss.request({ method: 'GET', url: `/api/v1/orgs/${org}/usage` })).json<Usage>();
      expect(u.providers).toEqual([expect.objectContaining({ jobs: 20, shots: 1800 })]);
      expect(u.members.reduce((n, m) => n + m.jobs, 0)).toBe(20);
    } finally {
      await b.close();
      await a.close();
    }
  });
});
