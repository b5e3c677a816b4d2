import { systemClock } from '@qonduit/core';
import { createTestDb } from '@qonduit/db/testing';
import { startFakeIonq } from '@qonduit/runtime/testing';
import { describe, expect, it } from 'vitest';
import { createPat, createTestApp, createTestAppOn, signUp, testKeyring, withToken } from '../../test/harness';
import type { Browser, TestApp } from '../../test/harness';
import { fixedKeyring } from '../keys/keyring-holder';

const BELL = 'OPENQASM 3.0;\nqubit[2] q;\nbit[2] c;\nh q[0];\ncx q[0], q[1];\nc = measure q;\n';
const KEY = 'QueueIonQKey0123456789abcdefghij';

/** `layers` rounds of H on every qubit and a CX ladder, measured: seconds of work at 22+ qubits. */
function layered(qubits: number, layers: number): string {
  const lines = ['OPENQASM 3.0;', `qubit[${qubits}] q;`, `bit[${qubits}] c;`];
  for (let l = 0; l < layers; l++) {
    for (let i = 0; i < qubits; i++) lines.push(`h q[${i}];`);
    for (let i = 0; i + 1 < qubits; i++) lines.push(`cx q[${i}], q[${i + 1}];`);
  }
  lines.push('c = measure q;');
  return `${lines.join('\n')}\n`;
}

async function submitLocal(user: Browser, input: string) {
  return user.request({ method: 'POST', url: '/quantum/jobs', payload: { backend_id: 'local.simulator', shots: 20, input_format: 'OPEN_QASM_V3', input } });
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let value = await read();
  while (!done(value)) {
    if (Date.now() > end) throw new Error(`gave up waiting; last seen ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 25));
    value = await read();
  }
  return value;
}

const jobRow = (t: TestApp, id: string) =>
  t.db.selectFrom('jobs').select(['status', 'error_message', 'attempts', 'lease_owner']).where('id', '=', id).executeTakeFirstOrThrow();

describe('the local simulator runs off the event loop', () => {
  it('keeps /healthz and a token-authenticated GET answering while a 24-qubit job runs', { timeout: 90_000 }, async () => {
    const t = await createTestApp({ clock: systemClock }, { QONDUIT_WORKER_INTERVAL_MS: '20', QONDUIT_SIMULATOR_WORKERS: '1' });
    try {
      const ada = await signUp(t);
      const pat = await createPat(t, ada, { scopes: ['read_api'] });
      const res = await submitLocal(ada, layered(24, 4));
      expect(res.statusCode).toBe(201);
      const id = res.json<{ id: string }>().id;
      // The simulation has started once the worker counted the run under its lease.
      await until(() => jobRow(t, id), (row) => row.attempts >= 1 && row.lease_owner !== null);
      const health = await t.request({ method: 'GET', url: '/healthz' });
      const status = await t.request({ method: 'GET', url: `/quantum/jobs/${id}/status`, headers: withToken(pat.token) });
      expect(health.statusCode).toBe(200);
      expect(status.statusCode).toBe(200);
      // Both answered while the simulation was still running, not after it.
      expect(status.json<{ status: string }>().status).not.toBe('COMPLETED');
      expect((await jobRow(t, id)).status).not.toBe('COMPLETED');
    } finally {
      await t.close();
    }
  });

  it('fails a simulation that runs past its deadline with the reason, and the worker takes the next job', { timeout: 90_000 }, async () => {
    const t = await createTestApp(
      { clock: systemClock },
      { QONDUIT_WORKER_INTERVAL_MS: '20', QONDUIT_SIMULATOR_WORKERS: '1', QONDUIT_SIMULATOR_DEADLINE_MS: '300' },
    );
    try {
      const ada = await signUp(t);
      const slow = (await submitLocal(ada, layered(22, 6))).json<{ id: string }>().id;
      const failed = await until(() => jobRow(t, slow), (row) => row.status !== 'PENDING');
      expect(failed.status).toBe('FAILED');
      expect(failed.error_message).toMatch(/deadline of 300 ms/);
      const bell = (await submitLocal(ada, BELL)).json<{ id: string }>().id;
      expect((await until(() => jobRow(t, bell), (row) => row.status !== 'PENDING')).status).toBe('COMPLETED');
      // Failed for good: no worker takes it up again.
      await new Promise((r) => setTimeout(r, 200));
      expect((await jobRow(t, slow)).status).toBe('FAILED');
    } finally {
      await t.close();
    }
  });

  it('refuses at submission a simulation over the work budget, before any worker sees it', async () => {
    const t = await createTestApp({}, { QONDUIT_SIMULATOR_MAX_WORK: String(2 ** 20) });
    try {
      const ada = await signUp(t);
      const res = await submitLocal(ada, layered(20, 2));
      expect(res.statusCode).toBe(400);
      expect(res.json<{ error: { message: string } }>().error.message).toMatch(/MAX_SIMULATION_WORK/);
    } finally {
      await t.close();
    }
  });
});

describe('leases that hold', () => {
  it('never lets a second process take a job whose step outlives its first lease, and submits each job once', { timeout: 90_000 }, async () => {
    const ionq = await startFakeIonq({ apiKey: KEY, pollsUntilDone: 1 });
    // IonQ accepts at once but answers only after twice the lease.
    ionq.slowDown(2500, (r) => r.method === 'POST');
    const database = await createTestDb();
    const env = { QONDUIT_PROVIDER_IONQ_URL: ionq.url, QONDUIT_WORKER_INTERVAL_MS: '20', QONDUIT_WORKER_LEASE_MS: '1000' };
    const keyring = fixedKeyring(testKeyring());
    const first = await createTestAppOn(database, { clock: systemClock, keyring }, env);
    const second = await createTestAppOn({ ...database, ...database.connectAgain(), cleanup: async () => {} }, { clock: systemClock, keyring }, env);
    try {
      const ada = await signUp(first);
      await ada.request({ method: 'PUT', url: '/api/v1/user/provider-tokens/ionq', payload: { credentials: { api_key: KEY } } });
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const res = await ada.request({ method: 'POST', url: '/quantum/jobs', payload: { backend_id: 'ionq.simulator', shots: 10, input_format: 'OPEN_QASM_V3', input: BELL, name: `slow-${i}` } });
        expect(res.statusCode).toBe(201);
        ids.push(res.json<{ id: string }>().id);
      }
      second.app.jobWorker.kick();
      const rows = await until(
        () => first.db.selectFrom('jobs').select(['id', 'status']).execute(),
        (all) => all.every((r) => r.status === 'COMPLETED' || r.status === 'FAILED'),
      );
      expect(rows.map((r) => r.status)).toEqual(ids.map(() => 'COMPLETED'));
      expect([...ionq.submissions.entries()].sort()).toEqual(ids.map((id) => [id, 1]).sort());
      expect(ionq.jobs.size).toBe(3);
    } finally {
      await second.close();
      await first.close();
      await ionq.close();
    }
  });
});

describe('per-account limits', () => {
  it('answers 429 with Retry-After once an account has the most jobs it may queue, and other accounts still submit', async () => {
    const t = await createTestApp({ startWorker: false }, { QONDUIT_JOBS_MAX_QUEUED_PER_ACCOUNT: '2' });
    try {
      const ada = await signUp(t);
      expect((await submitLocal(ada, BELL)).statusCode).toBe(201);
      expect((await submitLocal(ada, BELL)).statusCode).toBe(201);
      const refused = await submitLocal(ada, BELL);
      expect(refused.statusCode).toBe(429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect(refused.json<{ error: { code: string; message: string } }>().error).toMatchObject({
        code: 'rate_limited',
        message: expect.stringMatching(/already has 2 jobs waiting to start, the most it may queue \(2\)/) as unknown,
      });
      const grace = await signUp(t, 'Grace Hopper');
      expect((await submitLocal(grace, BELL)).statusCode).toBe(201);
    } finally {
      await t.close();
    }
  });

  it("serves an account that waits in turn with another account's earlier burst", { timeout: 60_000 }, async () => {
    const t = await createTestApp({ startWorker: false, clock: systemClock }, { QONDUIT_WORKER_CONCURRENCY: '1' });
    try {
      const ada = await signUp(t);
      const grace = await signUp(t, 'Grace Hopper');
      const burst: string[] = [];
      for (let i = 0; i < 4; i++) burst.push((await submitLocal(ada, BELL)).json<{ id: string }>().id);
      const waiting = (await submitLocal(grace, BELL)).json<{ id: string }>().id;
      const order: string[] = [];
      for (let i = 0; i < 5; i++) {
        await t.app.jobWorker.runOnce();
        const done = await t.db.selectFrom('jobs').select('id').where('status', '=', 'COMPLETED').execute();
        for (const { id } of done) if (!order.includes(id)) order.push(id);
      }
      expect(order).toHaveLength(5);
      // Ada's first job, then Grace's, then the rest of Ada's burst.
      expect(order.slice(0, 2)).toEqual([burst[0], waiting]);
    } finally {
      await t.close();
    }
  });
});
