import { ROLES } from '@qonduit/contract';
import type { Role } from '@qonduit/contract';
import { startFakeIonq } from '@qonduit/runtime/testing';
import type { FakeIonq } from '@qonduit/runtime/testing';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, createTestApp, signUp } from '../../test/harness';
import type { Browser, TestApp } from '../../test/harness';
import { ORG_ACTIONS, grantOf, policyTableMarkdown } from './org-policy';
import type { OrgAction } from './org-policy';

// The role × action table (org-policy.ts) checked cell by cell through the HTTP API: every
// cell a role holds is tried and must succeed, every cell it lacks must answer 403, an 'own'
// cell is tried on the member's own job (allowed) and on someone else's (refused), and a row
// every role holds is refused to someone outside the organization.

const IONQ_KEY = 'PolicyIonQKey0123456789abcdefghi';
const QASM = 'OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[1] q;\nbit[1] c;\nh q[0];\nc[0] = measure q[0];\n';

/** Actions the table already decides for routes that do not exist yet. */
const NOT_ROUTED: ReadonlySet<OrgAction> = new Set([]);

let t: TestApp;
let ionq: FakeIonq;
const people = {} as Record<Role | 'other' | 'newcomer' | 'outsider', Browser>;

interface Fixture {
  org: string;
}

async function fixture(): Promise<Fixture> {
  const org = (await people.owner.request({ method: 'POST', url: '/api/v1/orgs', payload: { name: 'Policy Lab' } })).json<{ id: string }>().id;
  for (const [who, role] of [
    [people.maintainer, 'maintainer'],
    [people.viewer, 'viewer'],
    [people.other, 'viewer'],
  ] as const) {
    await addMember(people.owner, org, who, role);
  }
  const put = await people.owner.request({ method: 'PUT', url: `/api/v1/orgs/${org}/provider-tokens/ionq`, payload: { credentials: { api_key: IONQ_KEY } } });
  expect(put.statusCode).toBe(201);
  return { org };
}

const inOrg = (f: Fixture) => ({ 'x-organizationid': f.org });

/** A job in the organization, queued (local simulator) or at IonQ (with IonQ's job id). */
async function job(f: Fixture, by: Browser, atIonq: boolean): Promise<{ id: string; providerJobId: string }> {
  const res = await by.request({
    method: 'POST',
    url: '/quantum/jobs',
    headers: inOrg(f),
    payload: { backend_id: atIonq ? 'ionq.simulator' : 'local.simulator', shots: 10, input_format: 'OPEN_QASM_V3', input: QASM },
  });
  expect(res.statusCode, res.body).toBe(201);
  const id = res.json<{ id: string }>().id;
  if (!atIonq) return { id, providerJobId: '' };
  // As the worker would have left it after submitting (the worker does not run in this test).
  const submitted = await fetch(`${ionq.url}/jobs`, {
    method: 'POST',
    headers: { authorization: `apiKey ${IONQ_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'ionq.qasm3.v1', backend: 'simulator', shots: 10, input: { qubits: 1, data: QASM } }),
  });
  const providerJobId = ((await submitted.json()) as { id: string }).id;
  await t.db.updateTable('jobs').set({ status: 'RUNNING', provider_job_id: providerJobId }).where('id', '=', id).execute();
  return { id, providerJobId };
}

/** Someone other than `actor` who may have submitted a job: the owner, or for the owner the maintainer. */
const someoneElse = (actor: Browser) => (actor === people.owner ? people.maintainer : people.owner);

type Attempt = (actor: Browser, f: Fixture, own: boolean) => Promise<LightMyRequestResponse>;

/** The request that exercises each action, as its door would receive it. */
const ATTEMPTS: Record<OrgAction, Attempt> = {
  async read(actor, f) {
    let last: LightMyRequestResponse | undefined;
    for (const [url, headers] of [
      [`/api/v1/orgs/${f.org}`, {}],
      [`/api/v1/orgs/${f.org}/members`, {}],
      [`/api/v1/orgs/${f.org}/provider-tokens`, {}],
      [`/api/v1/orgs/${f.org}/audit-events`, {}],
      ['/quantum/jobs', inOrg(f)],
    ] as const) {
      last = await actor.request({ method: 'GET', url, headers });
      if (last.statusCode >= 300) return last;
    }
    if (!last) throw new Error('no request');
    return last;
  },
  submit_jobs: (actor, f) =>
    actor.request({
      method: 'POST',
      url: '/quantum/jobs',
      headers: inOrg(f),
      payload: { backend_id: 'ionq.simulator', shots: 10, input_format: 'OPEN_QASM_V3', input: QASM },
    }),
  proxy_read: (actor, f) => actor.request({ method: 'GET', url: '/proxy/ionq/backends', headers: inOrg(f) }),
  async cancel_job(actor, f, own) {
    const { id } = await job(f, own ? actor : someoneElse(actor), false);
    return actor.request({ method: 'DELETE', url: `/quantum/jobs/${id}`, headers: inOrg(f) });
  },
  async proxy_write(actor, f, own) {
    const { providerJobId } = await job(f, own ? actor : someoneElse(actor), true);
    const res = await actor.request({ method: 'PUT', url: `/proxy/ionq/jobs/${providerJobId}/status/cancel`, headers: inOrg(f) });
    expect(ionq.jobs.get(providerJobId)?.status).toBe(res.statusCode === 200 ? 'canceled' : 'submitted');
    return res;
  },
  token_notices: (actor, f) => actor.request({ method: 'GET', url: `/api/v1/orgs/${f.org}/notices` }),
  set_spending_limits: (actor, f) =>
    actor.request({ method: 'PUT', url: `/api/v1/orgs/${f.org}/spending-limits/ionq`, payload: { member_jobs_per_month: 10 } }),
  manage_provider_tokens: (actor, f) =>
    actor.request({ method: 'PUT', url: `/api/v1/orgs/${f.org}/provider-tokens/ionq`, payload: { credentials: { api_key: IONQ_KEY } } }),
  invite_members: (actor, f) =>
    actor.request({ method: 'POST', url: `/api/v1/orgs/${f.org}/members`, payload: { email: people.newcomer.email, role: 'viewer' } }),
  remove_members: (actor, f) => actor.request({ method: 'DELETE', url: `/api/v1/orgs/${f.org}/members/${people.other.userId}` }),
  change_roles: (actor, f) =>
    actor.request({ method: 'PATCH', url: `/api/v1/orgs/${f.org}/members/${people.other.userId}`, payload: { role: 'maintainer' } }),
  read_token_policy: (actor, f) => actor.request({ method: 'GET', url: `/api/v1/orgs/${f.org}/token-policy` }),
  token_policy: (actor, f) => actor.request({ method: 'PATCH', url: `/api/v1/orgs/${f.org}/token-policy`, payload: { max_lifetime_days: 90 } }),
  review_member_tokens: (actor, f, own) =>
    actor.request({ method: 'GET', url: `/api/v1/orgs/${f.org}/token-policy/affected-tokens${own ? `?member=${actor.userId}` : ''}` }),
  review_member_sign_in: (actor, f) => actor.request({ method: 'GET', url: `/api/v1/orgs/${f.org}/token-policy/compliance` }),
  rename: (actor, f) => actor.request({ method: 'PATCH', url: `/api/v1/orgs/${f.org}`, payload: { name: 'Renamed Lab' } }),
  delete_org: (actor, f) => actor.request({ method: 'DELETE', url: `/api/v1/orgs/${f.org}` }),
};

beforeAll(async () => {
  ionq = await startFakeIonq({ apiKey: IONQ_KEY, pollsUntilDone: 1_000_000 });
  t = await createTestApp(
    { startWorker: false },
    // Each cell gets a fresh organization: far more member additions and jobs than one person sends.
    { QONDUIT_PROVIDER_IONQ_URL: ionq.url, QONDUIT_RATE_LIMIT_MEMBER_ADD: 'off', QONDUIT_RATE_LIMIT_JOB_SUBMIT: 'off' },
  );
  for (const name of ['owner', 'maintainer', 'viewer', 'other', 'newcomer', 'outsider'] as const) {
    people[name] = await signUp(t, `Policy ${name}`);
  }
});
afterAll(async () => {
  await t.close();
  await ionq.close();
});

describe('the role × action table', () => {
  const observed: string[] = ['| action | viewer | maintainer | owner | outsider |', '|---|---|---|---|---|'];

  it('is printed, and names every action once', () => {
    console.log(`\nOrganization role × action table (org-policy.ts):\n${policyTableMarkdown()}\n`);
    expect(new Set(ORG_ACTIONS).size).toBe(ORG_ACTIONS.length);
    expect(policyTableMarkdown().split('\n')).toHaveLength(ORG_ACTIONS.length + 2);
  });

  for (const action of ORG_ACTIONS) {
    if (NOT_ROUTED.has(action)) continue;
    it(`${action}: each role gets exactly what its cell says, through the HTTP API`, async () => {
      const attempt = ATTEMPTS[action];
      const cells: string[] = [];
      let refusals = 0;
      let allowances = 0;
      for (const role of [...ROLES].reverse()) {
        const grant = grantOf(role, action);
        const actor = people[role];
        const tries: Array<{ own: boolean; allowed: boolean }> =
          grant === 'own' ? [{ own: true, allowed: true }, { own: false, allowed: false }] : [{ own: false, allowed: grant === 'all' }];
        const seen: string[] = [];
        for (const { own, allowed } of tries) {
          const res = await attempt(actor, await fixture(), own);
          const where = `${action} as ${role}${grant === 'own' ? (own ? ' on their own' : " on someone else's") : ''}: ${res.statusCode} ${res.body.slice(0, 200)}`;
          if (allowed) {
            expect(res.statusCode, where).toBeGreaterThanOrEqual(200);
            expect(res.statusCode, where).toBeLessThan(300);
            allowances++;
          } else {
            expect(res.statusCode, where).toBe(403);
            expect(res.json<{ error: { code: string; message: string } }>().error, where).toMatchObject({
              code: 'forbidden',
              message: expect.stringContaining(`your role is ${role}`) as unknown,
            });
            refusals++;
          }
          seen.push(`${res.statusCode}`);
        }
        cells.push(`${grant} (${seen.join('/')})`);
      }
      // Every row has a refused case: for a row every role holds, someone outside the organization.
      const outsider = await attempt(people.outsider, await fixture(), false);
      expect([403, 404], `${action} as an outsider: ${outsider.statusCode}`).toContain(outsider.statusCode);
      refusals++;
      cells.push(`refused (${outsider.statusCode})`);
      expect(allowances).toBeGreaterThan(0);
      expect(refusals).toBeGreaterThan(0);
      observed.push(`| ${action} | ${cells.join(' | ')} |`);
    });
  }

  it('prints what the API answered for each cell', () => {
    for (const action of NOT_ROUTED) observed.push(`| ${action} | (no route yet) | | | |`);
    console.log(`\nObserved through the HTTP API (status codes):\n${observed.join('\n')}\n`);
    expect(observed.length).toBe(ORG_ACTIONS.length + 2);
  });
});
