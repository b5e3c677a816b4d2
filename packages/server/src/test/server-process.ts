import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';

const MAIN = path.resolve(import.meta.dirname, '../main.ts');

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** The application_name of its PostgreSQL connections (its listener is `<name>/listen`). */
  applicationName: string;
  stop(): Promise<void>;
}

/**
 * A fresh schema in the PostgreSQL test database that several real server processes share, as
 * they would share a production database; each server's connections carry its own name.
 */
export async function sharedPostgresSchema() {
  const url = process.env.QONDUIT_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const schema = `t_${randomBytes(8).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  // One master key for all of them, as DESIGN.md requires of servers sharing a database.
  const masterKey = randomBytes(32).toString('base64');
  const dataDirs: string[] = [];

  return {
    schema,
    /** Starts a server process on this schema; `env` adds or overrides settings. */
    async start(name: string, env: Record<string, string> = {}): Promise<ServerProcess> {
      const applicationName = `qonduit_${name}_${schema}`;
      const dataDir = mkdtempSync(path.join(os.tmpdir(), `qonduit-${name}-`));
      dataDirs.push(dataDir);
      // Not URLSearchParams: pg reads a '+' as itself, not as a space.
      const params = `options=${encodeURIComponent(`-c search_path=${schema}`)}&application_name=${encodeURIComponent(applicationName)}`;
      return startServerProcess(
        {
          QONDUIT_DATABASE_URL: `${url}${url.includes('?') ? '&' : '?'}${params}`,
          QONDUIT_MASTER_KEY: masterKey,
          QONDUIT_DATA_DIR: dataDir,
          QONDUIT_PORT: '0',
          QONDUIT_LOG_LEVEL: 'info',
          ...env,
        },
        applicationName,
      );
    },
    async cleanup(): Promise<void> {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`drop schema ${schema} cascade`);
      await c.end();
      for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function startServerProcess(env: Record<string, string>, applicationName = ''): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const force = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(force);
  };
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout ?? process.stdin });
    lines.on('line', (line) => {
      let entry: { msg?: string; address?: string };
      try {
        entry = JSON.parse(line) as { msg?: string; address?: string };
      } catch {
        return;
      }
      if (entry.msg === 'qonduit is ready' && entry.address) resolve({ child, url: entry.address, applicationName, stop });
    });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${stderr}`)));
  });
}

/** One JSON request; the body is parsed when there is one. */
export async function call(url: string, method: string, pathname: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const res = await fetch(`${url}${pathname}`, {
    method,
    headers: {
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.headers ?? {}),
    },
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as Record<string, unknown> };
}

/** Signs a user up on a server and returns a PAT with the given scopes. */
export async function userWithToken(url: string, email: string, scopes: string[] = ['api', 'quantum_tokens']): Promise<{ userId: string; token: string; tokenId: string }> {
  const signup = await fetch(`${url}/api/v1/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: 'correct horse battery staple', name: email.split('@')[0] }),
  });
  if (signup.status !== 201) throw new Error(`signup failed: ${signup.status} ${await signup.text()}`);
  const user = (await signup.json()) as { id: string };
  const cookies = signup.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const csrf = /qonduit_csrf=([^;]+)/.exec(cookies)?.[1] ?? '';
  const created = await fetch(`${url}/api/v1/user/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: cookies, 'x-csrf-token': csrf },
    body: JSON.stringify({ name: 'two servers', scopes, expires_at: new Date(Date.now() + 86_400_000).toISOString() }),
  });
  if (created.status !== 201) throw new Error(`token creation failed: ${created.status} ${await created.text()}`);
  const pat = (await created.json()) as { id: string; token: string };
  return { userId: user.id, token: pat.token, tokenId: pat.id };
}

/** Creates another PAT for the holder of `token` (which needs the `api` scope). */
export async function anotherToken(url: string, token: string, name: string, scopes: string[] = ['api']): Promise<{ id: string; token: string }> {
  const res = await call(url, 'POST', '/api/v1/user/tokens', { token, body: { name, scopes, expires_at: new Date(Date.now() + 86_400_000).toISOString() } });
  if (res.status !== 201) throw new Error(`token creation failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: String(res.body.id), token: String(res.body.token) };
}
