import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDb } from '@qonduit/db';
import { migrateToLatest } from '@qonduit/db';
import { describe, expect, it } from 'vitest';
import { createTestAppOn, signUp } from './test/harness';

const MAIN = path.resolve(import.meta.dirname, 'main.ts');

function runServer(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise((resolve) => {
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

// The key-file half of "no silent key loss" as an operator meets it: the SQLite server's data
// folder lost master-key.json (a restore without it, a wrong volume), and the server is started.
describe.runIf(process.env.QONDUIT_TEST_DB !== 'postgres')('the server process at start-up', () => {
  it('refuses to start, and says why, when the key file is gone but provider tokens are stored; it creates no new key', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'qonduit-main-'));
    try {
      const file = path.join(dataDir, 'qonduit.sqlite');
      const handle = createDb({ kind: 'sqlite', file });
      await migrateToLatest(handle.db);
      const t = await createTestAppOn({ ...handle, cleanup: async () => undefined, connectAgain: () => createDb({ kind: 'sqlite', file }) }, { startWorker: false });
      const ada = await signUp(t);
      const put = await ada.request({ method: 'PUT', url: '/api/v1/user/provider-tokens/ionq', payload: { credentials: { api_key: 'IonQkey0123456789abcdefghijklmno' } } });
      expect(put.statusCode).toBe(201);
      await t.app.close();
      await handle.db.destroy();

      const run = await runServer({ QONDUIT_DATA_DIR: dataDir, QONDUIT_PORT: '0', QONDUIT_LOG_LEVEL: 'silent' });
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/cannot use the master key: the master key file .*master-key\.json is missing, but the database holds 1 provider token/);
      expect(existsSync(path.join(dataDir, 'master-key.json'))).toBe(false);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
