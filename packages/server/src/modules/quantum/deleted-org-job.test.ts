import { startFakeIonq } from '@qonduit/runtime/testing';
import type { FakeIonq } from '@qonduit/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signUp } from '../../test/harness';
import type { TestApp } from '../../test/harness';

// A job can reach the queue in the instant after its organization is deleted (its request
// passed authentication just before). Such a job spends nothing: not the organization's
// token (gone) and not the operator's platform credential either.

const PLATFORM_KEY = 'PlatformIonQKey0123456789abcdefg';
const BELL = 'OPENQASM 3.0;\nqubit[2] q;\nbit[2] c;\nh q[0];\ncx q[0], q[1];\nc = measure q;\n';
let ionq: FakeIonq;
let t: TestApp;

beforeAll(async () => {
  ionq = await startFakeIonq({ apiKey: PLATFORM_KEY });
  t = await createTestApp(
    { startWorker: false },
    { QONDUIT_PROVIDER_IONQ_URL: ionq.url, QONDUIT_PLATFORM_CREDENTIALS_IONQ: JSON.stringify({ api_key: PLATFORM_KEY }), QONDUIT_WORKER_INTERVAL_MS: '25' },
  );
});
afterAll(async () => {
  await t.close();
  await ionq.close();
});

describe("a deleted organization's job", () => {
  it('fails without reaching the provider, even on the platform credential', async () => {
    const owner = await signUp(t, 'Olga Owner');
    const org = (await owner.request({ method: 'POST', url: '/api/v1/orgs', payload: { name: 'Short-lived Lab' } })).json<{ id: string }>().id;
    const submitted = await owner.request({
      method: 'POST',
      url: '/quantum/jobs',
      headers: { 'x-organizationid': org },
      payload: { backend_id: 'ionq.simulator', shots: 10, input_format: 'OPEN_QASM_V3', input: BELL },
    });
    expect(submitted.json()).toMatchObject({ token_source: 'platform', status: 'PENDING' });
    const id = submitted.json<{ id: string }>().id;
    expect((await owner.request({ method: 'DELETE', url: `/api/v1/orgs/${org}` })).statusCode).toBe(204);
    // As if the job had been inserted just after the deletion's transaction cancelled the rest.
    await t.db.updateTable('jobs').set({ status: 'PENDING', ended_at: null }).where('id', '=', id).execute();

    t.app.jobWorker.start();
    let row = await t.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    for (let i = 0; i < 400 && row.status === 'PENDING'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      row = await t.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    }
    expect(row).toMatchObject({ status: 'FAILED', error_message: 'The organization was deleted before the job could run', provider_job_id: null });
    expect(ionq.requests.filter((r) => r.method === 'POST')).toEqual([]);
  });
});
