import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { startFakeIonq } from '@qonduit/runtime/testing';
import { describe, expect, it } from 'vitest';

// A real server process, killed with SIGKILL while jobs are in flight, then started again on
// the same data: every job must reach its final state, and none may be run twice.
const BELL = 'OPENQASM 3.0;\nqubit[2] q;\nbit[2] c;\nh q[0];\ncx q[0], q[1];\nc = measure q;\n';
const KEY = 'RestartIonQKey0123456789abcdefgh';
const MAIN = path.resolve(import.meta.dirname, 'main.ts');

function startServer(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout ?? process.stdin });
    lines.on('line', (line) => {
      const entry = JSON.parse(line) as { msg?: string; address?: string };
      if (entry.msg === 'qonduit is ready' && entry.address) resolve({ child, url: entry.address });
    });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${stderr}`)));
  });
}

async function api(url: string, method: string, pathname: string, options: { token?: string; body?: unknown } = {}) {
  const res = await fetch(`${url}${pathname}`, {
    method,
    headers: { ...(options.body ? { 'content-type': 'application/json' } : {}), ...(options.token ? { authorization: `Bearer ${options.token}` } : {}) },
    ...(options.body ? { body: JSON.stringify(options.body) } : {}),
  });
  return { status: res.status, body: (res.status === 204 ? null : await res.json()) as Record<string, unknown> & Array<Record<string, unknown>> };
}

async function databaseEnv(): Promise<{ env: Record<string, string>; cleanup: () => Promise<void> }> {
  if (process.env.QONDUIT_TEST_DB !== 'postgres') return { env: {}, cleanup: async () => {} };
  const url = process.env.QONDUIT_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const schema = `t_${randomBytes(8).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const withSchema = `${url}${url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  return {
    env: { QONDUIT_DATABASE_URL: withSchema },
    cleanup: async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`drop schema ${schema} cascade`);
      await c.end();
    },
  };
}

describe('a server killed while jobs are in flight', () => {
  it('carries every job to one final state after a restart, running none twice', { timeout: 90_000 }, async () => {
    const ionq = await startFakeIonq({ apiKey: KEY, pollsUntilDone: 8 });
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'qonduit-restart-'));
    const db = await databaseEnv();
    const env = {
      ...db.env,
      QONDUIT_PORT: '0',
      QONDUIT_DATA_DIR: dataDir,
      QONDUIT_PROVIDER_IONQ_URL: ionq.url,
      QONDUIT_WORKER_INTERVAL_MS: '50',
      QONDUIT_WORKER_LEASE_MS: '1500',
      QONDUIT_LOG_LEVEL: 'info',
    };
    let server = await startServer(env);
    try {
      await api(server.url, 'POST', '/api/v1/auth/signup', { body: { email: 'ada@example.com', password: 'correct horse battery', name: 'Ada' } });
      // Sign-up gives a cookie session; a PAT is simpler for a script: log in through the API.
      const login = await fetch(`${server.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'ada@example.com', password: 'correct horse battery' }) });
      const cookies = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
      const csrf = /qonduit_csrf=([^;]+)/.exec(cookies)?.[1] ?? '';
      const tokenRes = await fetch(`${server.url}/api/v1/user/tokens`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: cookies, 'x-csrf-token': csrf },
        body: JSON.stringify({ name: 'restart', scopes: ['api', 'quantum_tokens'], expires_at: new Date(Date.now() + 86_400_000).toISOString() }),
      });
      const token = ((await tokenRes.json()) as { token: string }).token;
      expect((await api(server.url, 'PUT', '/api/v1/user/provider-tokens/ionq', { token, body: { credentials: { api_key: KEY } } })).status).toBe(201);

      const ids: string[] = [];
      for (let i = 0; i < 8; i++) {
        const backend = i % 4 === 3 ? 'local.simulator' : 'ionq.simulator';
        const res = await api(server.url, 'POST', '/quantum/jobs', { token, body: { backend_id: backend, shots: 100, input_format: 'OPEN_QASM_V3', input: BELL, name: `restart-${i}` } });
        expect(res.status).toBe(201);
        ids.push(String(res.body.id));
      }
      // Wait until every IonQ job is running at the provider, then kill the server mid-flight.
      for (let i = 0; i < 200; i++) {
        const jobs = (await api(server.url, 'GET', '/quantum/jobs', { token })).body;
        if (jobs.filter((j) => j.backend_id === 'ionq.simulator').every((j) => j.status === 'RUNNING')) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      const before = (await api(server.url, 'GET', '/quantum/jobs', { token })).body;
      expect(before.filter((j) => j.status === 'RUNNING').length).toBeGreaterThan(0);
      server.child.kill('SIGKILL');
      await new Promise((r) => server.child.once('exit', r));

      server = await startServer(env);
      let jobs = before;
      for (let i = 0; i < 400 && !jobs.every((j) => ['COMPLETED', 'FAILED', 'CANCELLED'].includes(String(j.status))); i++) {
        await new Promise((r) => setTimeout(r, 100));
        jobs = (await api(server.url, 'GET', '/quantum/jobs', { token })).body;
      }
      expect(jobs.map((j) => j.status)).toEqual(ids.map(() => 'COMPLETED'));
      for (const id of ids) {
        const result = await api(server.url, 'GET', `/quantum/jobs/${id}/result`, { token });
        expect(Object.values(result.body.counts as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(100);
      }
      const submitted = ionq.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/jobs')).map((r) => (JSON.parse(r.body) as { name: string }).name);
      expect(submitted.sort()).toEqual(['restart-0', 'restart-1', 'restart-2', 'restart-4', 'restart-5', 'restart-6']);
    } finally {
      server.child.kill('SIGKILL');
      await ionq.close();
      await db.cleanup();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
