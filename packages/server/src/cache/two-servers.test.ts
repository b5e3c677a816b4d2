import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { terminateConnections } from '../test/pg-connections';
import { anotherToken, call, sharedPostgresSchema, userWithToken } from '../test/server-process';
import type { ServerProcess } from '../test/server-process';

// Two real server processes on one PostgreSQL schema, as a deployment of several servers runs:
// what one server changes, the other enforces at once (DESIGN.md: nothing shared lives only in
// one process's memory). Real processes, not two apps in one, so that each has its own pool,
// its own LISTEN connection and its own cache, and a crash would be a crash.
const onPostgres = process.env.QONDUIT_TEST_DB === 'postgres';
const TTL_MS = 3000;
const BELL = 'OPENQASM 3.0;\nqubit[2] q;\nbit[2] c;\nh q[0];\ncx q[0], q[1];\nc = measure q;\n';

/** Polls until `refused` holds; answers how long it took, or fails after `limitMs`. */
async function msUntil(limitMs: number, refused: () => Promise<boolean>): Promise<number> {
  const start = performance.now();
  for (;;) {
    if (await refused()) return performance.now() - start;
    if (performance.now() - start > limitMs) throw new Error(`not refused within ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe.runIf(onPostgres)('two servers on one PostgreSQL', () => {
  let shared: Awaited<ReturnType<typeof sharedPostgresSchema>>;
  let a: ServerProcess;
  let b: ServerProcess;
  let ada: { userId: string; token: string };
  let bob: { userId: string; token: string };
  let org: string;

  beforeAll(async () => {
    shared = await sharedPostgresSchema();
    const env = { QONDUIT_AUTH_CACHE_TTL_MS: String(TTL_MS), QONDUIT_WORKER_INTERVAL_MS: '50' };
    // A first, so that the migrations run once; then B.
    a = await shared.start('a', env);
    b = await shared.start('b', env);
    const tag = randomBytes(4).toString('hex');
    ada = await userWithToken(a.url, `ada-${tag}@example.com`);
    bob = await userWithToken(b.url, `bob-${tag}@example.com`);
    const created = await call(a.url, 'POST', '/api/v1/orgs', { token: ada.token, body: { name: `Two servers ${tag}` } });
    expect(created.status).toBe(201);
    org = String(created.body.id);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await shared?.cleanup();
  });

  /** Bob joins the organization with a role (how he joins is not what these tests are about). */
  async function bobJoins(role: 'owner' | 'maintainer' | 'viewer'): Promise<void> {
    const url = process.env.QONDUIT_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      await c.query(
        `insert into ${shared.schema}.memberships (organization_id, user_id, role, added_at) values ($1, $2, $3, $4)
         on conflict (organization_id, user_id) do update set role = excluded.role`,
        [org, bob.userId, role, new Date().toISOString()],
      );
    } finally {
      await c.end();
    }
  }

  it('a token revoked on A is refused on B, which had it cached, well within a second', async () => {
    const admin = await anotherToken(a.url, ada.token, 'admin');
    const victim = await anotherToken(a.url, ada.token, 'victim');
    expect((await call(b.url, 'GET', '/api/v1/user', { token: victim.token })).status).toBe(200);
    expect((await call(b.url, 'GET', '/api/v1/user', { token: victim.token })).status).toBe(200);
    expect((await call(a.url, 'DELETE', `/api/v1/user/tokens/${victim.id}`, { token: admin.token })).status).toBe(204);
    const ms = await msUntil(TTL_MS, async () => (await call(b.url, 'GET', '/api/v1/user', { token: victim.token })).status === 401);
    // The TTL would also get there, in up to 3 s: this is the notification.
    expect(ms).toBeLessThan(1000);
  });

  it('a member removed on A loses access to the organization on B at once', async () => {
    await bobJoins('viewer');
    const inOrg = { token: bob.token, headers: { 'x-organizationid': org } };
    expect((await call(b.url, 'GET', `/api/v1/orgs/${org}`, { token: bob.token })).status).toBe(200);
    expect((await call(b.url, 'GET', '/quantum/jobs', inOrg)).status).toBe(200);
    expect((await call(a.url, 'DELETE', `/api/v1/orgs/${org}/members/${bob.userId}`, { token: ada.token })).status).toBe(204);
    // Another account's organization answers 404, as a missing one does; acting for it, 403.
    expect((await call(b.url, 'GET', `/api/v1/orgs/${org}`, { token: bob.token })).status).toBe(404);
    expect((await call(b.url, 'GET', '/quantum/jobs', inOrg)).status).toBe(403);
  });

  it('a role lowered on A is enforced on B at once', async () => {
    await bobJoins('owner');
    const rename = (name: string) => call(b.url, 'PATCH', `/api/v1/orgs/${org}`, { token: bob.token, body: { name } });
    expect((await rename('Renamed by an owner')).status).toBe(200);
    expect((await call(a.url, 'PATCH', `/api/v1/orgs/${org}/members/${bob.userId}`, { token: ada.token, body: { role: 'maintainer' } })).status).toBe(200);
    expect((await rename('Renamed by a maintainer')).status).toBe(403);
  });

  it('after its LISTEN connection is killed, B still refuses a token revoked on A within the cache time-to-live', async () => {
    const admin = await anotherToken(a.url, ada.token, 'admin after kill');
    const victim = await anotherToken(a.url, ada.token, 'victim after kill');
    expect((await call(b.url, 'GET', '/api/v1/user', { token: victim.token })).status).toBe(200);
    expect(await terminateConnections(b.applicationName, 'listener')).toBe(1);
    // Revoked while B may not be listening: its notification can be lost.
    expect((await call(a.url, 'DELETE', `/api/v1/user/tokens/${victim.id}`, { token: admin.token })).status).toBe(204);
    await msUntil(TTL_MS + 1000, async () => (await call(b.url, 'GET', '/api/v1/user', { token: victim.token })).status === 401);
    // And B hears again: the next revocation arrives by notification.
    const next = await anotherToken(a.url, ada.token, 'victim after reconnect');
    await msUntil(TTL_MS, async () => (await call(b.url, 'GET', '/api/v1/user', { token: next.token })).status === 200);
    expect((await call(a.url, 'DELETE', `/api/v1/user/tokens/${next.id}`, { token: admin.token })).status).toBe(204);
    expect(await msUntil(TTL_MS, async () => (await call(b.url, 'GET', '/api/v1/user', { token: next.token })).status === 401)).toBeLessThan(1000);
  });

  it('both keep answering while PostgreSQL terminates all their connections under load', async () => {
    const statuses: number[] = [];
    let running = true;
    const load = Promise.all(
      [a, b].map(async (server) => {
        while (running) statuses.push((await call(server.url, 'GET', '/api/v1/user/tokens', { token: ada.token })).status);
      }),
    );
    for (let round = 0; round < 3; round++) {
      await new Promise((r) => setTimeout(r, 150));
      await Promise.all([terminateConnections(a.applicationName), terminateConnections(b.applicationName)]);
    }
    running = false;
    await load;
    // A statement on a connection killed under it fails (500); the process lives on.
    expect(statuses.every((s) => s === 200 || s === 500)).toBe(true);
    expect([a.child.exitCode, b.child.exitCode]).toEqual([null, null]);
    for (const server of [a, b]) expect((await call(server.url, 'GET', '/api/v1/user/tokens', { token: ada.token })).status).toBe(200);
  });

  it('jobs created on either server are visible on both', async () => {
    const submit = (server: ServerProcess, name: string) =>
      call(server.url, 'POST', '/quantum/jobs', { token: ada.token, body: { backend_id: 'local.simulator', shots: 10, input_format: 'OPEN_QASM_V3', input: BELL, name } });
    const onA = await submit(a, 'made on A');
    const onB = await submit(b, 'made on B');
    expect([onA.status, onB.status]).toEqual([201, 201]);
    for (const server of [a, b]) {
      for (const job of [onA, onB]) {
        const seen = await call(server.url, 'GET', `/quantum/jobs/${String(job.body.id)}`, { token: ada.token });
        expect(seen.status).toBe(200);
        expect(seen.body.name).toBe(job.body.name);
      }
    }
    // Either server's worker runs them; both see each one finish.
    for (const job of [onA, onB]) {
      await msUntil(15_000, async () => {
        const statuses = await Promise.all([a, b].map((s) => call(s.url, 'GET', `/quantum/jobs/${String(job.body.id)}/status`, { token: ada.token })));
        return statuses.every((s) => s.body.status === 'COMPLETED');
      });
    }
  });
});
