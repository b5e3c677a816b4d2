import { startFakeIonq } from '@qonduit/runtime/testing';
import type { FakeIonq } from '@qonduit/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPat, createTestApp, signUp, withToken } from '../../test/harness';
import type { TestApp } from '../../test/harness';

// A submission whose answer was lost (here: the provider answered 500 and created nothing) is
// looked up at the provider by its attempt id before anything is sent again; only once the
// provider has had two minutes to list it, and does not, is the job submitted afresh.
const BELL = 'OPENQASM 3.0;\nqubit[2] q;\nbit[2] c;\nh q[0];\ncx q[0], q[1];\nc = measure q;\n';
const IONQ_KEY = 'ReconIonQKey0123456789abcdefghij';

let t: TestApp;
let ionq: FakeIonq;
let headers: Record<string, string>;

beforeAll(async () => {
  ionq = await startFakeIonq({ apiKey: IONQ_KEY, pollsUntilDone: 1 });
  t = await createTestApp({}, { QONDUIT_PROVIDER_IONQ_URL: ionq.url, QONDUIT_WORKER_INTERVAL_MS: '20' });
  const ada = await signUp(t, 'Ada Lovelace');
  await ada.request({ method: 'PUT', url: '/api/v1/user/provider-tokens/ionq', payload: { credentials: { api_key: IONQ_KEY } } });
  headers = withToken((await createPat(t, ada, { scopes: ['api', 'quantum_tokens'] })).token);
});
afterAll(async () => {
  await t.close();
  await ionq.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const job = async (id: string) => (await t.request({ method: 'GET', url: `/quantum/jobs/${id}`, headers })).json<{ status: string }>();
const posts = () => ionq.requests.filter((r) => r.method === 'POST');
const lookups = () => ionq.requests.filter((r) => r.method === 'GET' && /\/jobs(\?|$)/.test(r.path));

describe('a submission whose outcome is unknown, on a provider without an idempotency token', () => {
  it('is looked up, not resubmitted, for two minutes; then submitted once more, and the job completes', async () => {
    ionq.failNext(500);
    const res = await t.request({ method: 'POST', url: '/quantum/jobs', headers, payload: { backend_id: 'ionq.simulator', shots: 100, input_format: 'OPEN_QASM_V3', input: BELL } });
    expect(res.statusCode).toBe(201);
    const id = res.json<{ id: string }>().id;
    for (let i = 0; i < 200 && posts().length === 0; i++) await sleep(10);
    expect(posts()).toHaveLength(1);
    // The clock moves only once the worker has written its backoff: moved earlier, the backoff
    // would be counted from the moved clock and never come due.
    const attempts = async () => (await t.db.selectFrom('jobs').select('attempts').where('id', '=', id).executeTakeFirstOrThrow()).attempts;
    for (let i = 0; i < 500 && (await attempts()) === 0; i++) await sleep(10);
    expect(await attempts()).toBe(1);

    // Past the 1 s backoff but inside the settle window: a lookup, no second POST.
    t.clock.advance(1_500);
    for (let i = 0; i < 500 && lookups().length === 0; i++) await sleep(10);
    expect(lookups().length).toBeGreaterThanOrEqual(1);
    t.clock.advance(30_000);
    await sleep(200);
    expect(posts()).toHaveLength(1);
    expect((await job(id)).status).toBe('PENDING');

    // The provider had two minutes and lists no job carrying the attempt id: submit afresh.
    t.clock.advance(2 * 60_000);
    for (let i = 0; i < 400 && (await job(id)).status !== 'COMPLETED'; i++) {
      t.clock.advance(1_000);
      await sleep(20);
    }
    expect((await job(id)).status).toBe('COMPLETED');
    expect(posts()).toHaveLength(2);
    expect(ionq.jobs.size).toBe(1);
    expect([...ionq.submissions.entries()]).toEqual([[id, 1]]);
  });
});
