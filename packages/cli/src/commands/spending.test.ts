import { startFakeIonq } from '@qonduit/runtime/testing';
import type { FakeIonq } from '@qonduit/runtime/testing';
import { startTestServer } from '@qonduit/testing';
import type { TestServer, TestUser } from '@qonduit/testing';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../errors';
import { createMachine, fakeTerminal } from '../testing';
import type { Machine } from '../testing';

// orgs usage, orgs limits / set-limit / remove-limit and jobs run --dry-run against a real server.

const IONQ_KEY = 'SpendKey0123456789abcdefghijklmn';
const BELL = 'OPENQASM 3.0;\nqubit[2] q;\nbit[2] c;\nh q[0];\ncx q[0], q[1];\nc = measure q;\n';

let ionq: FakeIonq;
let server: TestServer;
let ada: TestUser;
let vic: TestUser;
let owner: Machine;
let viewer: Machine;
let org: string;

beforeAll(async () => {
  ionq = await startFakeIonq({ apiKey: IONQ_KEY });
  server = await startTestServer({ env: { QONDUIT_PROVIDER_IONQ_URL: ionq.url }, deps: { startWorker: false } });
  ada = await server.signUp({ name: 'Ada Lovelace' });
  vic = await server.signUp({ name: 'Vic Viewer' });
  owner = createMachine({ QONDUIT_URL: server.url });
  viewer = createMachine({ QONDUIT_URL: server.url });
  await owner.run(['login', '--token', (await ada.createToken({ scopes: ['api', 'quantum_tokens'] })).token]);
  await viewer.run(['login', '--token', (await vic.createToken({ scopes: ['api', 'quantum_tokens'] })).token]);
  org = (await owner.run(['orgs', 'create', 'Spend Labs'])).stdout.trim();
  // Joining is by invitation, which is not what these tests are about: Vic is seeded a viewer.
  await server.database.db.insertInto('memberships').values({ organization_id: org, user_id: vic.id, role: 'viewer', added_at: new Date().toISOString() }).execute();
  expect((await owner.run(['provider-tokens', 'set', 'ionq', '--org', org], { stdin: `${IONQ_KEY}\n` })).code).toBe(EXIT.ok);
  for (const m of [owner, viewer]) writeFileSync(path.join(m.home, 'bell.qasm'), BELL);
});
afterAll(async () => {
  await server?.close();
  await ionq?.close();
  owner?.cleanup();
  viewer?.cleanup();
});

describe('spending limits in the CLI', () => {
  it('an owner sets limits; a viewer cannot, and sees them', async () => {
    const refused = await viewer.run(['orgs', 'set-limit', 'ionq', '--org', org, '--member-jobs', '1']);
    expect(refused.code).toBe(EXIT.permission);
    expect(refused.stderr).toMatch(/Only owners and maintainers can set spending limits/);
    const set = await owner.run(['orgs', 'set-limit', 'ionq', '--org', org, '--member-jobs', '1', '--member-cost', '50', '--max-shots-per-job', '500']);
    expect(set.code, set.stderr).toBe(EXIT.ok);
    expect(set.stderr).toContain('✓ IonQ: per member: 1 jobs, $50.00; per job: 500 shots');
    const shown = await viewer.run(['orgs', 'limits', org]);
    expect(shown.stdout).toMatch(/^PROVIDER +MONTHLY LIMITS/);
    expect(shown.stdout).toMatch(/IonQ +per member: 1 jobs, \$50\.00; per job: 500 shots/);
    expect((await owner.run(['orgs', 'set-limit', 'ionq', '--org', org])).code).toBe(EXIT.usage);
  });

  it('jobs run --dry-run shows the estimate and submits nothing; the limit then refuses the second job with its message', async () => {
    const dry = await viewer.run(['jobs', 'run', 'bell.qasm', '--backend', 'ionq.qpu.aria-1', '--shots', '100', '--org', org, '--dry-run']);
    expect(dry.code, dry.stderr).toBe(EXIT.ok);
    expect(dry.stdout).toMatch(/estimated cost: +\$3\.30 USD \(\$0\.3 per task \+ \$0\.03 per shot; prices of \d{4}-\d{2}-\d{2}\)/);
    expect(dry.stdout).toMatch(/spends: +the organization's provider token \(Spend Labs\)/);
    expect(dry.stdout).toMatch(/would be: +accepted/);
    expect(await server.database.db.selectFrom('jobs').select('id').execute()).toHaveLength(0);

    const tooBig = await viewer.run(['jobs', 'run', 'bell.qasm', '--backend', 'ionq.simulator', '--shots', '600', '--org', org, '--dry-run', '--json']);
    expect(tooBig.code).toBe(EXIT.failure);
    expect(JSON.parse(tooBig.stdout)).toMatchObject({ refusal: { code: 'job_over_limit' } });

    const accepted = await viewer.run(['jobs', 'run', 'bell.qasm', '--backend', 'ionq.qpu.aria-1', '--shots', '100', '--org', org]);
    expect(accepted.code, accepted.stderr).toBe(EXIT.ok);
    expect((await viewer.run(['jobs', 'show', accepted.stdout.trim(), '--org', org])).stdout).toMatch(/estimated cost: +\$3\.30 USD/);
    const second = await viewer.run(['jobs', 'run', 'bell.qasm', '--backend', 'ionq.simulator', '--shots', '10', '--org', org]);
    expect(second.code).toBe(EXIT.failure);
    expect(second.stderr).toMatch(/limit of 1 job per member per month on its IonQ token .*resets at \d{4}-\d{2}-01T00:00:00\.000Z/);
  });

  it('orgs usage shows the month per provider and member, with the estimated cost', async () => {
    const run = await viewer.run(['orgs', 'usage', org]);
    expect(run.code, run.stderr).toBe(EXIT.ok);
    expect(run.stdout).toMatch(/^Usage of the organization's provider tokens in \d{4}-\d{2} \(UTC; resets/);
    expect(run.stdout).toMatch(/IonQ +1 +100 +\$3\.30 +per member: 1 jobs/);
    expect(run.stdout).toMatch(/Vic Viewer +IonQ +1 +100 +\$3\.30 +█+/);
    const json = JSON.parse((await viewer.run(['orgs', 'usage', org, '--json'])).stdout) as { members: unknown[] };
    expect(json.members).toHaveLength(1);
    expect((await viewer.run(['orgs', 'usage', org, '--month', '2026-13'])).code).toBe(EXIT.usage);
    expect((await owner.run(['orgs', 'remove-limit', 'ionq', '--org', org])).code).toBe(EXIT.ok);
    expect((await viewer.run(['orgs', 'limits', org])).stderr).toContain('No spending limits are set');
  });

  it('on a terminal, a job that costs money is confirmed first, with its estimate; --yes skips the question', async () => {
    const jobs = async () => (await server.database.db.selectFrom('jobs').select('id').execute()).length;
    const before = await jobs();
    const declined = await viewer.run(['jobs', 'run', 'bell.qasm', '--backend', 'ionq.qpu.aria-1', '--shots', '10', '--org', org], { stdin: fakeTerminal('n\r') });
    expect(declined.code).toBe(EXIT.failure);
    expect(declined.stderr).toContain("This job is estimated to cost $0.60 USD, spending the organization's provider token. Submit it? [y/N]");
    expect(declined.stderr).toContain('not submitted');
    expect(await jobs()).toBe(before);
    const accepted = await viewer.run(['jobs', 'run', 'bell.qasm', '--backend', 'ionq.qpu.aria-1', '--shots', '10', '--org', org], { stdin: fakeTerminal('y\r') });
    expect(accepted.code, accepted.stderr).toBe(EXIT.ok);
    expect((await viewer.run(['jobs', 'run', 'bell.qasm', '--backend', 'ionq.qpu.aria-1', '--shots', '10', '--org', org, '--yes'], { stdin: fakeTerminal('') })).code).toBe(EXIT.ok);
    // A free backend asks nothing.
    expect((await viewer.run(['jobs', 'run', 'bell.qasm', '--backend', 'ionq.simulator', '--shots', '10', '--org', org], { stdin: fakeTerminal('') })).code).toBe(EXIT.ok);
    expect(await jobs()).toBe(before + 3);
  });
});
