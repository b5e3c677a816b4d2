import { startFakeIonq } from '@qonduit/runtime/testing';
import type { FakeIonq } from '@qonduit/runtime/testing';
import { startTestServer } from '@qonduit/testing';
import type { TestServer } from '@qonduit/testing';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../errors';
import { shortId } from '../ids';
import { createMachine } from '../testing';
import type { Machine } from '../testing';

// The "done when", from the terminal only: sign up, an organization with an IonQ token
// (a fake IonQ on 127.0.0.1), Bell circuits on the local simulator and on IonQ, rotation, and a
// scan of a folder that still holds the old token.

const BELL = 'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\ncreg c[2];\nh q[0];\ncx q[0],q[1];\nmeasure q -> c;\n';
const IONQ_KEY = 'IonQkey0123456789abcdefghijklmno';

let ionq: FakeIonq;
let server: TestServer;
let machine: Machine;

beforeAll(async () => {
  ionq = await startFakeIonq({ apiKey: IONQ_KEY, pollsUntilDone: 1 });
  server = await startTestServer({ env: { QONDUIT_PROVIDER_IONQ_URL: ionq.url } });
  machine = createMachine({ QONDUIT_URL: server.url });
  writeFileSync(path.join(machine.home, 'bell.qasm'), BELL);
});
afterAll(async () => {
  await server.close();
  await ionq.close();
  machine.cleanup();
});

const ok = async (argv: string[], options: Parameters<Machine['run']>[1] = {}) => {
  const run = await machine.run(argv, options);
  if (run.code !== EXIT.ok) throw new Error(`qonduit ${argv.join(' ')} exited ${run.code}: ${run.stderr}`);
  return run;
};

describe('the mission from the terminal', () => {
  it('signs up, runs on the local simulator and on IonQ with the organization’s token, rotates, and scans', async () => {
    await ok(['signup', '--email', `ada-${Date.now()}@example.com`, '--name', 'Ada Lovelace'], { stdin: 'correct horse battery staple\n' });
    await ok(['orgs', 'create', 'Grace Labs', '--use']);

    const missing = await machine.run(['jobs', 'run', 'bell.qasm', '--backend', 'ionq.simulator']);
    expect(missing.code).toBe(EXIT.failure);
    expect(missing.stderr).toContain('hint: add one with `qonduit provider-tokens set ionq`');

    expect((await ok(['backends', 'list', '--provider', 'ionq'])).stdout).toMatch(/ionq\.simulator .* none: add a token\n/);
    await ok(['provider-tokens', 'set', 'ionq'], { stdin: IONQ_KEY });
    expect((await ok(['backends', 'status', 'ionq.simulator'])).stdout).toMatch(/token: +usable for Grace Labs/);
    const backends = (await ok(['backends', 'list'])).stdout;
    expect(backends).toMatch(/ionq\.simulator .* organization's token\n/);
    expect(backends).toMatch(/aws\.sv1 .* none: add a token\n/);

    const local = await ok(['jobs', 'run', 'bell.qasm', '--backend', 'local.simulator', '--shots', '500', '--wait']);
    expect(local.stdout).toMatch(/^OUTCOME +COUNT +SHARE\n(00|11) +\d+ +\d+\.\d% +█+/);
    expect(local.stdout).toContain('500 shots');

    const remote = await ok(['jobs', 'run', 'bell.qasm', '--backend', 'ionq.simulator', '--shots', '100', '--wait', '--json']);
    const { job, result } = JSON.parse(remote.stdout) as { job: { id: string; token_source: string }; result: { counts: Record<string, number> } };
    expect(job.token_source).toBe('organization');
    expect(Object.values(result.counts).reduce((a, b) => a + b, 0)).toBe(100);
    expect((await ok(['jobs', 'list'])).stdout).toContain(shortId(job.id));
    expect((await ok(['jobs', 'result', shortId(job.id)])).stdout).toContain('100 shots');
    // From the personal account, the organization's job is not found, and the hint says where it is.
    const elsewhere = await machine.run(['jobs', 'result', shortId(job.id), '--org', 'personal']);
    expect(elsewhere.code).toBe(EXIT.failure);
    expect(elsewhere.stderr).toContain(`no job "${shortId(job.id)}" in your personal account`);
    expect(elsewhere.stderr).toContain('it belongs to Grace Labs: use --org "Grace Labs"');

    const old = (JSON.parse(readFileSync(machine.configFile, 'utf8')) as { token: string }).token;
    mkdirSync(path.join(machine.home, 'repo'));
    writeFileSync(path.join(machine.home, 'repo', 'settings.py'), `QONDUIT_TOKEN = "${old}"\n`);
    await ok(['tokens', 'rotate', 'self']);
    expect((await ok(['whoami'])).stdout).toContain('Ada Lovelace');

    const scan = await machine.run(['scan', 'repo', '--revoke']);
    expect(scan.code).toBe(EXIT.failure);
    expect(scan.stdout).toBe(`repo/settings.py:1:18  qdp_${'*'.repeat(32)}${old.slice(-4)}\n`);
    expect(scan.stderr).toContain('Revoked 0 of 1'); // rotation already revoked it
  });
});
