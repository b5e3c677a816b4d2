import { keyFilePath } from '@qonduit/core';
import { startFakeIonq } from '@qonduit/runtime/testing';
import type { FakeIonq } from '@qonduit/runtime/testing';
import { startTestServer } from '@qonduit/testing';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EXIT } from '../errors';
import { createMachine } from '../testing';
import type { Machine } from '../testing';

const IONQ_KEY = 'IonQkey0123456789abcdefghijklmno';
const AQT_TOKEN = 'aqt-token-0123456789abcdef';

let ionq: FakeIonq;
let dataDir: string;
let machine: Machine;

beforeAll(async () => {
  ionq = await startFakeIonq({ apiKey: IONQ_KEY });
});
afterAll(async () => {
  await ionq.close();
});
beforeEach(() => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'qonduit-cli-data-'));
  machine = createMachine({ QONDUIT_DATA_DIR: dataDir, QONDUIT_LOG_LEVEL: 'silent' });
});
afterEach(() => {
  machine.cleanup();
  rmSync(dataDir, { recursive: true, force: true });
});

interface KeyVersion {
  id: string;
  active: boolean;
  retired_at: string | null;
  records: number;
}

describe('qonduit keys on a running server’s data folder', () => {
  it('rotates, rewraps and retires the master key while the server keeps opening every token', async () => {
    const server = await startTestServer({ dataDir, env: { QONDUIT_PROVIDER_IONQ_URL: ionq.url } });
    try {
      const ada = await server.signUp();
      const client = server.client({ token: (await ada.createToken()).token });
      await client.providerTokens.set('ionq', { api_key: IONQ_KEY });
      await client.providerTokens.set('aqt', { token: AQT_TOKEN });
      const status = async () => JSON.parse((await machine.run(['keys', 'status', '--json'])).stdout) as KeyVersion[];
      const [first] = await status();
      expect(first).toMatchObject({ active: true, records: 2 });
      const firstId = first?.id ?? '';

      const rotated = await machine.run(['keys', 'rotate']);
      expect(rotated.code).toBe(EXIT.ok);
      const secondId = rotated.stdout.trim();
      expect(secondId).toMatch(/^mk_[0-9a-f]{16}$/);
      expect(statSync(keyFilePath(dataDir)).mode & 0o777).toBe(0o600);

      const refused = await machine.run(['keys', 'retire', firstId]);
      expect(refused).toMatchObject({ code: EXIT.failure });
      expect(refused.stderr).toContain(`2 provider token(s) are still wrapped under ${firstId}; run 'qonduit keys rewrap' first`);

      expect((await machine.run(['keys', 'rewrap'])).stderr).toContain(`Rewrapped 2 provider tokens under ${secondId}`);
      expect((await machine.run(['keys', 'retire', firstId])).code).toBe(EXIT.ok);
      expect(await status()).toEqual([
        expect.objectContaining({ id: firstId, active: false, records: 0, retired_at: expect.any(String) as unknown }),
        expect.objectContaining({ id: secondId, active: true, records: 2, retired_at: null }),
      ]);
      const table = await machine.run(['keys', 'status']);
      expect(table.stdout).toMatch(new RegExp(`${firstId} +retired +0`));

      // The server opens the rewrapped credential with the new version only.
      expect((await client.providerTokens.verify('ionq')).check.result).toBe('valid');
    } finally {
      await server.close();
    }
  });

  it('says where it looked when the data folder holds no key or database', async () => {
    const run = await machine.run(['keys', 'status']);
    expect(run.code).toBe(EXIT.failure);
    expect(run.stderr).toContain(`qonduit: there is no master key file in ${dataDir}`);
    expect(existsSync(keyFilePath(dataDir))).toBe(false);
  });

  it('refuses to rotate a key that comes from QONDUIT_MASTER_KEY, and says what to do instead', async () => {
    const run = await machine.run(['keys', 'rotate'], { env: { QONDUIT_MASTER_KEY: Buffer.alloc(32, 7).toString('base64') } });
    expect(run.code).toBe(EXIT.failure);
    expect(run.stderr).toContain('update the environment variable instead');
    expect(run.stderr).not.toContain(Buffer.alloc(32, 7).toString('base64'));
  });
});

describe('qonduit migrate and serve', () => {
  it('migrate creates the database and applies every migration once', async () => {
    const first = await machine.run(['migrate', '--data-dir', dataDir]);
    expect(first.code).toBe(EXIT.ok);
    expect(first.stdout.trim().split('\n').length).toBeGreaterThan(0);
    expect(existsSync(path.join(dataDir, 'qonduit.sqlite'))).toBe(true);
    expect((await machine.run(['migrate'])).stderr).toContain('The database is up to date');
  });

  it('serve starts a working server on the data folder, creating its key file 0600, and stops on the signal', async () => {
    const stop = new AbortController();
    let stderr = '';
    const serving = machine.run(['serve', '--port', '0'], { signal: stop.signal }).then((run) => {
      stderr = run.stderr;
      return run;
    });
    let url: string | undefined;
    for (let i = 0; i < 200 && !url; i++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      url = /listening on (http:\/\/\S+)/.exec(machine.lastStderr())?.[1];
    }
    expect(url).toBeDefined();
    const health = await fetch(`${url ?? ''}/healthz`);
    expect(await health.json()).toEqual({ status: 'ok', database: 'ok' });
    expect(statSync(keyFilePath(dataDir)).mode & 0o777).toBe(0o600);
    stop.abort();
    expect((await serving).code).toBe(EXIT.ok);
    expect(stderr).toContain('Created a new master key file');
  });

  it('serve refuses to start, and writes no new key file, when the database holds tokens sealed under a key it lacks', async () => {
    const server = await startTestServer({ dataDir, env: { QONDUIT_PROVIDER_IONQ_URL: ionq.url } });
    try {
      const ada = await server.signUp();
      await server.client({ token: (await ada.createToken()).token }).providerTokens.set('ionq', { api_key: IONQ_KEY });
    } finally {
      await server.close();
    }
    rmSync(keyFilePath(dataDir));
    const run = await machine.run(['serve', '--port', '0']);
    expect(run.code).toBe(EXIT.failure);
    expect(run.stderr).toContain('cannot use the master key');
    expect(run.stderr).toContain('1 provider token(s) sealed under a master key');
    expect(existsSync(keyFilePath(dataDir))).toBe(false);
  });
});
