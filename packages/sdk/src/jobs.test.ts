import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Qonduit } from './client';
import { JobCancelledError, NotFoundError, ProviderError } from './errors';
import { detectInputFormat } from './jobs';
import { startFakeQuantumServer } from '@qonduit/testing';
import type { FakeQuantumServer } from '@qonduit/testing';

// Backends and jobs against a stand-in for the /quantum routes (the contract's shapes); the
// end-to-end run against the real server comes with the server's quantum API.

const BELL = 'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\ncreg c[2];\nh q[0];\ncx q[0],q[1];\nmeasure q -> c;\n';

let fake: FakeQuantumServer;
let qonduit: Qonduit;
let waits: number[];

beforeAll(async () => {
  fake = await startFakeQuantumServer('qdp_jobs');
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.script = {};
  fake.requests.length = 0;
  waits = [];
  qonduit = new Qonduit({ baseUrl: fake.url, token: 'qdp_jobs', organizationId: 'org_1', env: {}, configFile: null });
});

const instant = async (ms: number) => {
  waits.push(ms);
};

describe('backends', () => {
  it('lists, filters by provider, reads one and its status', async () => {
    expect((await qonduit.backends.list()).map((b) => b.id)).toEqual(['local.simulator', 'ionq.simulator']);
    expect((await qonduit.backends.list({ provider: 'ionq' })).map((b) => b.id)).toEqual(['ionq.simulator']);
    expect((await qonduit.backends.get('local.simulator')).configuration.qubit_count).toBe(4);
    expect(await qonduit.backends.status('local.simulator')).toEqual({ status: 'ONLINE', provider_token_valid: true, access_type: 'TOKEN_BASED' });
    await expect(qonduit.backends.get('nope')).rejects.toBeInstanceOf(NotFoundError);
    expect(fake.requests.every((r) => r.headers['x-organizationid'] === 'org_1')).toBe(true);
  });
});

describe('jobs.run', () => {
  it('submits with the detected input format, polls with growing waits, and returns the counts', async () => {
    fake.script = { pendingPolls: 2, runningPolls: 3 };
    const seen: string[] = [];
    const { job, result } = await qonduit.jobs.run(BELL, {
      backend: 'local.simulator',
      shots: 100,
      name: 'bell',
      sleep: instant,
      onStatus: (status) => seen.push(status),
    });
    expect(job).toMatchObject({ status: 'COMPLETED', shots: 100, name: 'bell', backend_id: 'local.simulator' });
    expect(result.counts).toEqual({ '00': 50, '11': 50 });
    expect(fake.requests[0]?.body).toEqual({ backend_id: 'local.simulator', shots: 100, input: BELL, input_format: 'OPEN_QASM_V2', name: 'bell' });
    expect([...new Set(seen)]).toEqual(['PENDING', 'RUNNING', 'COMPLETED']);
    expect(waits).toEqual([250, 375, 563, 845, 1268]);
  });

  it('never waits longer than maxPollIntervalMs between checks', async () => {
    fake.script = { pendingPolls: 8, runningPolls: 0 };
    await qonduit.jobs.run(BELL, { backend: 'local.simulator', sleep: instant, pollIntervalMs: 1000, maxPollIntervalMs: 2000 });
    expect(Math.max(...waits)).toBe(2000);
  });

  it('throws ProviderError with the provider’s reason when the job failed there', async () => {
    fake.script = { outcome: 'FAILED', errorMessage: 'IonQ: the circuit uses 40 qubits; the backend has 25' };
    const err = await qonduit.jobs.run(BELL, { backend: 'ionq.simulator', sleep: instant }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).message).toContain('the backend has 25');
    expect((err as ProviderError).jobId).toBe([...fake.jobs.keys()].at(-1));
  });

  it('throws JobCancelledError when the job is cancelled while it waits', async () => {
    fake.script = { pendingPolls: 50 };
    const err = await qonduit.jobs
      .run(BELL, {
        backend: 'local.simulator',
        sleep: instant,
        onStatus: (_status, { id }) => {
          // Someone else cancels it (the web UI, another terminal) while this client waits.
          const job = fake.jobs.get(id);
          if (job && waits.length === 2) fake.jobs.set(id, { ...job, status: 'CANCELLING' });
        },
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JobCancelledError);
  });

  it('an aborted signal stops the waiting but leaves the job running, unless cancelOnAbort', async () => {
    fake.script = { pendingPolls: 1000 };
    const controller = new AbortController();
    const stop = () => {
      if (waits.length === 3) controller.abort(new Error('user pressed Ctrl-C'));
    };
    const slowSleep = async (ms: number, signal: AbortSignal | undefined) => {
      waits.push(ms);
      signal?.throwIfAborted();
    };
    await expect(qonduit.jobs.run(BELL, { backend: 'local.simulator', signal: controller.signal, sleep: slowSleep, onStatus: stop })).rejects.toThrow(
      'user pressed Ctrl-C',
    );
    const left = [...fake.jobs.values()].at(-1);
    expect(left?.status).toBe('PENDING');

    const again = new AbortController();
    waits = [];
    const cancelOnStop = () => {
      if (waits.length === 3) again.abort(new Error('stop'));
    };
    await expect(
      qonduit.jobs.run(BELL, { backend: 'local.simulator', signal: again.signal, sleep: slowSleep, onStatus: cancelOnStop, cancelOnAbort: true }),
    ).rejects.toThrow('stop');
    expect(fake.requests.at(-1)?.method).toBe('DELETE');
    expect([...fake.jobs.values()].at(-1)?.status).toBe('CANCELLING');
  });

  it('an already aborted signal submits nothing', async () => {
    const controller = new AbortController();
    controller.abort(new Error('too late'));
    await expect(qonduit.jobs.run(BELL, { backend: 'local.simulator', signal: controller.signal })).rejects.toThrow('too late');
    expect(fake.requests).toEqual([]);
  });
});

describe('jobs one step at a time', () => {
  it('submit, status, result, get; list as a plain list or as a page', async () => {
    fake.script = { pendingPolls: 0, runningPolls: 0 };
    const job = await qonduit.jobs.submit({ backend_id: 'local.simulator', shots: 10, input: BELL, input_format: 'OPEN_QASM_V2', tags: ['t'] });
    expect(job.status).toBe('PENDING');
    expect(await qonduit.jobs.status(job.id)).toBe('COMPLETED');
    expect((await qonduit.jobs.result(job.id)).counts).toEqual({ '00': 5, '11': 5 });
    expect((await qonduit.jobs.get(job.id)).tags).toEqual(['t']);
    const all = await qonduit.jobs.list();
    expect(all[0]?.id).toBe(job.id);
    const page = await qonduit.jobs.list({ page: 0, size: 1 });
    expect(page.content.map((j) => j.id)).toEqual([job.id]);
    expect(page.last).toBe(all.length === 1);
    expect(fake.requests.at(-1)?.query.toString()).toBe('page=0&size=1');
  });
});

describe('input format detection', () => {
  it('reads the OPENQASM version line, after comments too; JSON circuits are IonQ’s', () => {
    expect(detectInputFormat('OPENQASM 3.0;\nqubit q;')).toBe('OPEN_QASM_V3');
    expect(detectInputFormat('// bell\n/* two qubits */\nOPENQASM 2.0;')).toBe('OPEN_QASM_V2');
    expect(detectInputFormat('qubit[2] q;')).toBe('OPEN_QASM_V3');
    expect(detectInputFormat({ qubits: 2, circuit: [{ gate: 'h', target: 0 }] })).toBe('IONQ_CIRCUIT_V1');
  });
});
