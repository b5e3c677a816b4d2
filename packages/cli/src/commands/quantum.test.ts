import { startFakeQuantumServer } from '@qonduit/testing';
import type { FakeQuantumServer } from '@qonduit/testing';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EXIT } from '../errors';
import { shortId } from '../ids';
import { createMachine } from '../testing';
import type { Machine } from '../testing';

// backends and jobs against a stand-in for the server's /quantum routes; the same commands run
// end to end once the server's quantum API lands.

const BELL = 'OPENQASM 3.0;\nqubit[2] q;\nbit[2] c;\nh q[0];\ncx q[0], q[1];\nc = measure q;\n';
const ORG = '01a2b3c4-0000-7000-8000-000000000001';

let fake: FakeQuantumServer;
let machine: Machine;

beforeAll(async () => {
  fake = await startFakeQuantumServer('qdp_quantum');
  machine = createMachine({ QONDUIT_URL: fake.url, QONDUIT_TOKEN: 'qdp_quantum' });
  writeFileSync(path.join(machine.home, 'bell.qasm'), BELL);
});
afterAll(async () => {
  await fake.close();
  machine.cleanup();
});
beforeEach(() => {
  fake.script = { pendingPolls: 0, runningPolls: 1 };
  fake.requests.length = 0;
});

describe('qonduit backends', () => {
  it('lists backends as a table, filters by provider, and shows one', async () => {
    const list = await machine.run(['backends', 'list']);
    expect(list.stdout).toMatch(/^ID +PROVIDER +TYPE +QUBITS +STATUS +ACCESS\nlocal\.simulator +Local simulator +SIMULATOR +4 +ONLINE +no token needed\n/);
    expect(JSON.parse((await machine.run(['backends', 'list', '--provider', 'ionq', '--json'])).stdout)).toHaveLength(1);
    expect(fake.requests.at(-1)?.query.get('provider')).toBe('ionq');
    expect((await machine.run(['backends', 'show', 'local.simulator'])).stdout).toMatch(/input formats: +OPEN_QASM_V2, OPEN_QASM_V3/);
    expect((await machine.run(['backends', 'status', 'local.simulator'])).stdout).toMatch(/token: +usable for your personal account/);
  });

  it('an unknown backend is exit 1 with the server’s message', async () => {
    const run = await machine.run(['backends', 'show', 'nope']);
    expect(run).toMatchObject({ code: EXIT.failure, stderr: 'qonduit: No backend nope (request req-not_found)\n' });
  });
});

describe('qonduit jobs', () => {
  it('run --wait submits the file, shows progress on stderr, and prints the counts with bars', async () => {
    fake.script = { pendingPolls: 1, runningPolls: 1 };
    const run = await machine.run(['jobs', 'run', 'bell.qasm', '--backend', 'local.simulator', '--shots', '200', '--wait', '--name', 'bell']);
    expect(run.code).toBe(EXIT.ok);
    expect(fake.requests[0]?.body).toEqual({ backend_id: 'local.simulator', shots: 200, input: BELL, input_format: 'OPEN_QASM_V3', name: 'bell' });
    expect(run.stderr).toMatch(/job [0-9a-f-]{36} PENDING on local\.simulator\njob [0-9a-f-]{36} RUNNING on local\.simulator\njob [0-9a-f-]{36} COMPLETED/);
    expect(run.stdout).toBe(
      'OUTCOME  COUNT  SHARE\n' +
        `00         100  50.0%  ${'█'.repeat(50)}\n` +
        `11         100  50.0%  ${'█'.repeat(50)}\n` +
        '200 shots\n',
    );
  });

  it('run without --wait prints the job id and how to follow it; the org context picks the token', async () => {
    const run = await machine.run(['jobs', 'run', '-', '--backend', 'ionq.simulator'], { stdin: BELL, env: { QONDUIT_ORGANIZATION_ID: ORG } });
    expect(run.code).toBe(EXIT.ok);
    const id = run.stdout.trim();
    expect(run.stderr).toContain(`Follow it with \`qonduit jobs status ${id}\``);
    expect(fake.requests[0]?.headers['x-organizationid']).toBe(ORG);
    expect(fake.requests[0]?.body).toMatchObject({ shots: 1000, input_format: 'OPEN_QASM_V3' });
  });

  it('a job that fails at its provider is exit 1 with the provider’s reason and a hint', async () => {
    fake.script = { outcome: 'FAILED', errorMessage: 'IonQ: invalid API key' };
    const run = await machine.run(['jobs', 'run', 'bell.qasm', '--backend', 'ionq.simulator', '--wait']);
    expect(run.code).toBe(EXIT.failure);
    expect(run.stderr).toMatch(/qonduit: Job [0-9a-f-]{36} failed at IonQ: IonQ: invalid API key\nhint: check the provider token with `qonduit provider-tokens verify ionq`\n$/);
  });

  it('Ctrl-C while waiting stops the wait (exit 130) and says the job goes on', async () => {
    fake.script = { pendingPolls: 1000 };
    const stop = new AbortController();
    setTimeout(() => stop.abort(Object.assign(new Error('stopped'), { name: 'AbortError' })), 150);
    const run = await machine.run(['jobs', 'run', 'bell.qasm', '--backend', 'local.simulator', '--wait'], { signal: stop.signal });
    expect(run.code).toBe(EXIT.interrupted);
    expect(run.stderr).toMatch(/qonduit: stopped waiting; job ([0-9a-f-]{36}) goes on\nhint: see it with `qonduit jobs status \1`/);
  });

  it('list, show, status, result and cancel', async () => {
    const id = (await machine.run(['jobs', 'run', 'bell.qasm', '--backend', 'local.simulator', '--tag', 'demo'])).stdout.trim();
    expect((await machine.run(['jobs', 'status', id])).stdout).toBe('RUNNING\n');
    expect((await machine.run(['jobs', 'status', id, '--json'])).stdout).toBe('{\n  "status": "COMPLETED"\n}\n');
    expect((await machine.run(['jobs', 'list'])).stdout).toMatch(new RegExp(`^ID +NAME +BACKEND +STATUS +SHOTS +CREATED +TOKEN\\n${shortId(id)} +- +local\\.simulator +COMPLETED +1000`));
    expect((await machine.run(['jobs', 'show', id])).stdout).toMatch(/tags: +demo/);
    // The short id a table shows names the job too.
    expect((await machine.run(['jobs', 'show', shortId(id)])).stdout).toMatch(new RegExp(`^id: +${id}\n`));
    expect(JSON.parse((await machine.run(['jobs', 'result', id, '--json'])).stdout)).toEqual({ counts: { '00': 500, '11': 500 } });

    fake.script = { pendingPolls: 100 };
    const pending = (await machine.run(['jobs', 'run', 'bell.qasm', '--backend', 'local.simulator'])).stdout.trim();
    const cancel = await machine.run(['jobs', 'cancel', pending]);
    expect(cancel.stderr).toBe(`✓ Asked to cancel job ${shortId(pending)}; it is now CANCELLED\n`);
  });

  it('a file that is not a circuit is a usage error', async () => {
    writeFileSync(path.join(machine.home, 'bad.json'), '{"not": "a circuit"}');
    expect((await machine.run(['jobs', 'run', 'bad.json', '--backend', 'local.simulator'])).code).toBe(EXIT.usage);
    expect((await machine.run(['jobs', 'run', 'missing.qasm', '--backend', 'local.simulator'])).stderr).toBe('qonduit: cannot read missing.qasm\n');
  });
});
