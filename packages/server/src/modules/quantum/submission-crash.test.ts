import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { startFakeBraket, startFakeIonq, startFakeIqm } from '@qonduit/runtime/testing';
import type { FakeServer } from '@qonduit/runtime/testing';
import { describe, expect, it } from 'vitest';

// A real server process killed with SIGKILL after the provider accepted a submission but before
// the answer reached the database, then started again on the same data: the job must be carried
// to its end without a second submission at the provider.
const BELL = 'OPENQASM 3.0;\nqubit[2] q;\nbit[2] c;\nh q[0];\ncx q[0], q[1];\nc = measure q;\n';
const MAIN = path.resolve(import.meta.dirname, '../../main.ts');
const IONQ_KEY = 'CrashIonQKey0123456789abcdefghij';
const IQM_TOKEN = 'CrashIqmToken0123456789abcdefghij';
const AWS = { access_key_id: 'AKIAIOSFODNN7EXAMPLE', secret_access_key: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', region: 'us-east-1', s3_bucket: 'amazon-braket-qonduit-results' };

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
  return { status: res.status, body: (res.status === 204 ? null : await res.json()) as Record<string, unknown> };
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

async function tokenFor(url: string): Promise<string> {
  const signup = await fetch(`${url}/api/v1/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'ada@example.com', password: 'correct horse battery', name: 'Ada' }),
  });
  const cookies = signup.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const csrf = /qonduit_csrf=([^;]+)/.exec(cookies)?.[1] ?? '';
  const res = await fetch(`${url}/api/v1/user/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: cookies, 'x-csrf-token': csrf },
    body: JSON.stringify({ name: 'crash', scopes: ['api', 'quantum_tokens'], expires_at: new Date(Date.now() + 86_400_000).toISOString() }),
  });
  return ((await res.json()) as { token: string }).token;
}

async function crashAfterAccept(options: {
  fake: FakeServer;
  providerEnv: Record<string, string>;
  provider: string;
  credentials: Record<string, string>;
  backend: string;
  /** How many jobs the provider has created so far. */
  created: () => number;
}): Promise<{ id: string; final: Record<string, unknown> }> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'qonduit-crash-'));
  const db = await databaseEnv();
  const env = {
    ...db.env,
    ...options.providerEnv,
    QONDUIT_PORT: '0',
    QONDUIT_DATA_DIR: dataDir,
    QONDUIT_WORKER_INTERVAL_MS: '50',
    QONDUIT_WORKER_LEASE_MS: '1000',
    QONDUIT_LOG_LEVEL: 'info',
  };
  // The provider accepts the submission at once, but its answer is never read by this process.
  options.fake.slowDown(120_000, (r) => r.method === 'POST');
  let server = await startServer(env);
  try {
    const token = await tokenFor(server.url);
    expect((await api(server.url, 'PUT', `/api/v1/user/provider-tokens/${options.provider}`, { token, body: { credentials: options.credentials } })).status).toBe(201);
    const res = await api(server.url, 'POST', '/quantum/jobs', { token, body: { backend_id: options.backend, shots: 100, input_format: 'OPEN_QASM_V3', input: BELL } });
    expect(res.status).toBe(201);
    const id = String(res.body.id);
    for (let i = 0; i < 400 && options.created() === 0; i++) await new Promise((r) => setTimeout(r, 25));
    expect(options.created()).toBe(1);
    server.child.kill('SIGKILL');
    await new Promise((r) => server.child.once('exit', r));
    options.fake.slowDown(0);

    server = await startServer(env);
    let final = (await api(server.url, 'GET', `/quantum/jobs/${id}`, { token })).body;
    for (let i = 0; i < 400 && !['COMPLETED', 'FAILED', 'CANCELLED'].includes(String(final.status)); i++) {
      await new Promise((r) => setTimeout(r, 100));
      final = (await api(server.url, 'GET', `/quantum/jobs/${id}`, { token })).body;
    }
    return { id, final };
  } finally {
    server.child.kill('SIGKILL');
    await db.cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

describe('a server killed between the provider accepting a job and recording its answer', () => {
  it('asks Braket again with the same clientToken and gets the same task: one task, the job completes', { timeout: 120_000 }, async () => {
    const braket = await startFakeBraket({ accessKeyId: AWS.access_key_id, secretAccessKey: AWS.secret_access_key, region: AWS.region });
    try {
      const { id, final } = await crashAfterAccept({
        fake: braket,
        providerEnv: { QONDUIT_PROVIDER_AWS_BRAKET_URL: braket.url, QONDUIT_PROVIDER_AWS_BRAKET_S3_URL: braket.s3Url },
        provider: 'aws_braket',
        credentials: AWS,
        backend: 'aws.sv1',
        created: () => braket.tasks.size,
      });
      expect(final.status).toBe('COMPLETED');
      expect(braket.tasks.size).toBe(1);
      expect([...braket.submissions.entries()]).toEqual([[id, 1]]);
      // The second CreateQuantumTask carried the first one's token.
      const tokens = braket.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/quantum-task')).map((r) => (JSON.parse(r.body) as { clientToken: string }).clientToken);
      expect(tokens).toHaveLength(2);
      expect(new Set(tokens).size).toBe(1);
    } finally {
      await braket.close();
    }
  });

  it('finds the IonQ job by the attempt id in its metadata instead of submitting again: the job completes', { timeout: 120_000 }, async () => {
    const ionq = await startFakeIonq({ apiKey: IONQ_KEY, pollsUntilDone: 1 });
    try {
      const { id, final } = await crashAfterAccept({
        fake: ionq,
        providerEnv: { QONDUIT_PROVIDER_IONQ_URL: ionq.url },
        provider: 'ionq',
        credentials: { api_key: IONQ_KEY },
        backend: 'ionq.simulator',
        created: () => ionq.jobs.size,
      });
      expect(final.status).toBe('COMPLETED');
      expect([...ionq.submissions.entries()]).toEqual([[id, 1]]);
      expect(ionq.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    } finally {
      await ionq.close();
    }
  });
  it('fails the IQM job as unknown instead of submitting again, since IQM offers neither an idempotency token nor a lookup', { timeout: 120_000 }, async () => {
    const iqm = await startFakeIqm({ token: IQM_TOKEN, pollsUntilDone: 1 });
    try {
      const { final } = await crashAfterAccept({
        fake: iqm,
        providerEnv: { QONDUIT_PROVIDER_IQM_URL: iqm.url },
        provider: 'iqm',
        credentials: { token: IQM_TOKEN },
        backend: 'iqm.garnet',
        created: () => iqm.jobs.size,
      });
      expect(final.status).toBe('FAILED');
      expect(String(final.error_message)).toMatch(/lost the answer to this job's submission .* not submitted again/);
      expect(iqm.jobs.size).toBe(1);
      expect(iqm.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    } finally {
      await iqm.close();
    }
  });
});
