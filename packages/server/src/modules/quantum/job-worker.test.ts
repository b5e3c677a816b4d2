import { systemClock } from '@qonduit/core';
import { createTestDb } from '@qonduit/db/testing';
import { startFakeIonq } from '@qonduit/runtime/testing';
import { describe, expect, it } from 'vitest';
import { createTestApp, createTestAppOn, signUp, testKeyring } from '../../test/harness';
import { fixedKeyring } from '../keys/keyring-holder';

const BELL = 'OPENQASM 3.0;\nqubit[2] q;\nbit[2] c;\nh q[0];\ncx q[0], q[1];\nc = measure q;\n';
const KEY = 'WorkerIonQKey0123456789abcdefghi';

describe('the job worker', () => {
  it('never runs a job twice when several server processes share one database', async () => {
    const ionq = await startFakeIonq({ apiKey: KEY, pollsUntilDone: 1 });
    const database = await createTestDb();
    const env = { QONDUIT_PROVIDER_IONQ_URL: ionq.url, QONDUIT_WORKER_INTERVAL_MS: '10' };
    // Processes that share a database share its master key.
    const keyring = fixedKeyring(testKeyring());
    const servers = [
      await createTestAppOn(database, { clock: systemClock, keyring }, env),
      await createTestAppOn({ ...database, ...database.connectAgain(), cleanup: async () => {} }, { clock: systemClock, keyring }, env),
      await createTestAppOn({ ...database, ...database.connectAgain(), cleanup: async () => {} }, { clock: systemClock, keyring }, env),
    ];
    const [first] = servers;
    if (!first) throw new Error('no server');
    try {
      const ada = await signUp(first);
      await ada.request({ method: 'PUT', url: '/api/v1/user/provider-tokens/ionq', payload: { credentials: { api_key: KEY } } });
      const ids: string[] = [];
      for (let i = 0; i < 24; i++) {
        const res = await ada.request({ method: 'POST', url: '/quantum/jobs', payload: { backend_id: i % 3 === 0 ? 'local.simulator' : 'ionq.simulator', shots: 50, input_format: 'OPEN_QASM_V3', input: BELL, name: `job-${i}` } });
        ids.push(res.json<{ id: string }>().id);
        // Every server's worker is woken by the shared database only; kick them all.
        for (const s of servers) s.app.jobWorker.kick();
      }
      let rows = await first.db.selectFrom('jobs').select(['id', 'status', 'name', 'result']).execute();
      for (let i = 0; i < 400 && rows.some((r) => r.status !== 'COMPLETED'); i++) {
        await new Promise((r) => setTimeout(r, 25));
        rows = await first.db.selectFrom('jobs').select(['id', 'status', 'name', 'result']).execute();
      }
      expect(rows.map((r) => r.status)).toEqual(ids.map(() => 'COMPLETED'));
      const submissions = ionq.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/jobs')).map((r) => (JSON.parse(r.body) as { name: string }).name);
      expect(submissions.sort()).toEqual(rows.filter((r) => r.name && Number(r.name.slice(4)) % 3 !== 0).map((r) => r.name).sort());
      expect(new Set(submissions).size).toBe(submissions.length);
    } finally {
      for (const s of servers.slice(1)) await s.close();
      await first.close();
      await ionq.close();
    }
  });

  it('carries a cancel that arrives while the job is being submitted to the provider', async () => {
    const ionq = await startFakeIonq({ apiKey: KEY, pollsUntilDone: 1_000 });
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let submitting: () => void = () => undefined;
    const submitStarted = new Promise<void>((resolve) => (submitting = resolve));
    // Holds the provider's answer to the submission until the cancel has been requested.
    const gatedFetch: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (init?.method === 'POST' && String(input instanceof Request ? input.url : input).endsWith('/jobs')) {
        submitting();
        await gate;
      }
      return response;
    };
    const t = await createTestApp({ clock: systemClock, fetch: gatedFetch }, { QONDUIT_PROVIDER_IONQ_URL: ionq.url, QONDUIT_WORKER_INTERVAL_MS: '10' });
    try {
      const ada = await signUp(t);
      await ada.request({ method: 'PUT', url: '/api/v1/user/provider-tokens/ionq', payload: { credentials: { api_key: KEY } } });
      const id = (await ada.request({ method: 'POST', url: '/quantum/jobs', payload: { backend_id: 'ionq.simulator', shots: 10, input_format: 'OPEN_QASM_V3', input: BELL } })).json<{ id: string }>().id;
      await submitStarted;
      expect((await ada.request({ method: 'DELETE', url: `/quantum/jobs/${id}` })).statusCode).toBe(204);
      expect((await ada.request({ method: 'GET', url: `/quantum/jobs/${id}/status` })).json()).toEqual({ status: 'CANCELLING' });
      release();
      let status = 'CANCELLING';
      for (let i = 0; i < 200 && status !== 'CANCELLED'; i++) {
        await new Promise((r) => setTimeout(r, 20));
        status = (await ada.request({ method: 'GET', url: `/quantum/jobs/${id}/status` })).json<{ status: string }>().status;
      }
      expect(status).toBe('CANCELLED');
      expect(ionq.requests.some((r) => r.method === 'PUT' && r.path.endsWith('/status/cancel'))).toBe(true);
    } finally {
      release();
      await t.close();
      await ionq.close();
    }
  });
});
