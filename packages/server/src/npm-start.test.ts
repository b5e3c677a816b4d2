import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { describe, expect, it } from 'vitest';

// `npm start` as an operator runs it, stopped as a process manager stops it: SIGTERM to npm's
// process. npm hands the signal to the script's process, so the script must be the server
// itself (`exec node ...`): a shell in between dies of the signal and leaves the server holding
// the port (and tsx's CLI, used before, ran the server in a child of its own).
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

async function databaseEnv(): Promise<{ env: Record<string, string>; cleanup: () => Promise<void> }> {
  if (process.env.QONDUIT_TEST_DB !== 'postgres') return { env: {}, cleanup: async () => {} };
  const url = process.env.QONDUIT_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const schema = `t_${randomBytes(8).toString('hex')}`;
  const run = async (sql: string) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(sql);
    await client.end();
  };
  await run(`create schema ${schema}`);
  return {
    env: { QONDUIT_DATABASE_URL: `${url}${url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}` },
    cleanup: () => run(`drop schema ${schema} cascade`),
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

describe('npm start', () => {
  it('stops gracefully on SIGTERM to npm, leaving no process on the port', { timeout: 120_000 }, async () => {
    const start = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
    expect(start).toMatch(/^exec node /);
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'qonduit-npm-start-'));
    const db = await databaseEnv();
    // --ignore-scripts skips prestart (building the web UI, which the API does not need) and runs start itself.
    const npm = spawn('npm', ['start', '--ignore-scripts', '--silent'], {
      cwd: ROOT,
      env: { ...process.env, ...db.env, QONDUIT_PORT: '0', QONDUIT_DATA_DIR: dataDir, QONDUIT_LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => npm.once('exit', (code, signal) => resolve({ code, signal })));
    const messages: Array<{ msg?: string; address?: string; pid?: number; signal?: string }> = [];
    let stderr = '';
    let serverPid: number | null = null;
    npm.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    try {
      const ready = await new Promise<{ address: string; pid: number }>((resolve, reject) => {
        createInterface({ input: npm.stdout }).on('line', (line) => {
          if (!line.startsWith('{')) return;
          const entry = JSON.parse(line) as (typeof messages)[number];
          messages.push(entry);
          if (entry.msg === 'qonduit is ready' && entry.address && entry.pid) resolve({ address: entry.address, pid: entry.pid });
        });
        void exited.then(({ code }) => reject(new Error(`npm start exited with ${code} before the server was ready: ${stderr}`)));
      });
      serverPid = ready.pid;
      const port = Number(new URL(ready.address).port);
      expect((await fetch(`${ready.address}/healthz`)).status).toBe(200);

      npm.kill('SIGTERM');
      expect(await exited).toEqual({ code: 0, signal: null });
      expect(messages).toContainEqual(expect.objectContaining({ msg: 'shutting down', signal: 'SIGTERM' }));
      expect(alive(ready.pid)).toBe(false);
      expect(await portIsFree(port)).toBe(true);
    } finally {
      if (npm.exitCode === null) npm.kill('SIGKILL');
      // Even when the test fails, no server is left behind.
      if (serverPid !== null && alive(serverPid)) process.kill(serverPid, 'SIGKILL');
      await db.cleanup();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
