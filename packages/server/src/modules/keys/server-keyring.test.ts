import { KeyringError, keyFilePath } from '@qonduit/core';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, createTestAppOn, signUp, testKeyring } from '../../test/harness';
import type { TestApp } from '../../test/harness';
import { fixedKeyring } from './keyring-holder';
import { openServerKeyring } from './server-keyring';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'qonduit-start-'));
  dirs.push(dir);
  return dir;
};

let t: TestApp;
let dataDir: string;
beforeEach(async () => {
  t = await createTestApp({ startWorker: false });
  dataDir = tempDir();
});
afterEach(async () => {
  await t.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Another server process on the test's database. */
function sameDatabase(overrides: Parameters<typeof createTestAppOn>[1]): Promise<TestApp> {
  return createTestAppOn({ ...t.database, ...t.database.connectAgain(), cleanup: async () => undefined }, { startWorker: false, ...overrides });
}

async function storeProviderToken(app: TestApp): Promise<void> {
  const ada = await signUp(app);
  const res = await ada.request({ method: 'PUT', url: '/api/v1/user/provider-tokens/ionq', payload: { credentials: { api_key: 'IonQkey0123456789abcdefghijklmno' } } });
  expect(res.statusCode).toBe(201);
}

async function startError(run: () => Promise<unknown>): Promise<KeyringError> {
  try {
    await run();
  } catch (err) {
    if (err instanceof KeyringError) return err;
    throw err;
  }
  throw new Error('the start was expected to be refused');
}

describe('no silent key loss at start-up', () => {
  it('creates the key file on the first start, while the database holds no sealed record', async () => {
    const started = await openServerKeyring({ env: {}, dataDir, db: t.db });
    expect(started.createdKeyFile).toBe(keyFilePath(dataDir));
    expect(existsSync(keyFilePath(dataDir))).toBe(true);
    const again = await openServerKeyring({ env: {}, dataDir, db: t.db });
    expect(again.createdKeyFile).toBeNull();
    expect(again.keyring.current().activeId).toBe(started.keyring.current().activeId);
  });

  it('never creates a new key file while any encrypted record exists: the start is refused and says why', async () => {
    await storeProviderToken(t);
    const err = await startError(() => openServerKeyring({ env: {}, dataDir, db: t.db }));
    expect(err.code).toBe('key_file_missing');
    expect(err.message).toMatch(/master-key\.json is missing, but the database holds 1 provider token\(s\) sealed under a master key/);
    expect(err.message).toMatch(/restore master-key\.json from a backup/);
    expect(readdirSync(dataDir)).toEqual([]);
  });

  it('refuses a key file that cannot open the newest provider token (another server made its own key)', async () => {
    // Server B made its own key file on its first start; server A then seals under A's key.
    const folderB = tempDir();
    const empty = await createTestApp({ startWorker: false });
    await openServerKeyring({ env: {}, dataDir: folderB, db: empty.db });
    await empty.close();
    const folderA = tempDir();
    const a = await openServerKeyring({ env: {}, dataDir: folderA, db: t.db });
    const serverA = await sameDatabase({ keyring: a.keyring });
    await storeProviderToken(serverA);
    await serverA.app.close();
    await serverA.db.destroy();

    const err = await startError(() => openServerKeyring({ env: {}, dataDir: folderB, db: t.db }));
    expect(err.code).toBe('key_mismatch');
    expect(err.message).toMatch(/cannot open the newest provider token .*which this server's keyring .* does not have/);
    await expect(openServerKeyring({ env: {}, dataDir: folderA, db: t.db })).resolves.toMatchObject({ createdKeyFile: null });
  });

  it('refuses QONDUIT_MASTER_KEY set to another key than the one that sealed the newest record', async () => {
    const folder = tempDir();
    const a = await openServerKeyring({ env: {}, dataDir: folder, db: t.db });
    const serverA = await sameDatabase({ keyring: a.keyring });
    await storeProviderToken(serverA);
    await serverA.app.close();
    await serverA.db.destroy();
    const otherKey = Buffer.alloc(32, 7).toString('base64');
    const err = await startError(() => openServerKeyring({ env: { QONDUIT_MASTER_KEY: otherKey }, dataDir: folder, db: t.db }));
    expect(err.code).toBe('key_mismatch');
    expect(err.message).toMatch(/cannot open the newest provider token/);
    expect(err.message).not.toContain(otherKey);
  });

  it('a second server process on the same database with a different key does not start', async () => {
    await storeProviderToken(t);
    const err = await startError(() => sameDatabase({ keyring: fixedKeyring(testKeyring()) }));
    expect(err.code).toBe('key_mismatch');
    expect(err.message).toMatch(/Every server sharing this database must use the same master key/);
  });
});
