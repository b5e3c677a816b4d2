// A real Qonduit server listening on 127.0.0.1 for the SDK's, the CLI's and the web UI's
// tests: the whole HTTP path (headers, cookies, status codes) as a client meets it. Test-only:
// it imports the server, which the SDK itself never does.
import { createKeyring, createPasswordHasher, generateMasterKey, keyFilePath, loadMasterKeyring, masterKeyId, systemClock } from '@qonduit/core';
import { createDb, migrateToLatest } from '@qonduit/db';
import { createTestDb } from '@qonduit/db/testing';
import type { TestDbHandle } from '@qonduit/db/testing';
import { buildApp, createKeyringHolder, fixedKeyring, loadConfig } from '@qonduit/server';
import type { AppDeps } from '@qonduit/server';
import { statSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { Qonduit } from '@qonduit/sdk';
import type { NewToken, Scope } from '@qonduit/sdk';

export interface TestServerOptions {
  /** Server settings, as environment variables (QONDUIT_PROVIDER_IONQ_URL, ...). */
  env?: Record<string, string>;
  /** Replaces any of buildApp's dependencies (a fetch for providers, ...). */
  deps?: Partial<AppDeps>;
  /**
   * Run on a data folder as `qonduit serve` does: the SQLite database and the master key file
   * live there (created if missing), so admin commands can work on them. The caller removes it.
   */
  dataDir?: string;
}

export interface TestUser {
  id: string;
  email: string;
  name: string;
  password: string;
  /** A client signed in with the user's cookie session, as the web UI is. */
  session: Qonduit;
  /** Creates a personal access token through the API, as the user would in the web UI. */
  createToken(options?: { scopes?: Scope[]; name?: string; expiresInDays?: number }): Promise<NewToken>;
}

export interface TestServer {
  /** The server's root URL, e.g. http://127.0.0.1:41234 */
  url: string;
  database: TestDbHandle;
  /** Every log line the server wrote, to prove that no secret reaches one. */
  logLines: string[];
  /** A client for this server that reads no environment or config file. */
  client(options?: { token?: string | null; organizationId?: string | null }): Qonduit;
  signUp(options?: { name?: string; email?: string }): Promise<TestUser>;
  close(): Promise<void>;
}

let counter = 0;

export function testMasterKeyring() {
  const key = generateMasterKey();
  return createKeyring([{ id: masterKeyId(key), key, createdAt: new Date().toISOString() }], masterKeyId(key), 'memory');
}

/** A full server on a fresh test database, listening on a free port of 127.0.0.1. */
/** The database and keyring in a data folder, read as the server reads them (the key file is watched for rotation). */
async function onDataDir(dataDir: string): Promise<{ database: TestDbHandle; keyring: AppDeps['keyring'] }> {
  const file = path.join(dataDir, 'qonduit.sqlite');
  const handle = createDb({ kind: 'sqlite', file });
  await migrateToLatest(handle.db);
  const keyring = createKeyringHolder(
    () => loadMasterKeyring({ env: {}, dataDir }).keyring,
    () => statSync(keyFilePath(dataDir), { throwIfNoEntry: false })?.mtimeMs ?? 0,
  );
  const database: TestDbHandle = {
    ...handle,
    connectAgain: () => createDb({ kind: 'sqlite', file }),
    cleanup: () => handle.db.destroy(),
  };
  return { database, keyring };
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const onDisk = options.dataDir ? await onDataDir(options.dataDir) : null;
  const database = onDisk?.database ?? (await createTestDb());
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(chunk.toString('utf8'));
      done();
    },
  });
  const app = await buildApp({
    // The job worker looks for work often, so that tests' jobs finish in milliseconds.
    config: loadConfig({ QONDUIT_DATA_DIR: '/nonexistent-test-data', QONDUIT_WORKER_INTERVAL_MS: '25', ...options.env }),
    database,
    // Real time: clients compute expiry dates from their own clock, as in production.
    clock: systemClock,
    passwords: createPasswordHasher({ log2Cost: 10 }),
    logger: pino({ level: 'info' }, sink),
    keyring: onDisk?.keyring ?? fixedKeyring(testMasterKeyring()),
    ...options.deps,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('the test server has no TCP address');
  const url = `http://127.0.0.1:${address.port}`;

  const client = (clientOptions: { token?: string | null; organizationId?: string | null } = {}) =>
    new Qonduit({
      baseUrl: url,
      token: clientOptions.token ?? null,
      organizationId: clientOptions.organizationId ?? null,
      env: {},
      configFile: null,
      // Fail fast in tests: nothing here is flaky enough to need a retry.
      retry: { maxRetries: 0 },
    });

  return {
    url,
    database,
    logLines,
    client,
    async signUp(signUpOptions = {}) {
      counter += 1;
      const email = signUpOptions.email ?? `user${counter}-${Date.now()}@example.com`;
      const name = signUpOptions.name ?? 'Ada Lovelace';
      const password = 'correct horse battery staple';
      const session = client();
      const user = await session.auth.signup({ email, password, name });
      return {
        id: user.id,
        email,
        name,
        password,
        session,
        async createToken(tokenOptions = {}) {
          counter += 1;
          const days = tokenOptions.expiresInDays ?? 30;
          return session.tokens.create({
            name: tokenOptions.name ?? `test token ${counter}`,
            scopes: tokenOptions.scopes ?? ['api'],
            expires_at: new Date(Date.now() + days * 86_400_000).toISOString(),
          });
        },
      };
    },
    async close() {
      await app.close();
      await database.cleanup();
    },
  };
}

