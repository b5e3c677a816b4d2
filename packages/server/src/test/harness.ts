import { createKeyring, createPasswordHasher, fixedClock, generateMasterKey, masterKeyId } from '@qonduit/core';
import type { MasterKeyring } from '@qonduit/core';
import { createTestDb } from '@qonduit/db/testing';
import type { TestDbHandle } from '@qonduit/db/testing';
import type { FastifyBaseLogger } from 'fastify';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { Writable } from 'node:stream';
import pino from 'pino';
import { buildApp } from '../app';
import type { AppDeps } from '../app';
import { loadConfig } from '../config';
import { loggerOptions } from '../logger';
import { fixedKeyring } from '../modules/keys/keyring-holder';
import { assertPlanqkSdkAccepts, planqkDtoFor } from './planqk-sdk-contract';

/** A fresh in-memory master keyring with one version. */
export function testKeyring(): MasterKeyring {
  const key = generateMasterKey();
  return createKeyring([{ id: masterKeyId(key), key, createdAt: new Date().toISOString() }], masterKeyId(key), 'memory');
}

export type TestApp = Awaited<ReturnType<typeof createTestApp>>;

/**
 * A whole server on a fresh database (SQLite or PostgreSQL, per vitest project), with its
 * log lines kept in memory so that tests can prove no secret reaches them.
 */
export async function createTestApp(overrides: Partial<AppDeps> = {}, env: Record<string, string> = {}) {
  const database = await createTestDb();
  return createTestAppOn(database, overrides, env);
}

/** A server on an existing test database: several of them share one, as processes would. */
export async function createTestAppOn(database: TestDbHandle, overrides: Partial<AppDeps> = {}, env: Record<string, string> = {}) {
  const clock = fixedClock(new Date('2026-11-28T12:00:00.000Z'));
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logLines.push(chunk.toString('utf8'));
      done();
    },
  });
  const logger = pino(loggerOptions('debug'), sink) as FastifyBaseLogger;
  const app = await buildApp({
    config: loadConfig({ QONDUIT_DATA_DIR: '/nonexistent-test-data', ...env }),
    database,
    clock,
    passwords: createPasswordHasher({ log2Cost: 10 }),
    logger,
    keyring: fixedKeyring(testKeyring()),
    ...overrides,
  });

  // Every /quantum answer a test sees must also be one PlanQK's SDK can read.
  async function request(options: InjectOptions): Promise<LightMyRequestResponse> {
    const res = await app.inject(options);
    const method = options.method ?? 'GET';
    if (res.statusCode < 300 && typeof options.url === 'string' && planqkDtoFor(method, options.url)) {
      assertPlanqkSdkAccepts(method, options.url, res.json());
    }
    return res;
  }

  return {
    app,
    database,
    db: database.db,
    clock,
    logLines,
    request,
    async close() {
      await app.close();
      await database.cleanup();
    },
  };
}

export interface Browser {
  userId: string;
  email: string;
  /** Sends a request with the session cookie and, for writes, the CSRF header. */
  request(options: InjectOptions): Promise<LightMyRequestResponse>;
}

let counter = 0;

/** Signs a new user up and returns a cookie-carrying client, as the web UI would be. */
export async function signUp(t: TestApp, name = 'Ada Lovelace', email?: string): Promise<Browser> {
  counter += 1;
  const address = email ?? `user${counter}-${Date.now()}@example.com`;
  const res = await t.request({
    method: 'POST',
    url: '/api/v1/auth/signup',
    payload: { email: address, password: 'correct horse battery staple', name },
  });
  if (res.statusCode !== 201) throw new Error(`signup failed: ${res.statusCode} ${res.body}`);
  return browserFrom(t, res, address);
}

export function browserFrom(t: TestApp, res: LightMyRequestResponse, email: string): Browser {
  const cookies = Object.fromEntries(res.cookies.map((c) => [c.name, c.value]));
  const session = cookies.qonduit_session ?? '';
  const csrf = cookies.qonduit_csrf ?? '';
  const user = res.json<{ id: string }>();
  return {
    userId: user.id,
    email,
    request: (options) =>
      t.request({
        ...options,
        cookies: { qonduit_session: session, qonduit_csrf: csrf, ...(options.cookies ?? {}) },
        headers: { 'x-csrf-token': csrf, ...(options.headers ?? {}) },
      }),
  };
}

export interface PatOptions {
  scopes?: string[];
  name?: string;
  expiresInDays?: number;
}

/** Creates a personal access token through the API, as a signed-in user would, and returns it. */
export async function createPat(t: TestApp, owner: Browser, options: PatOptions = {}): Promise<{ id: string; token: string }> {
  const expires = new Date(t.clock.now().getTime() + (options.expiresInDays ?? 30) * 86_400_000).toISOString();
  counter += 1;
  const res = await owner.request({
    method: 'POST',
    url: '/api/v1/user/tokens',
    payload: { name: options.name ?? `token ${counter}`, scopes: options.scopes ?? ['api'], expires_at: expires },
  });
  if (res.statusCode !== 201) throw new Error(`token creation failed: ${res.statusCode} ${res.body}`);
  return res.json<{ id: string; token: string }>();
}

export function withToken(token: string, headers: Record<string, string> = {}) {
  return { authorization: `Bearer ${token}`, ...headers };
}

/**
 * Makes `member` a member of the organization the way people join: the owner invites their
 * e-mail, and they accept. Fails the test when either step does.
 */
export async function addMember(owner: Browser, orgId: string, member: Browser, role: string): Promise<void> {
  const invited = await owner.request({ method: 'POST', url: `/api/v1/orgs/${orgId}/members`, payload: { email: member.email, role } });
  if (invited.statusCode !== 202) throw new Error(`invitation failed: ${invited.statusCode} ${invited.body}`);
  const { invitation } = invited.json<{ invitation: { id: string } }>();
  const accepted = await member.request({ method: 'POST', url: `/api/v1/user/invitations/${invitation.id}/accept` });
  if (accepted.statusCode !== 200) throw new Error(`accepting the invitation failed: ${accepted.statusCode} ${accepted.body}`);
}
